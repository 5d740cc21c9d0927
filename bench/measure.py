"""The in-process measurements: public pages, PDFs, the audit log, retention and the
worklist import. Each returns plain numbers; bench.__main__ turns them into rows.

Everything goes through the project's own code paths (the Wagtail page routing, the
PDF renderers, verify_audit_log's chain walk, enforce_retention, the worklist
import), never a copy of them.
"""

import datetime
import hashlib
import io
import statistics
import time

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


# --- public pages ---------------------------------------------------------------------


def page_figures(url, *, repeat=20, warmup=2):
    """Median and p95 in-process time and the SQL query count of one anonymous GET,
    without the public-page cache and without kept protocol texts (what a miss of
    both costs)."""
    client = Client()
    with override_settings(
        PROTOCOLS_REGISTRY_CACHE_SECONDS=0, PROTOCOLS_REGISTRY_FRAGMENT_CACHE_SECONDS=0
    ):
        for _ in range(warmup):  # warm: the site menu and template caches
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answers {response.status_code}.")
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        # Now: the list is read lazily from the connection's log, which the next
        # request empties.
        queries = len(captured)
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url)
            timings.append(time.perf_counter() - started)
    return {
        "median": statistics.median(timings),
        "p95": percentile(timings, 0.95),
        "queries": queries,
    }


def page_bytes(url):
    """The body of a page as an anonymous visitor gets it (the bare view's bytes)."""
    with override_settings(PROTOCOLS_REGISTRY_CACHE_SECONDS=0):
        response = Client().get(url)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answers {response.status_code}.")
    return response.content


# --- PDFs -----------------------------------------------------------------------------


def protocol_pdf_seconds(page, *, repeat=5):
    from protocols_registry.pdf.protocol import render_protocol_pdf

    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        content = render_protocol_pdf(page)
        timings.append(time.perf_counter() - started)
    if not content.startswith(b"%PDF"):
        raise RuntimeError("The protocol PDF is no PDF.")
    return statistics.median(timings), len(content)


def register_pdf_seconds():
    from protocols_registry.models import ProcessingActivity
    from protocols_registry.pdf.register import render_register_pdf

    started = time.perf_counter()
    content = render_register_pdf(organisation_name="OCMW Gent", version="bench")
    seconds = time.perf_counter() - started
    if not content.startswith(b"%PDF"):
        raise RuntimeError("The register PDF is no PDF.")
    return seconds, ProcessingActivity.objects.count(), len(content)


# --- the audit log --------------------------------------------------------------------


def verify_audit_log(*, in_python=False):
    """verify_audit_log as the timer runs it (or with --in-python). Returns
    (seconds, events checked)."""
    from django.core.management import call_command

    from exchanges.models import AuditVerification

    out = io.StringIO()
    started = time.perf_counter()
    options = ["--in-python"] if in_python else []
    call_command("verify_audit_log", *options, stdout=out, stderr=out)
    seconds = time.perf_counter() - started
    verification = AuditVerification.objects.order_by("-pk").first()
    if verification is None or not verification.ok:
        raise RuntimeError(f"The seeded audit log does not verify: {out.getvalue()}")
    return seconds, verification.events_checked


def plain_hashing_rate(limit=200_000):
    """Events per second of a bare loop that hashes the very bytes verification
    hashes (the canonical bytes, prepared beforehand and not timed): the floor
    under any verification of this chain."""
    from exchanges import audit
    from exchanges.models import AuditEvent

    hashed, seconds = 0, 0.0
    chunk = []
    events = AuditEvent.objects.order_by("sequence")[:limit].iterator(chunk_size=5000)

    def run(chunk):
        started = time.perf_counter()
        for prev_hash, canonical in chunk:
            hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()
        return time.perf_counter() - started

    for event in events:
        chunk.append((event.prev_hash, audit.canonical_bytes(event)))
        if len(chunk) == 20_000:
            seconds += run(chunk)
            hashed += len(chunk)
            chunk = []
    if chunk:
        seconds += run(chunk)
        hashed += len(chunk)
    return hashed / seconds if seconds else 0.0, hashed


# --- retention ------------------------------------------------------------------------


def enforce_retention():
    """enforce_retention over everything due, files removed after each batch's
    commit included. Returns (seconds, transfers deleted, signed evidence rows
    written: one per transfer and one per file removed)."""
    from exchanges import retention
    from exchanges.models import DeletionEvidence

    signed_before = DeletionEvidence.objects.exclude(signature="").count()
    started = time.perf_counter()
    run = retention.enforce_retention()
    seconds = time.perf_counter() - started
    signed = DeletionEvidence.objects.exclude(signature="").count() - signed_before
    return seconds, len(run.deleted), signed


def certificate_seconds(*, sample=20):
    """Median time to render (and check) one signed deletion certificate PDF: made
    on demand from the evidence, not at deletion time."""
    from exchanges.certificates import render_certificate, verify_certificate
    from exchanges.models import DeletionEvidence

    timings = []
    for evidence in DeletionEvidence.objects.order_by("-deleted_at")[:sample]:
        started = time.perf_counter()
        content = render_certificate(evidence)
        timings.append(time.perf_counter() - started)
        verify_certificate(content)
    return statistics.median(timings) if timings else 0.0


# --- the worklist import ----------------------------------------------------------------


def worklist_xlsx(rows):
    """An XLSX list of ``rows`` invented candidate tenants, as a housing company
    delivers it (the seed protocol's art. 3 columns, with real dates). Not
    home.demo.people, whose numbering stops short of 5 000 people."""
    from openpyxl import Workbook

    from exchanges import nrn
    from home.demo.people import HEADER

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(HEADER)
    invited = datetime.date(2026, 10, 1)
    for n in range(rows):
        # Born 1905-1929, like the demo's people: unlikely to be anyone living.
        born = datetime.date(1905 + n % 25, 1 + n % 12, 1 + n % 28)
        sheet.append(
            [
                f"Verzonnen{n}",
                f"Test{n}",
                nrn.formatted(nrn.make(born, 1 + n % 997)),
                "Niet bevestigd",
                "Inkomensbewijs",
                invited,
                invited + datetime.timedelta(days=30) if n % 3 == 0 else None,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def worklist_import(protocol, user, rows):
    """Record a transfer, store the XLSX encrypted, then time what the officer's
    import does: decrypt, parse and check every row, encrypt and store each row.
    Returns (seconds, rows imported, file size)."""
    from django.utils import timezone

    from exchanges import worklist
    from tests.exchanges.conftest import attach_payload, make_transfer

    transfer = make_transfer(
        protocol,
        user,
        data_subject_count=rows,
        sent_at=timezone.now() - datetime.timedelta(hours=1),
    )
    content = worklist_xlsx(rows)
    attach_payload(transfer, user, content, name="kandidaten.xlsx")
    transfer.refresh_from_db()
    started = time.perf_counter()
    result = worklist.read_delivered_list(transfer, user)
    if result.problems:
        raise RuntimeError(f"The benchmark list has problems: {result.problems[:3]}")
    entries = worklist.import_list(transfer, result, user=user)
    seconds = time.perf_counter() - started
    return seconds, len(entries), len(content)
