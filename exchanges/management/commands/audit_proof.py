import base64
import json

from django.core.management.base import BaseCommand, CommandError

from exchanges import audit_heads, merkle
from exchanges.models import AuditEvent, SignedTreeHead
from exchanges.tlog_verify import VerificationError, open_checkpoint


def _b64(values):
    return [base64.b64encode(value).decode() for value in values]


class Command(BaseCommand):
    help = (
        "Write a proof bundle (JSON) that audit event EVENT (its sequence number) is "
        "in a signed head of the audit log. An auditor checks it offline with "
        "`python -m exchanges.tlog_verify --key KEY bundle.json`."
    )

    def add_arguments(self, parser):
        parser.add_argument("event", type=int, help="sequence number of the event")
        parser.add_argument(
            "--head",
            help="prove inclusion in this signed head (file or URL) instead of the "
            "newest one the installation signed",
        )
        parser.add_argument(
            "--since",
            help="also prove that the head extends this older signed head (file or URL)",
        )
        parser.add_argument("--output", help="file to write (default: standard output)")

    def handle(self, *args, event, head=None, since=None, output=None, **options):
        key = audit_heads.verifier_key()
        try:
            if head:
                note = audit_heads.read_note(head)
            else:
                newest = SignedTreeHead.objects.order_by("-tree_size").first()
                if newest is None:
                    raise CommandError(
                        "No head was signed yet: run publish_audit_head."
                    )
                note = newest.note
            signed = open_checkpoint(note, key)
            if not 1 <= event <= signed.size:
                raise CommandError(
                    f"Event #{event} is not in the head of {signed.size} events "
                    "(run publish_audit_head for newer events)."
                )
            leaves = audit_heads.leaf_hashes(signed.size)
            stored = AuditEvent.objects.get(sequence=event)
            bundle = {
                "format": "protocol-registry audit proof v1",
                "verifier_key": str(key),
                "checkpoint": note,
                "leaf_index": event - 1,
                "entry": audit_heads.entry(stored).decode(),
                "inclusion_proof": _b64(merkle.inclusion_path(event - 1, leaves)),
            }
            if since:
                older = audit_heads.read_note(since)
                older_size = open_checkpoint(older, key).size
                if older_size > signed.size:
                    raise CommandError("The older head is larger than the newer one.")
                bundle["older_checkpoint"] = older
                bundle["consistency_proof"] = _b64(
                    merkle.consistency_proof(older_size, leaves)
                )
        except (VerificationError, OSError, ValueError) as error:
            raise CommandError(str(error)) from None
        text = json.dumps(bundle, indent=2, ensure_ascii=False) + "\n"
        if output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
            self.stdout.write(f"Proof of event #{event} written to {output}.")
        else:
            self.stdout.write(text, ending="")
