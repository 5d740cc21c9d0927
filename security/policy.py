"""Who must use a second factor, and whether this session has given one."""

from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.conf import settings

MFA_SESSION_KEY = "security.mfa_verified_at"


def is_privileged(user):
    """Superusers, staff and every member of a role group hold access to data that
    needs a second factor; on this site that is every account."""
    return user.is_authenticated and (
        user.is_superuser or user.is_staff or user.groups.exists()
    )


def has_totp(user):
    return Authenticator.objects.filter(
        user=user, type=Authenticator.Type.TOTP
    ).exists()


def session_passed_second_factor(request):
    if request.session.get(MFA_SESSION_KEY):
        return True
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


def exempt_from_mfa(user):
    """Demo users, and only while DEBUG is on (settings refuse anything else)."""
    return settings.DEBUG and user.get_username() in getattr(
        settings, "SECURITY_MFA_EXEMPT_USERS", []
    )
