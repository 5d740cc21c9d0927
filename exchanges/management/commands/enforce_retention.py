import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exchanges import services


class Command(BaseCommand):
    help = (
        "Delete the personal data of every transfer past its retention date and "
        "write signed deletion evidence. Idempotent; safe to stop and run again; "
        "safe to run on several servers at once. Schedule it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would be deleted."
        )
        parser.add_argument(
            "--today",
            help="Pretend today is this date (YYYY-MM-DD), e.g. to check a schedule.",
        )

    def handle(self, *args, **options):
        day = timezone.localdate()
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date like 2024-09-28.") from None

        def report(transfer):
            verb = "Would delete" if options["dry_run"] else "Deleting"
            self.stdout.write(
                f"{verb} {transfer.reference} (keep until {transfer.retention_date})"
            )

        written = services.enforce_retention(
            day, dry_run=options["dry_run"], report=report
        )
        if options["dry_run"]:
            self.stdout.write("Dry run: nothing was deleted.")
        else:
            self.stdout.write(
                self.style.SUCCESS(f"{len(written)} deletion(s) with evidence written.")
            )
