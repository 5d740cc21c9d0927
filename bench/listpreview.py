"""The memory a worker needs to preview a big delivered list: the officer's
"import the list" page (worklist.read_delivered_list) on a CSV of ``size_mb`` MB of
invented people, in a fresh process, so that its peak RSS describes that request
alone.

Two files, both within the upload limit: ``rows``, ordinary rows (about 85 bytes
each, so a 200 MB file holds some 2.5 million people and the parse must stop at the
row limit), and ``wide``, as many rows as the limit allows, each about 4 KB (a long
"missing documents" cell), so the whole file is decrypted and parsed. Each is
generated as it is encrypted: no plaintext file is written.

The issue's reference: a 192 MB CSV took 31 s and 3.3 GB RSS before its refusal.
Self-check: ``python -m bench.listpreview [--size 20]``.
"""

import argparse
import datetime
import json
import os
import subprocess
import sys
import time
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
WIDE_ROW_BYTES = 4096
INVITED = "01/10/2026"


def _person(n, missing=""):
    """Row ``n`` of the list: an invented person whose national register number is
    valid-looking and different on every row (8 400 birth dates from 1905 to 1929,
    unlikely to be anyone living, then the next sequence number)."""
    from exchanges import nrn

    day = n % 8400
    born = datetime.date(1905 + day // 336, 1 + day % 336 // 28, 1 + day % 28)
    number = nrn.formatted(nrn.make(born, 1 + n // 8400))
    return (
        f"Verzonnen{n};Test{n};{number};Niet bevestigd;{missing};{INVITED};\r\n"
    ).encode()


def _rows(size_mb, kind):
    """Pieces of the CSV until it holds ``size_mb`` MB; yields (bytes, rows)."""
    from exchanges.list_import import MAX_ROWS
    from home.demo.people import HEADER

    target = size_mb * MB
    yield (";".join(HEADER) + "\r\n").encode(), 0
    written, n = 0, 0
    if kind == "wide":
        count = min(MAX_ROWS, target // WIDE_ROW_BYTES)
        filler = "Inkomensbewijs / " * (WIDE_ROW_BYTES // 17 + 1)
        missing = filler[: target // count - len(_person(0)) - 2]
        for n in range(count):
            yield _person(n, missing), 1
        return
    while written < target:
        piece = b"".join(_person(n + i, "Inkomensbewijs") for i in range(1000))
        written += len(piece)
        n += 1000
        yield piece, 1000


def _store_generated(transfer, user, size_mb, kind):
    """Encrypt the generated list the way an upload is encrypted and keep it as the
    transfer's payload. Returns (payload, rows, bytes)."""
    from django.core.files.uploadhandler import StopFutureHandlers

    from exchanges import services
    from exchanges.uploads import EncryptingUploadHandler

    handler = EncryptingUploadHandler(
        None, binding=services.payload_binding(transfer), max_size=(size_mb + 8) * MB
    )
    try:
        handler.new_file("file", "kandidaten.csv", "text/csv", None)
    except StopFutureHandlers:
        pass
    received = rows = 0
    for piece, count in _rows(size_mb, kind):
        handler.receive_data_chunk(piece, received)
        received += len(piece)
        rows += count
    upload = handler.file_complete(received)
    if upload is None:
        raise RuntimeError(f"The upload handler refused the list: {handler.error}")
    return services.store_payload(transfer, upload, user=user), rows, received


def measure(protocol, user, size_mb, kind="rows"):
    """Store a generated list for a new transfer, preview it in a fresh process and
    return the figures (a dict)."""
    from django.utils import timezone

    from tests.exchanges.conftest import make_transfer

    transfer = make_transfer(
        protocol,
        user,
        data_subject_count=1,
        sent_at=timezone.now() - datetime.timedelta(hours=1),
    )
    _payload, rows, size = _store_generated(transfer, user, size_mb, kind)
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.listpreview",
            "--probe",
            str(transfer.pk),
            str(user.pk),
        ],
        cwd=PROJECT_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"The list preview probe failed ({completed.returncode}):\n"
            + completed.stderr[-4000:]
        )
    figures = json.loads(completed.stdout.strip().splitlines()[-1])
    figures.update({"kind": kind, "rows_in_file": rows, "size_mb": size / MB})
    return figures


# --- the probe (runs in the child process) -------------------------------------------


def probe(transfer_pk, user_pk):
    import django

    django.setup()

    from django.contrib.auth import get_user_model

    from bench.payload import _peak_rss_mb, _rss_mb
    from exchanges import worklist
    from exchanges.list_import import ListFileError
    from exchanges.models import Transfer

    transfer = Transfer.objects.select_related("payload", "protocol").get(
        pk=transfer_pk
    )
    user = get_user_model().objects.get(pk=user_pk)
    baseline = _rss_mb()
    started = time.perf_counter()
    try:
        result = worklist.read_delivered_list(transfer, user)
    except ListFileError as refusal:
        outcome = f"refused: {refusal}"
    else:
        outcome = f"{len(result.rows)} rows, {len(result.problems)} problems"
    seconds = time.perf_counter() - started
    peak = _peak_rss_mb()
    figures = {
        "seconds": round(seconds, 2),
        "baseline_rss_mb": round(baseline, 1),
        "peak_rss_mb": round(peak, 1),
        "peak_growth_mb": round(peak - baseline, 1),
        "outcome": outcome,
    }
    sys.stdout.write(json.dumps(figures) + "\n")
    sys.stdout.flush()


# --- self-check -------------------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=20, help="file size in MiB")
    parser.add_argument("--probe", nargs=2, type=int, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.probe:
        probe(*options.probe)
        return

    import io

    import django
    from django.core.management import call_command

    from bench import environment

    env = environment.prepare(force_sqlite=True, use_redis=False)
    try:
        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        call_command("create_keys", stdout=io.StringIO())
        from protocols_registry import roles
        from tests.conftest import make_user
        from tests.factories import build_protocol

        protocol = build_protocol(decision_date=datetime.date(2026, 1, 15))
        user = make_user("bench-preview", roles.EXCHANGE_OFFICER, second_factor=False)
        for kind in ("rows", "wide"):
            figures = measure(protocol, user, options.size, kind)
            sys.stdout.write(json.dumps(figures, indent=2) + "\n")
    finally:
        env.cleanup()


if __name__ == "__main__":
    main()
