import logging

from django.core.mail import mail_admins
from django.core.management.base import BaseCommand, CommandError

from exchanges import audit

logger = logging.getLogger("exchanges.audit")


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the whole audit log and name the first broken "
        "event. Exits with status 1 when the chain is broken (for alerting)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--in-python",
            action="store_true",
            help="Rebuild every hash here rather than in PostgreSQL: slower, and "
            "independent of the database's own functions.",
        )

    def handle(self, *args, in_python=False, **options):
        def progress(count):
            self.stdout.write(f"  {count} events checked…")

        result = audit.verify_and_store(progress=progress, in_python=in_python)
        if result.ok:
            self.stdout.write(self.style.SUCCESS(f"Audit log OK: {result.message}."))
            return
        logger.error("Audit log chain broken: %s", result.message)
        # The scheduler may not watch exit codes: tell the site's admins directly.
        mail_admins(
            "Audit log BROKEN",
            f"verify_audit_log found: {result.message}.\n"
            "Follow 'The audit log is broken' in docs/deployment.md.",
            fail_silently=True,
        )
        raise CommandError(f"Audit log BROKEN: {result.message}.")
