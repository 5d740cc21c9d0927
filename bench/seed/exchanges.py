"""Transfers as the exchanges app would have recorded them over the years, in bulk.

Every transfer is one the protocol allows (exchanges.services.transfer_problems): in
force on the day it was sent, sent by a sending party to a receiving one, carrying
only the protocol's data items and kept no longer than they allow. Three kinds:

* deleted (most): past their retention date, crypto-shredded, with signed deletion
  evidence laid out exactly as deletion.write_evidence() writes it;
* due: past their retention date but not yet deleted, each with a real encrypted
  file in the payload storage (and, when in processing, encrypted worklist rows), so
  that enforce_retention has the full work to do;
* current: retention date still ahead; received with an encrypted file, or
  awaiting it.

Files go through exchanges.uploads.encrypt_bytes() and the payload storage like
services.store_payload(); only the per-transfer transaction and audit event are left
out (the audit log is seeded separately, with a valid chain).
"""

import datetime
import json
import random
import uuid
from dataclasses import dataclass, field

from django.core.files import File
from django.db.models import F, OuterRef, Subquery
from django.utils import timezone

from bench.progress import Bar
from exchanges import crypto, deletion, services, signing, worklist
from exchanges.conf import get_setting
from exchanges.models import DeletionEvidence, ListEntry, Payload, Transfer
from exchanges.storage import describe, payload_storage
from exchanges.uploads import encrypt_bytes
from home.demo import people
from protocols_registry.models import (
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolPage,
    ProtocolParty,
)

BATCH = 2000
FIRST_DAY = datetime.date(2012, 1, 1)


@dataclass
class ProtocolFacts:
    pk: int
    reference: str
    start: datetime.date  # first day in force
    end: datetime.date  # last day in force (or far ahead)
    decision_id: int
    senders: list = field(default_factory=list)
    recipients: list = field(default_factory=list)
    items: list = field(default_factory=list)  # (pk, label, retention_until)


@dataclass
class Seeded:
    """What the audit-log seeder needs to know about one transfer."""

    pk: int
    reference: str
    protocol: str
    kind: str
    status: str
    channel: str
    officer: object
    sent_at: datetime.datetime
    received_at: datetime.datetime | None
    deleted_at: datetime.datetime | None
    retention_date: datetime.date
    items: int
    subjects: int
    payload_id: uuid.UUID | None = None
    payload_size: int = 0
    sha256_ciphertext: str = ""
    evidence_id: uuid.UUID | None = None
    entries: int = 0


def load_protocol_facts(today):
    """Live protocols with an approving decision, and when each was in force."""
    far = today + datetime.timedelta(days=3650)
    facts = {}
    for row in (
        ProtocolPage.objects.live()
        .filter(approval_date__isnull=False)
        .values(
            "pk",
            "reference",
            "approval_date",
            "entry_into_force_date",
            "signed_date",
            "end_date",
            "terminated_on",
        )
    ):
        start = max(
            row["approval_date"],
            row["entry_into_force_date"] or row["signed_date"] or row["approval_date"],
        )
        end = min(
            row["end_date"] or far,
            (row["terminated_on"] - datetime.timedelta(days=1))
            if row["terminated_on"]
            else far,
        )
        if end >= start:
            facts[row["pk"]] = ProtocolFacts(row["pk"], row["reference"], start, end, 0)
    for page_id, decision_id in ProtocolDecision.objects.values_list(
        "page_id", "decision_id"
    ):
        if page_id in facts:
            facts[page_id].decision_id = decision_id
    for page_id, organisation_id, role in ProtocolParty.objects.values_list(
        "page_id", "organisation_id", "role"
    ):
        if page_id in facts:
            if role in ("sender", "both"):
                facts[page_id].senders.append(organisation_id)
            if role in ("recipient", "both"):
                facts[page_id].recipients.append(organisation_id)
    for item in ProtocolDataItem.objects.only(
        "pk", "page_id", "data", "retention_until"
    ):
        if item.page_id in facts:
            facts[item.page_id].items.append((item.pk, str(item), item.retention_until))
    return [
        fact
        for fact in facts.values()
        if fact.decision_id and fact.senders and fact.recipients and fact.items
    ]


class TransferSeeder:
    def __init__(self, officers, rng=None):
        self.rng = rng or random.Random(40)
        self.officers = officers
        self.today = timezone.localdate()
        self.master = crypto.load_keyring()[0]
        self.storage = payload_storage()
        self.prefix = get_setting("EXCHANGES_PAYLOAD_PREFIX")
        self.installation = deletion._installation()
        self.signing_key_id = signing.key_id()
        self.pseudonym_key = crypto.load_pseudonym_key()
        self.list_files = {}

    # --- planning ---------------------------------------------------------------------
    def plan(self, count):
        """The transfers to create, oldest first: 10 % due, 5 % current, the rest
        deleted long ago."""
        facts = load_protocol_facts(self.today)
        if not facts:
            raise RuntimeError("No protocol can carry transfers; seed protocols first.")
        due = count // 10
        current = count // 20
        kinds = (
            ["due"] * due
            + ["current"] * current
            + ["deleted"] * (count - due - current)
        )
        day = datetime.timedelta(days=1)
        windows = {
            "deleted": (FIRST_DAY, self.today - 45 * day),
            "due": (self.today - 150 * day, self.today - 8 * day),
            "current": (self.today - 60 * day, self.today - day),
        }
        candidates = {
            kind: [f for f in facts if f.start <= hi and f.end >= lo]
            for kind, (lo, hi) in windows.items()
        }
        plans = []
        for kind in kinds:
            plans.append(self._plan_one(kind, candidates[kind] or facts, windows[kind]))
        plans.sort(key=lambda plan: plan["sent_at"])
        numbers = {}
        for plan in plans:
            fact = plan["fact"]
            numbers[fact.pk] = numbers.get(fact.pk, 0) + 1
            plan["reference"] = f"{fact.reference}/{numbers[fact.pk]}"
        return plans

    def _plan_one(self, kind, candidates, window):
        rng, today, day = self.rng, self.today, datetime.timedelta(days=1)
        for _attempt in range(100):
            fact = rng.choice(candidates)
            lo, hi = max(fact.start, window[0]), min(fact.end, window[1])
            if hi < lo:
                continue
            sent = lo + datetime.timedelta(days=rng.randint(0, (hi - lo).days))
            items = rng.sample(fact.items, rng.randint(1, len(fact.items)))
            limits = [until for _pk, _label, until in items if until]
            limit = min(limits) if limits else None
            if kind == "deleted":
                keep = min(sent + rng.randint(7, 180) * day, today - 31 * day)
            elif kind == "due":
                keep = min(sent + rng.randint(7, 90) * day, today - day)
            else:
                keep = sent + rng.randint(60, 365) * day
            if limit is not None:
                keep = min(keep, limit)
            if keep < sent or (kind == "current") != (keep >= today):
                continue
            sender = rng.choice(fact.senders)
            recipients = [org for org in fact.recipients if org != sender]
            if not recipients:
                continue
            sent_at = timezone.make_aware(
                datetime.datetime.combine(sent, datetime.time(rng.randint(8, 16)))
                + datetime.timedelta(
                    minutes=rng.randint(0, 59), seconds=rng.randint(0, 59)
                )
            )
            return {
                "kind": kind,
                "fact": fact,
                "sender": sender,
                "recipient": rng.choice(recipients),
                "items": items,
                "sent_at": sent_at,
                "retention_date": keep,
            }
        raise RuntimeError(f"Could not plan a {kind} transfer; too few protocols?")

    # --- writing ------------------------------------------------------------------------
    def create(self, count):
        plans = self.plan(count)
        seeded = []
        with Bar("transfers, files and evidence", len(plans)) as bar:
            for start in range(0, len(plans), BATCH):
                seeded += self._write(plans[start : start + BATCH])
                bar.advance(min(BATCH, len(plans) - start))
        # auto_now_add stamped every row with today; the history says otherwise.
        Transfer.objects.update(created_at=F("sent_at"))
        Payload.objects.update(
            uploaded_at=Subquery(
                Transfer.objects.filter(pk=OuterRef("transfer_id")).values(
                    "received_at"
                )[:1]
            )
        )
        return seeded

    def _write(self, plans):
        rng = self.rng
        transfers, records = [], []
        for plan in plans:
            kind = plan["kind"]
            channel = rng.choices(["platform", "encrypted_email", "other"], [7, 2, 1])[
                0
            ]
            awaiting = kind == "current" and rng.random() < 0.2
            in_processing = not awaiting and kind != "deleted" and rng.random() < 0.3
            status = (
                "deleted"
                if kind == "deleted"
                else "awaiting"
                if awaiting
                else "in_processing"
                if in_processing
                else "received"
            )
            received_at = (
                None
                if awaiting
                else plan["sent_at"] + datetime.timedelta(minutes=rng.randint(2, 180))
            )
            deleted_at = (
                timezone.make_aware(
                    datetime.datetime.combine(
                        plan["retention_date"] + datetime.timedelta(days=1),
                        datetime.time(2, 15),
                    )
                )
                if kind == "deleted"
                else None
            )
            officer = rng.choice(self.officers)
            subjects = rng.randint(3, 30) if in_processing else rng.randint(1, 400)
            transfers.append(
                Transfer(
                    reference=plan["reference"],
                    protocol_id=plan["fact"].pk,
                    decision_id=plan["fact"].decision_id,
                    sender_id=plan["sender"],
                    recipient_id=plan["recipient"],
                    sent_at=plan["sent_at"],
                    received_at=received_at,
                    received_by=None if awaiting or channel == "platform" else officer,
                    channel=channel,
                    data_item_labels=[label for _pk, label, _until in plan["items"]],
                    data_subject_count=subjects,
                    retention_date=plan["retention_date"],
                    status=status,
                    note="",
                    created_by=officer,
                    deleted_at=deleted_at,
                )
            )
            records.append(
                Seeded(
                    pk=0,
                    reference=plan["reference"],
                    protocol=plan["fact"].reference,
                    kind=kind,
                    status=status,
                    channel=channel,
                    officer=officer,
                    sent_at=plan["sent_at"],
                    received_at=received_at,
                    deleted_at=deleted_at,
                    retention_date=plan["retention_date"],
                    items=len(plan["items"]),
                    subjects=subjects,
                )
            )
        Transfer.objects.bulk_create(transfers)
        through = Transfer.data_items.through
        through.objects.bulk_create(
            [
                through(transfer_id=transfer.pk, protocoldataitem_id=item_pk)
                for transfer, plan in zip(transfers, plans, strict=True)
                for item_pk, _label, _until in plan["items"]
            ]
        )
        payloads, evidence, entries = [], [], []
        for transfer, record in zip(transfers, records, strict=True):
            record.pk = transfer.pk
            if record.status == "awaiting":
                continue
            if record.kind == "deleted":
                payloads.append(self._shredded_payload(transfer, record))
                evidence.append(self._evidence(transfer, record))
            else:
                payloads.append(self._stored_payload(transfer, record))
                if record.status == "in_processing":
                    entries += self._list_entries(transfer, record)
        Payload.objects.bulk_create(payloads)
        DeletionEvidence.objects.bulk_create(evidence)
        ListEntry.objects.bulk_create(entries, batch_size=1000)
        return records

    def _list_file(self, rows, day):
        """A small delivered list of invented people (cached per size and day)."""
        key = (rows, day)
        if key not in self.list_files:
            self.list_files[key] = people.as_csv(
                people.people(rows, invitation_dates=[day])
            )
        return self.list_files[key]

    def _stored_payload(self, transfer, record):
        """Encrypted exactly like an upload, then kept like services.store_payload()."""
        rows = min(record.subjects, 50)  # people.people() numbers at most 97 people
        content = self._list_file(
            rows, record.sent_at.date() - datetime.timedelta(days=30)
        )
        upload = encrypt_bytes(
            content, "lijst.csv", binding=services.payload_binding(transfer)
        )
        name = f"{self.prefix}/{upload.payload_id}.enc"
        try:
            stored_name = self.storage.save(name, File(upload.file, name=name))
        finally:
            upload.file.close()
        record.payload_id = upload.payload_id
        record.payload_size = upload.size
        record.sha256_ciphertext = upload.sha256_ciphertext
        return Payload(
            id=upload.payload_id,
            transfer=transfer,
            original_name="lijst.csv",
            file_type=upload.kind,
            size=upload.size,
            chunk_size=upload.chunk_size,
            storage_name=stored_name,
            key_id=self.master.key_id,
            wrapped_key=crypto.wrap_key(
                upload.data_key, upload.payload_id, self.master
            ),
            sha256_plaintext=upload.sha256_plaintext,
            sha256_ciphertext=upload.sha256_ciphertext,
            uploaded_by=None if record.channel == "platform" else record.officer,
        )

    def _shredded_payload(self, transfer, record):
        """A payload after crypto-shredding: no data key, no file (removed at the
        deletion, as far as this seed goes); the fingerprints stay, as they do on
        the evidence."""
        payload_id = uuid.uuid4()
        record.payload_id = payload_id
        record.payload_size = self.rng.randint(400, 40_000)
        record.sha256_ciphertext = uuid.uuid4().hex + uuid.uuid4().hex
        return Payload(
            id=payload_id,
            transfer=transfer,
            original_name="lijst.csv",
            file_type="csv",
            size=record.payload_size,
            chunk_size=get_setting("EXCHANGES_CHUNK_SIZE"),
            storage_name=f"{self.prefix}/{payload_id}.enc",
            key_id=self.master.key_id,
            wrapped_key=None,
            sha256_plaintext=uuid.uuid4().hex + uuid.uuid4().hex,
            sha256_ciphertext=record.sha256_ciphertext,
            deleted_at=record.deleted_at,
            file_removed_at=record.deleted_at,
        )

    def _evidence(self, transfer, record):
        """Signed evidence with the content deletion.write_evidence() signs (it
        saves one row per call; here thousands go in one INSERT)."""
        evidence = DeletionEvidence(
            transfer=transfer,
            subject=DeletionEvidence.Subject.TRANSFER,
            subject_id=str(record.payload_id),
            reason=DeletionEvidence.Reason.RETENTION,
            deleted_at=record.deleted_at,
            actor="enforce_retention",
            method=deletion.METHOD,
            verification=(
                "data key present: no; encrypted file present in "
                f"{describe(self.storage)}: no"
            ),
            verified=True,
            record_count=1,
            sha256_plaintext="",
            sha256_ciphertext=record.sha256_ciphertext,
        )
        content = {
            "certificate_id": str(evidence.id),
            "installation": self.installation,
            "transfer": record.reference,
            "protocol": record.protocol,
            "subject": evidence.subject,
            "subject_id": evidence.subject_id,
            "reason": evidence.reason,
            "deleted_at": evidence.deleted_at.isoformat(timespec="seconds"),
            "actor": evidence.actor,
            "method": evidence.method,
            "verification": evidence.verification,
            "verified": evidence.verified,
            "record_count": evidence.record_count,
            "sha256_plaintext": evidence.sha256_plaintext,
            "sha256_ciphertext": evidence.sha256_ciphertext,
        }
        evidence.evidence_json = json.dumps(content, sort_keys=True, ensure_ascii=False)
        evidence.signature = signing.sign(evidence.evidence_json.encode())
        evidence.signing_key_id = self.signing_key_id
        record.evidence_id = evidence.id
        return evidence

    def _list_entries(self, transfer, record):
        """The imported worklist of a transfer in processing, sealed row by row the
        way worklist.import_list() seals them."""
        invited = record.sent_at.date() - datetime.timedelta(days=20)
        rows = people.people(record.subjects, invitation_dates=[invited])
        entries = []
        for number, row in enumerate(rows, start=2):
            national = row["Rijksregisternummer"].replace(".", "").replace("-", "")
            reminder = (
                datetime.datetime.strptime(
                    row["Datum herinneringsbrief"], "%d/%m/%Y"
                ).date()
                if row["Datum herinneringsbrief"]
                else None
            )
            entry = ListEntry(
                transfer=transfer,
                row_number=number,
                pseudonym=worklist.pseudonym(transfer, national, self.pseudonym_key),
                cir_status=row["Status dossier CIR"],
                missing_documents=[row["Ontbrekende stukken"]]
                if row["Ontbrekende stukken"]
                else [],
                invitation_date=invited,
                reminder_date=reminder,
                respond_by=worklist.respond_by(invited),
                strike_off_on=worklist.struck_off_on(reminder),
                deadline=worklist.deadline(invited, reminder),
            )
            worklist._seal(
                entry,
                transfer,
                {
                    "last_name": row["Naam"],
                    "first_name": row["Voornaam"],
                    "national_number": national,
                    "cir_status": row["Status dossier CIR"],
                    "missing_documents": entry.missing_documents,
                },
                self.master,
            )
            entries.append(entry)
        record.entries = len(entries)
        return entries
