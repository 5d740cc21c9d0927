import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exchanges import deletion, retention


class Command(BaseCommand):
    help = (
        "Delete the personal data of every transfer past its retention date and "
        "write signed deletion evidence; first finish removing the files an "
        "interrupted deletion left. Idempotent; safe to stop and run again; "
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

        run = retention.enforce_retention(
            day, dry_run=options["dry_run"], report=report
        )
        if options["dry_run"]:
            pending = deletion.pending_file_removals().count()
            if pending:
                self.stdout.write(
                    f"Would remove {pending} file(s) of earlier deletions."
                )
            self.stdout.write("Dry run: nothing was deleted.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(run.deleted)} deletion(s) with evidence written; "
                f"{len(run.files_removed)} file(s) removed from storage with evidence."
            )
        )
        if run.files_failed:
            # Exit status 1, so that the scheduler's alert fires.
            raise CommandError(
                f"{run.files_failed} file(s) could not be removed from storage; their "
                "keys are destroyed, so they are unreadable. See the log, then run "
                "again."
            )
