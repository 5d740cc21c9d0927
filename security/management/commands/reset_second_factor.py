from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from security.signals import end_sessions


class Command(BaseCommand):
    help = (
        "For a user who lost their authenticator: remove their second factor and "
        "recovery codes and end their sessions. At the next login they must enrol a "
        "new authenticator before they can reach anything. Verify the person's "
        "identity first (see docs/security.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username})
        except User.DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None
        removed, _details = Authenticator.objects.filter(user=user).delete()
        ended = end_sessions(user)
        self.stdout.write(
            self.style.SUCCESS(
                f"Removed {removed} authenticator(s) of {username}; ended {ended} session(s)."
            )
        )
