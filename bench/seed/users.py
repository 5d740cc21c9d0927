"""The benchmark's users, one per role that acts on the seeded records."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from protocols_registry import roles

PASSWORD = "bench-password-not-secret"  # noqa: S105 - throw-away database

USERS = [
    ("bench-officer-1", roles.EXCHANGE_OFFICER),
    ("bench-officer-2", roles.EXCHANGE_OFFICER),
    ("bench-officer-3", roles.EXCHANGE_OFFICER),
    ("bench-dpo", roles.DPO),
    ("bench-auditor", roles.AUDITOR),
]


def ensure_users():
    User = get_user_model()
    users = {}
    for username, group in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username, email=f"{username}@example.invalid", password=PASSWORD
            )
            user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def officers(users):
    return [user for name, user in users.items() if name.startswith("bench-officer")]
