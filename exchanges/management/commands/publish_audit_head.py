from django.core.management.base import BaseCommand, CommandError

from exchanges import audit_heads, refusals
from exchanges.operator_mail import alert_admins


class Command(BaseCommand):
    help = (
        "Write the counts of refused attempts whose window has closed to the audit "
        "log (exchanges.refusals). Verify the audit log, check that it extends every signed head still held "
        "(database, folder, object storage), then sign a head of its current size and "
        "write it everywhere. Exits with status 1, and mails the admins, when the log "
        "is broken, does not extend a held head, or a copy could not be written."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--mail",
            action="store_true",
            help="Also mail the head to the DPO and auditor groups "
            "(EXCHANGES_AUDIT_HEAD_MAIL_GROUPS).",
        )

    def handle(self, *args, mail=False, **options):
        # Refused attempts of closed windows first, so the head counts them all.
        counted = refusals.flush_closed_windows()
        if counted:
            self.stdout.write(f"{counted} events counting refused attempts written.")
        try:
            publication = audit_heads.publish(mail=mail)
        except audit_heads.HeadRefused as refusal:
            alert_admins(
                "Audit log: head NOT signed",
                f"publish_audit_head refused to sign: {refusal}\n"
                "Follow 'The audit log is broken' in docs/deployment.md.",
            )
            raise CommandError(f"Head not signed: {refusal}") from None
        self.stdout.write(publication.message)
        for place in publication.written:
            self.stdout.write(f"  written to {place}")
        if publication.failed:
            failed = ", ".join(f"{k} ({v})" for k, v in publication.failed.items())
            alert_admins(
                "Audit log: head not written everywhere",
                f"The head of {publication.head.tree_size} events could not be "
                f"written to: {failed}.",
            )
            raise CommandError(f"Head signed but not written to: {failed}.")
        self.stdout.write(self.style.SUCCESS("Done."))
