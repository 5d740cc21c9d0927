from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.demo import examples, seed_protocol
from home.demo.exchanges import load_current_transfer, load_seed_transfer
from home.demo.protocols import load_protocols
from home.demo.register import load_register
from home.demo.users import ensure_demo_users


class Command(BaseCommand):
    help = (
        "Load the demo content (the seed protocol 2024_VB_00591 and fictional "
        "examples) and the demo users. Idempotent: running it again changes nothing."
    )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo content and demo users are for development only: set "
                "DJANGO_DEBUG=1 (make run does) to load them."
            )
        created = ensure_demo_users()
        if created:
            self.stdout.write(f"Created demo users: {', '.join(created)}.")
        for module in (seed_protocol, examples):
            for reference in load_protocols(module):
                self.stdout.write(f"Published protocol {reference}.")
        for reference in load_register():
            self.stdout.write(f"Recorded processing activity {reference}.")
        for transfer in (load_seed_transfer(), load_current_transfer()):
            if transfer:
                self.stdout.write(f"Recorded demo transfer {transfer.reference}.")
        if settings.DEMO_CREDENTIALS_FILE.exists():
            where = settings.DEMO_CREDENTIALS_FILE
        else:
            where = "the DEMO_PASSWORD environment variable"
        self.stdout.write(
            self.style.SUCCESS(f"Demo users and their password: see {where}.")
        )
