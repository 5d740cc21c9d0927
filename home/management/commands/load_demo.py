from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from home.demo import examples, seed_protocol
from home.demo.breaches import load_example_breach
from home.demo.exchanges import (
    load_current_transfer,
    load_past_example_transfer,
    load_seed_transfer,
)
from home.demo.protocols import load_protocols
from home.demo.register import load_register
from home.demo.sites import ensure_sites
from home.demo.users import ensure_demo_users, link_demo_members


class Command(BaseCommand):
    help = (
        "Load the demo content (the seed protocol 2024_VB_00591 and fictional "
        "examples), the demo users and the two organisations' sites. Idempotent: "
        "running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--port",
            type=int,
            help=(
                "The port the demo sites are served on (make run: 8000), so that "
                "links from one site to another carry it."
            ),
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo content and demo users are for development only: set "
                "DJANGO_DEBUG=1 (make run does) to load them."
            )
        try:
            created = ensure_demo_users()
        except ValidationError as refused:
            raise CommandError(
                "The demo password is refused: "
                + " ".join(refused.messages)
                + " Set DEMO_PASSWORD to a longer phrase of uncommon words, or "
                "unset it (and remove the demo credentials file) to get a "
                "generated one."
            ) from None
        if created:
            self.stdout.write(f"Created demo users: {', '.join(created)}.")
        for module in (seed_protocol, examples):
            for reference in load_protocols(module):
                self.stdout.write(f"Published protocol {reference}.")
        link_demo_members()
        for hostname in ensure_sites(options.get("port")):
            self.stdout.write(f"Created site {hostname}.")
        for reference in load_register():
            self.stdout.write(f"Recorded processing activity {reference}.")
        for transfer in (
            load_seed_transfer(),
            load_past_example_transfer(),
            load_current_transfer(),
        ):
            if transfer:
                self.stdout.write(f"Recorded demo transfer {transfer.reference}.")
        breach = load_example_breach()
        if breach:
            self.stdout.write(f"Recorded example data breach {breach.reference}.")
        if settings.DEMO_CREDENTIALS_FILE.exists():
            where = settings.DEMO_CREDENTIALS_FILE
        else:
            where = "the DEMO_PASSWORD environment variable"
        self.stdout.write(
            self.style.SUCCESS(f"Demo users and their password: see {where}.")
        )
