"""A long audit log with a valid hash chain, in bulk.

The events are those the exchanges app writes over the life of the seeded transfers
(recorded, uploaded, previewed and imported, viewed, downloaded, refused, deleted),
with the same actors, objects and details. They are put in time order, numbered, and
chained with exchanges.audit.seal(), as audit.record() chains them, continuing from
the log's current head, so `manage.py verify_audit_log` finds the whole chain intact.

On PostgreSQL the rows go in with COPY: a million rows through bulk_create() spend
most of their time assembling SQL in Python. SQLite gets bulk_create().
"""

import datetime
import json
import random
from types import SimpleNamespace

from django.db import connection
from django.utils import timezone

from bench.progress import Bar
from exchanges import audit
from exchanges.models import AuditEvent

BATCH = 5000
UTC = datetime.UTC

# Event codes of the skeleton; details are filled in when the rows are built.
RECORDED, UPLOADED, PREVIEWED, IMPORTED, DELETED = range(5)
VIEWED, DOWNLOADED, PAYLOAD_VIEWED, REFUSED, LINK_REFUSED = range(5, 10)
EXTRAS = [VIEWED, DOWNLOADED, PAYLOAD_VIEWED, REFUSED, LINK_REFUSED]
EXTRA_WEIGHTS = [55, 20, 20, 3, 2]


def _ts(moment):
    return moment.timestamp()


def plan_events(transfers, total, rng, now):
    """Skeleton events (timestamp, code, transfer index), in time order."""
    skeleton = []
    for number, transfer in enumerate(transfers):
        skeleton.append((_ts(transfer.sent_at), RECORDED, number))
        if transfer.payload_id is None:
            continue
        received = _ts(transfer.received_at)
        skeleton.append((received + 1, UPLOADED, number))
        if transfer.entries or (transfer.kind == "deleted" and rng.random() < 0.5):
            skeleton.append((received + 600, PREVIEWED, number))
            skeleton.append((received + 660, IMPORTED, number))
        if transfer.deleted_at:
            skeleton.append((_ts(transfer.deleted_at) + rng.random(), DELETED, number))
    if len(skeleton) > total:
        # Fewer events asked for than the transfers' own: keep a random share.
        skeleton = rng.sample(skeleton, total)
    with_file = [n for n, t in enumerate(transfers) if t.payload_id is not None]
    now_ts = _ts(now) - 3600
    for _ in range(max(0, total - len(skeleton))):
        number = rng.choice(with_file)
        transfer = transfers[number]
        start = _ts(transfer.received_at) + 700
        end = _ts(transfer.deleted_at) - 60 if transfer.deleted_at else now_ts
        moment = start + rng.random() * max(1.0, end - start)
        skeleton.append((moment, rng.choices(EXTRAS, EXTRA_WEIGHTS)[0], number))
    skeleton.sort()
    return skeleton


class AuditSeeder:
    def __init__(self, transfers, officers, auditor, rng=None):
        self.rng = rng or random.Random(50)
        self.transfers = transfers
        self.officers = officers
        self.auditor = auditor
        self.officer_ip = {
            user.pk: f"10.10.0.{10 + n}" for n, user in enumerate(officers)
        }

    def create(self, total):
        now = timezone.now()
        skeleton = plan_events(self.transfers, total, self.rng, now)
        head = (
            AuditEvent.objects.order_by("-sequence")
            .values_list("sequence", "hash")
            .first()
        )
        sequence, prev_hash = head if head else (0, audit.GENESIS)
        with Bar("audit events (hash chain)", len(skeleton)) as bar:
            for start in range(0, len(skeleton), BATCH):
                batch = []
                for moment, code, number in skeleton[start : start + BATCH]:
                    sequence += 1
                    event = self._event(sequence, moment, code, self.transfers[number])
                    audit.seal(event, prev_hash)
                    prev_hash = event.hash
                    batch.append(event)
                _insert(batch)
                bar.advance(len(batch))
        return len(skeleton)

    def _event(self, sequence, moment, code, transfer):
        rng = self.rng
        officer = transfer.officer
        actor_id, actor, ip = officer.pk, officer.username, self.officer_ip[officer.pk]
        obj_type, obj_id = "transfer", str(transfer.pk)
        details = {}
        if code == RECORDED:
            details = {
                "protocol": transfer.protocol,
                "data_items": transfer.items,
                "data_subjects": transfer.subjects,
                "retention_date": transfer.retention_date.isoformat(),
            }
        elif code == UPLOADED:
            via_link = transfer.channel == "platform"
            if via_link:
                actor_id, actor = None, "sender (upload link)"
                ip = f"192.0.2.{rng.randint(1, 254)}"  # documentation range
            obj_type, obj_id = "payload", str(transfer.payload_id)
            details = {
                "size": transfer.payload_size,
                "type": "csv",
                "sha256_ciphertext": transfer.sha256_ciphertext,
                "via": "upload_link" if via_link else "officer",
            }
        elif code == PREVIEWED:
            obj_type, obj_id = "payload", str(transfer.payload_id)
        elif code == IMPORTED:
            rows = transfer.entries or transfer.subjects
            details = {"rows": rows, "declared": transfer.subjects}
        elif code == DELETED:
            actor_id, actor, ip = None, "enforce_retention", None
            details = {
                "reason": "retention",
                "records": 1 + transfer.entries,
                "evidence": str(transfer.evidence_id),
            }
        elif code == VIEWED:
            details = {"rows": transfer.entries or transfer.subjects}
        elif code == DOWNLOADED:
            obj_type, obj_id = "payload", str(transfer.payload_id)
            details = {"size": transfer.payload_size}
        elif code == PAYLOAD_VIEWED:
            obj_type, obj_id = "payload", str(transfer.payload_id)
        elif code == REFUSED:
            actor_id, actor = self.auditor.pk, self.auditor.username
            ip = "10.10.0.99"
            details = {"path": f"/admin/exchanges/transfer/{transfer.pk}/download/"}
        elif code == LINK_REFUSED:
            actor_id, actor = None, "anonymous"
            ip = f"198.51.100.{rng.randint(1, 254)}"
            obj_type, obj_id = "uploadlink", str(rng.randint(1, 5000))
            details = {"reason": rng.choice(["expired", "used"])}
        # canonical_bytes() reads attributes only; a namespace is cheaper than a
        # model instance a million times over.
        return SimpleNamespace(
            sequence=sequence,
            created_at=datetime.datetime.fromtimestamp(moment, tz=UTC),
            actor_id=actor_id,
            actor=actor,
            action=_ACTIONS[code],
            object_type=obj_type,
            object_id=obj_id,
            transfer_id=transfer.pk,
            ip_address=ip,
            details=details,
        )


# Every column but the primary key, in the model's order.
COLUMNS = [
    field.name for field in AuditEvent._meta.concrete_fields if not field.primary_key
]


def _insert(events):
    if connection.vendor != "postgresql":
        AuditEvent.objects.bulk_create([AuditEvent(**vars(event)) for event in events])
        return
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
        ) as copy:
            for event in events:
                copy.write_row(
                    [
                        json.dumps(event.details)
                        if name == "details"
                        else getattr(event, name)
                        for name in COLUMNS
                    ]
                )


_ACTIONS = {
    RECORDED: "transfer.recorded",
    UPLOADED: "payload.uploaded",
    PREVIEWED: "worklist.previewed",
    IMPORTED: "worklist.imported",
    DELETED: "transfer.data_deleted",
    VIEWED: "worklist.viewed",
    DOWNLOADED: "payload.downloaded",
    PAYLOAD_VIEWED: "payload.viewed",
    REFUSED: "access.refused",
    LINK_REFUSED: "upload_link.refused",
}
