"""Every audit action has a label in Dutch and English; people read labels, never
codes; times leave the site in Brussels time with their zone."""

import ast
import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from exchanges import audit_actions, certificates, deletion, worklist
from exchanges.list_import import parse_list
from exchanges.models import AuditEvent, ListEntry
from tests.exchanges.conftest import attach_payload
from tests.exchanges.test_worklist import as_csv, person

EXCHANGES = Path(audit_actions.__file__).parent
# The calls that write an event; ``refuse(request, action, ...)`` takes it second.
RECORDERS = {"record": 0, "record_many": 0, "_record": 0, "record_refused_access": None}
RECORDERS["refuse"] = 1


def _constants():
    return {
        name: value
        for name, value in vars(audit_actions).items()
        if name.isupper() and isinstance(value, str) and "." in value
    }


def test_every_action_constant_has_a_label_in_dutch_and_english():
    constants = _constants()
    assert len(constants) >= 40
    assert set(constants.values()) == set(audit_actions.LABELS)
    for code, label in audit_actions.LABELS.items():
        with translation.override("nl-be"):
            dutch = str(label)
        with translation.override("en"):
            english = str(label)
        assert dutch != english, f"{code} has no Dutch label"
        assert code not in (dutch, english)


def _recorded_codes():
    """(file, line, code) of every action code written in a recording call, and the
    prefixes of the f-string ones."""
    found = []
    for path in EXCHANGES.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name not in RECORDERS:
                continue
            candidates = [kw.value for kw in node.keywords if kw.arg == "action"]
            position = RECORDERS[name]
            if position is not None and len(node.args) > position:
                candidates.append(node.args[position])
            for value in candidates:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found.append((path.name, node.lineno, value.value))
                elif isinstance(value, ast.JoinedStr) and isinstance(
                    value.values[0], ast.Constant
                ):
                    prefix = value.values[0].value
                    found.append((path.name, node.lineno, prefix + "*"))
    return found


def test_every_action_the_code_records_has_a_label():
    found = _recorded_codes()
    assert len(found) >= 30
    for filename, line, code in found:
        if code.endswith("*"):
            assert any(c.startswith(code[:-1]) for c in audit_actions.LABELS), (
                filename,
                line,
                code,
            )
        else:
            assert code in audit_actions.LABELS, (filename, line, code)


def test_the_timeline_and_the_audit_log_show_labels_not_codes(
    client, transfer, auditor_user
):
    attach_payload(transfer, None)
    client.force_login(auditor_user)
    detail = client.get(
        reverse("exchanges_admin:transfer_detail", args=[transfer.pk])
    ).content.decode()
    log = client.get(reverse("exchanges_admin:audit_log")).content.decode()
    for page in (detail, log):
        assert "doorgifte geregistreerd" in page
        assert "verzender (uploadlink)" in page
        assert ">transfer.recorded<" not in page
        assert "sender (upload link)" not in page


def test_the_audit_log_verification_reads_in_dutch(client, transfer, auditor_user):
    from exchanges import audit

    audit.verify_and_store()
    client.force_login(auditor_user)
    page = client.get(reverse("exchanges_admin:audit_log")).content.decode()
    count = AuditEvent.objects.count()
    assert f"{count} gebeurtenissen gecontroleerd, keten intact" in page
    assert "chain intact" not in page


@pytest.mark.parametrize(
    "count, message", [(1, "1 persoon behandeld"), (2, "2 personen behandeld")]
)
def test_handling_people_says_person_or_people(
    client, transfer, officer_user, count, message
):
    rows = [person(n) for n in range(1, 4)]
    attach_payload(transfer, officer_user, as_csv(rows))
    worklist.import_list(transfer, parse_list(as_csv(rows), "csv"), user=officer_user)
    client.force_login(officer_user)
    entries = list(ListEntry.objects.filter(transfer=transfer)[:count])
    response = client.post(
        reverse("exchanges_admin:worklist", args=[transfer.pk]),
        {
            "action": "contacted",
            "entries": [entry.pk for entry in entries],
            "confirmed": "yes",
        },
        follow=True,
    )
    text = response.content.decode()
    assert message in text
    assert "persoon/personen" not in text


def test_the_certificate_shows_brussels_time_with_its_zone_and_labels(payload):
    moment = timezone.make_aware(datetime.datetime(2026, 1, 15, 8, 5, 9), datetime.UTC)
    summer = timezone.make_aware(datetime.datetime(2026, 7, 1, 8, 5, 9), datetime.UTC)
    texts = []
    for when, reason in ((moment, "manual"), (summer, "not_a_client")):
        evidence = deletion.build_evidence(
            payload.transfer,
            subject="transfer",
            reason=reason,
            deleted_at=when,
            actor="enforce_retention",
            method=deletion.METHOD,
            verification="test",
            verified=True,
            record_count=0,
        )
        content = certificates.render_certificate(evidence)
        texts.append(
            " ".join(
                page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
            ).replace("\n", " ")
        )
    winter, summer_text = texts
    assert "15 januari 2026 09:05:09 CET" in winter
    assert "1 juli 2026 10:05:09 CEST" in summer_text
    assert "verwijderd op vraag van de uitwisselingsverantwoordelijke" in winter
    assert "noch kandidaat-huurder" in summer_text.lower() or "art. 5" in summer_text
    assert "not_a_client" not in summer_text and "manual" not in winter
    assert "Cryptografisch wissen" in winter
    assert "bewaartermijntaak" in winter and "enforce_retention" not in winter


def test_the_audit_log_filters_by_a_labelled_action(client, transfer, auditor_user):
    attach_payload(transfer, None)
    client.force_login(auditor_user)
    url = reverse("exchanges_admin:audit_log")
    page = client.get(url, {"action": "transfer.recorded"}).content.decode()
    assert '<option value="transfer.recorded" selected>doorgifte geregistreerd' in page
    assert "bestand opgeladen en versleuteld</span>" not in page
    assert "doorgifte geregistreerd</span>" in page
