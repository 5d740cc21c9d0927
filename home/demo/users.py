"""Demo users, one per role, for trying the site locally.

The password comes from DEMO_PASSWORD or is generated once and written to the
credentials file (git-ignored, readable by the owner only), never printed.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from protocols_registry import roles

DEMO_USERS = [
    # username, group (None: administrator), display name
    ("admin", None, "Beheerder"),
    ("dpo", roles.DPO, "Functionaris gegevensbescherming"),
    ("secretary", roles.BOARD_SECRETARY, "Secretaris vast bureau"),
    ("editor", roles.EDITOR, "Redacteur"),
    ("officer", roles.EXCHANGE_OFFICER, "Uitwisselingsverantwoordelijke"),
    ("auditor", roles.AUDITOR, "Auditor"),
]


def demo_password():
    """DEMO_PASSWORD if set, else the password stored in the credentials file, else a
    new random one (written to that file)."""
    from_env = os.environ.get("DEMO_PASSWORD", "").strip()
    if from_env:
        return from_env
    path = settings.DEMO_CREDENTIALS_FILE
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("password:"):
                return line.split(":", 1)[1].strip()
    password = secrets.token_urlsafe(12)
    path.parent.mkdir(parents=True, exist_ok=True)
    usernames = ", ".join(username for username, _group, _name in DEMO_USERS)
    path.write_text(
        "Demo users of the Protocol Registry (development only)\n"
        f"users: {usernames}\n"
        f"password: {password}\n",
        encoding="utf-8",
    )
    path.chmod(0o600)
    return password


def ensure_demo_users():
    """Create the demo users if missing; never reset a password someone changed."""
    User = get_user_model()
    password = demo_password()
    created = []
    for username, group_name, display_name in DEMO_USERS:
        first_name, _sep, last_name = display_name.partition(" ")
        user, was_created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first_name,
                "last_name": last_name,
                "email": f"{username}@example.invalid",
                "is_staff": group_name is None,
                "is_superuser": group_name is None,
            },
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
            created.append(username)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
    return created
