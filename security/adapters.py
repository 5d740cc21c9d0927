from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are made by an administrator, never by signing up."""

    def is_open_for_signup(self, request):
        return False


class MFAAdapter(DefaultMFAAdapter):
    def can_delete_authenticator(self, authenticator):
        """Privileged users keep their second factor; an administrator resets it when
        a device is lost (manage.py reset_second_factor)."""
        from security.policy import is_privileged

        return not is_privileged(authenticator.user)
