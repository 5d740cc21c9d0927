"""Mail the DPO as a breach's 72 hours run out. Run it from cron, e.g. every 15
minutes: */15 * * * * manage.py breach_deadlines"""

from django.core.management.base import BaseCommand

from breaches import deadlines


class Command(BaseCommand):
    help = (
        "Mail the DPO of each open data breach as the 72 hours to notify the "
        "supervisory authority run out (each reminder once)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be mailed."
        )

    def handle(self, *args, dry_run=False, **options):
        sent = deadlines.send_reminders(dry_run=dry_run)
        for breach, hours in sent:
            self.stdout.write(
                f"{'would mail' if dry_run else 'mailed'} {breach.reference}: "
                f"{hours} h left"
                if hours
                else f"{breach.reference}: deadline passed"
            )
        self.stdout.write(f"{len(sent)} reminder(s).")
