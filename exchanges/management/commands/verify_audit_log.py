import logging
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from exchanges import audit, audit_heads, retention_audit
from exchanges.models import AuditVerification
from exchanges.operator_mail import alert_admins
from exchanges.tlog_verify import VerificationError, VerifierKey

logger = logging.getLogger("exchanges.audit")


class Command(BaseCommand):
    help = (
        "Verify the hash chain of the whole audit log and name the first broken "
        "event, then prove that the log extends every signed head held in the "
        "installation's places and every head given with --against. Exits with "
        "status 1 when anything does not hold (for alerting)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--in-python",
            action="store_true",
            help="Rebuild every hash here rather than in PostgreSQL: slower, and "
            "independent of the database's own functions.",
        )
        parser.add_argument(
            "--against",
            action="append",
            default=[],
            metavar="FILE|URL",
            help="a signed head you hold (a file, or a URL such as the transparency "
            "page's /checkpoint); may be given several times",
        )
        parser.add_argument(
            "--key",
            metavar="FILE",
            help="the log's verifier key as you hold it (default: the installation's "
            "own key)",
        )

    def handle(self, *args, in_python=False, against=(), key=None, **options):
        def progress(count):
            self.stdout.write(f"  {count} events checked…")

        problems = []
        result = audit.verify_and_store(progress=progress, in_python=in_python)
        if result.ok:
            self.stdout.write(f"Hash chain OK: {result.message}.")
        else:
            problems.append(f"hash chain: {result.message.rstrip('.')}")
        try:
            verifier = VerifierKey.parse(Path(key).read_text("utf-8")) if key else None
            notes = {source: audit_heads.read_note(source) for source in against}
        except (OSError, ValueError, VerificationError) as error:
            raise CommandError(f"Cannot read what was given: {error}") from None
        for reference, now, logged in retention_audit.dates_off_the_record():
            problems.append(
                f"transfer {reference}: retention date {now}, but the log last "
                f"recorded {logged} (changed outside the application)"
            )
        for check in audit_heads.verify_against(notes, verifier):
            if check.ok:
                self.stdout.write(f"Head from {check.place} OK: {check.message}.")
            else:
                problems.append(f"head from {check.place}: {check.message.rstrip('.')}")
        if not problems:
            self.stdout.write(self.style.SUCCESS("Audit log OK."))
            return
        message = "; ".join(problems)
        if result.ok:
            # The chain alone looked fine: keep the failure for the auditor's screen.
            AuditVerification.objects.create(
                ok=False,
                events_checked=result.events_checked,
                message=message[:300],
            )
        logger.error("Audit log broken: %s", message)
        # The scheduler may not watch exit codes: tell the site's admins directly.
        alert_admins(
            "Audit log BROKEN",
            f"verify_audit_log found: {message}.\n"
            "Follow 'The audit log is broken' in docs/deployment.md.",
        )
        raise CommandError(f"Audit log BROKEN: {message}.")
