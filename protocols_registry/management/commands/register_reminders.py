import datetime

from django.core.management.base import BaseCommand, CommandError

from protocols_registry.reminders import send_reminders


class Command(BaseCommand):
    help = (
        "E-mail the DPO group the processing activities whose review is due and the "
        "processor agreements that end within --days. Schedule it weekly."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="Look this far ahead.")
        parser.add_argument("--today", help="Pretend today is this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List, but send no e-mail."
        )

    def handle(self, *args, **options):
        day = None
        if options["today"]:
            try:
                day = datetime.date.fromisoformat(options["today"])
            except ValueError:
                raise CommandError("--today must be a date like 2026-12-01.") from None
        activities, processors, recipients = send_reminders(
            day, options["days"], dry_run=options["dry_run"]
        )
        for activity in activities:
            self.stdout.write(f"Review due: {activity.reference}")
        for processor in processors:
            self.stdout.write(f"Agreement ending: {processor.name}")
        if (activities or processors) and not recipients:
            raise CommandError(
                "Items are due but no active DPO user has an e-mail address."
            )
        sent = (
            "no e-mail (dry run)"
            if options["dry_run"]
            else (
                f"e-mail to {len(recipients)} DPO user(s)"
                if activities or processors
                else "nothing due"
            )
        )
        self.stdout.write(
            f"{len(activities)} activity review(s), {len(processors)} agreement(s); {sent}."
        )
