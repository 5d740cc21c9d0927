"""Demo users, one per role, for trying the site locally.

The password comes from DEMO_PASSWORD or is generated once and written to the
credentials file (git-ignored, readable by the owner only), never printed.
"""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from exchanges.role_grants import approve_at_installation
from protocols_registry import roles
from protocols_registry.models import Organisation, OrganisationMember
from protocols_registry.validators import normalise_enterprise_number

DEMO_USERS = [
    # username, group (None: administrator), display name
    ("admin", None, "Beheerder"),
    ("dpo", roles.DPO, "Functionaris gegevensbescherming"),
    ("dpo-thuispunt", roles.DPO, "Functionaris gegevensbescherming Thuispunt"),
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
    password = _generated_password()
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


def _generated_password():
    """A random password that passes every password rule for every demo user.

    A random string can, rarely (about 1 in 3 000), look like a user's name to
    UserAttributeSimilarityValidator ("Functionaris", "Secretaris"); draw again
    rather than fail load_demo on a fresh machine."""
    User = get_user_model()
    while True:
        password = secrets.token_urlsafe(12)
        try:
            for username, group_name, display_name in DEMO_USERS:
                fields = _fields(username, group_name, display_name)
                validate_password(password, User(username=username, **fields))
        except ValidationError:
            continue
        return password


def _fields(username, group_name, display_name):
    first_name, _sep, last_name = display_name.partition(" ")
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": f"{username}@example.invalid",
        "is_staff": group_name is None,
        "is_superuser": group_name is None,
    }


def ensure_demo_users():
    """Create the demo users if missing; never reset a password someone changed.

    The password obeys the rules of every other password (a predictable
    DEMO_PASSWORD raises ValidationError), checked before anything is created."""
    User = get_user_model()
    password = demo_password()
    for username, group_name, display_name in DEMO_USERS:
        fields = _fields(username, group_name, display_name)
        validate_password(password, User(username=username, **fields))
    created = []
    for username, group_name, display_name in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username, defaults=_fields(username, group_name, display_name)
        )
        if was_created:
            user.set_password(password)
            user.save(update_fields=["password"])
            created.append(username)
        if group_name:
            user.groups.add(Group.objects.get(name=group_name))
        if group_name == roles.EXCHANGE_OFFICER:
            # A role that opens personal data needs a DPO's approval; the demo's
            # officer is approved by the installation, and the audit log says so.
            approve_at_installation(user, group_name, actor="demo")
    return created


# Who speaks for which party of the seed protocol: each party's DPO advises on a
# protocol in the workflow, OCMW Gent's secretary links the Vast Bureau's decision.
# Transfers are seen only by their own organisations (exchanges.scoping): the
# officer and the auditor work for OCMW Gent and the fictional OCMW Voorbeeldstad,
# a party to every demo transfer (home.demo.exchanges).
DEMO_MEMBERSHIPS = [
    ("dpo", "0212.214.125"),  # OCMW Gent
    ("dpo-thuispunt", "0400.032.156"),  # Woonmaatschappij Thuispunt Gent
    ("secretary", "0212.214.125"),
    ("editor", "0212.214.125"),
    ("officer", "0212.214.125"),
    ("officer", "0999.123.457"),  # OCMW Voorbeeldstad (fictief)
    ("auditor", "0999.123.457"),
]


def link_demo_members():
    """Make the demo users members of their organisations (once they exist)."""
    User = get_user_model()
    for username, enterprise_number in DEMO_MEMBERSHIPS:
        user = User.objects.filter(username=username).first()
        organisation = Organisation.objects.filter(
            enterprise_number=normalise_enterprise_number(enterprise_number)
        ).first()
        if user and organisation:
            OrganisationMember.objects.get_or_create(
                user=user, organisation=organisation
            )
