"""Payload encryption and decryption throughput for one large file, against raw
``cryptography`` AES-GCM on the same bytes, and the peak memory of that process.

``measure()`` runs the probe (``python -m bench.payload --probe SIZE``) in a fresh
process so that its peak RSS describes the payload work alone, not the seeding or
the servers of the caller. The probe needs the environment bench.environment.
prepare() sets and the master key that ``create_keys`` writes; it needs no database:
the Payload and Transfer it decrypts through are unsaved model instances.

Self-check: ``python -m bench.payload [--size 50]``.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
MB = 1024 * 1024
REPEATS = 3  # best of three: the page cache is warm, and a concurrent load passes
FILE_NAME = "bench.pdf"
# The upload handler checks the first bytes: a PDF header keeps the random rest
# acceptable, exactly like a real upload of that type.
PDF_HEAD = b"%PDF-1.7\n"


def measure(size_mb=200):
    """Run the probe in a fresh process and return its figures (a dict)."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.payload", "--probe", str(size_mb)],
        cwd=PROJECT_DIR,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(
            f"The payload probe failed ({completed.returncode}):\n"
            + completed.stderr[-4000:]
        )
    # The JSON line is the probe's last output; anything before it is not ours.
    return json.loads(completed.stdout.strip().splitlines()[-1])


# --- the probe (runs in the child process) ---------------------------------------


def _status_mb(field):
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return 0.0


def _rss_mb():
    """Current resident set size, from the kernel (Linux)."""
    return _status_mb("VmRSS")


def _peak_rss_mb():
    """Peak resident set size of this program. VmHWM, not getrusage(): Linux
    carries ru_maxrss over exec(), so a probe started by a big parent would
    report the parent's size."""
    return _status_mb("VmHWM")


def _write_plaintext(path, size_mb):
    """Incompressible file of size_mb MiB, written 1 MiB at a time; its SHA-256."""
    digest = hashlib.sha256()
    with open(path, "wb") as out:
        for index in range(size_mb):
            block = os.urandom(MB)
            if index == 0:
                block = PDF_HEAD + block[len(PDF_HEAD) :]
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _timed(function, *args):
    """((wall seconds, CPU seconds of this process), result). CPU time is kept too:
    on a shared machine it still compares project and raw fairly."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args)
    return (time.perf_counter() - wall, time.process_time() - cpu), result


def _project_encrypt(plain_path, binding, max_size):
    """Encrypt the way an HTTP upload is encrypted: the project's upload handler
    receives the file in the pieces Django's multipart parser hands it (64 KiB) and
    writes ciphertext to its temporary file. Returns the EncryptedUpload."""
    from django.core.files.uploadhandler import StopFutureHandlers

    from exchanges.uploads import EncryptingUploadHandler

    handler = EncryptingUploadHandler(None, binding=binding, max_size=max_size)
    size = plain_path.stat().st_size
    try:
        handler.new_file("file", FILE_NAME, "application/pdf", size)
    except StopFutureHandlers:
        pass
    received = 0
    with open(plain_path, "rb", buffering=0) as source:
        while piece := source.read(handler.chunk_size):
            handler.receive_data_chunk(piece, received)
            received += len(piece)
    upload = handler.file_complete(received)  # seals the last chunk, flushes
    if upload is None:
        raise RuntimeError(f"The upload handler refused the file: {handler.error}")
    return upload


def _project_decrypt(payload):
    """Decrypt through services.iter_plaintext (the download and verify path) into
    a hashing sink. Returns the SHA-256 of the plaintext."""
    from exchanges import services

    digest = hashlib.sha256()
    for chunk in services.iter_plaintext(payload):
        digest.update(chunk)
    return digest.hexdigest()


def _raw_encrypt(plain_path, out_path, key, chunk_size, hashed=False):
    """Reference: one AESGCM.encrypt per chunk of the project's chunk size, 12-byte
    nonces, read from the same file and written to disk like the project's.

    ``hashed`` adds the two SHA-256 digests (plaintext, ciphertext) the project must
    record: that variant tells the cost of the digests from any other overhead."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    prefix = os.urandom(8)
    plain_hash, cipher_hash = hashlib.sha256(), hashlib.sha256()
    with (
        open(plain_path, "rb", buffering=0) as source,
        open(out_path, "wb") as out,
    ):
        counter = 0
        while chunk := source.read(chunk_size):
            sealed = aead.encrypt(prefix + counter.to_bytes(4, "big"), chunk, None)
            out.write(sealed)
            if hashed:
                plain_hash.update(chunk)
                cipher_hash.update(sealed)
            counter += 1
    return prefix


def _raw_decrypt(cipher_path, key, chunk_size, prefix):
    """Reference decryption into the same hashing sink as the project's."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(key)
    digest = hashlib.sha256()
    with open(cipher_path, "rb", buffering=0) as source:
        counter = 0
        while sealed := source.read(chunk_size + 16):
            nonce = prefix + counter.to_bytes(4, "big")
            digest.update(aead.decrypt(nonce, sealed, None))
            counter += 1
    return digest.hexdigest()


def probe(size_mb):
    import django

    django.setup()

    from django.core.files import File
    from django.core.files.uploadhandler import FileUploadHandler

    from exchanges import crypto, services
    from exchanges.conf import get_setting
    from exchanges.models import Payload, Transfer
    from exchanges.storage import delete_everywhere, payload_storage

    chunk_size = get_setting("EXCHANGES_CHUNK_SIZE")
    max_size = max(get_setting("EXCHANGES_MAX_PAYLOAD_SIZE"), size_mb * MB)
    master = crypto.load_keyring()[0]  # fails early when create_keys was not run
    transfer = Transfer(reference="BENCH/1")  # never saved: no database needed
    binding = services.payload_binding(transfer)
    storage = payload_storage()
    baseline_rss = _rss_mb()

    labels = ("encrypt", "decrypt", "raw_encrypt", "raw_decrypt", "raw_encrypt_hashed")
    times = {label: [] for label in labels}
    with tempfile.TemporaryDirectory(
        prefix="payload-", dir=os.environ.get("DJANGO_VAR_DIR")
    ) as folder:
        plain_path = Path(folder) / FILE_NAME
        raw_path = Path(folder) / "raw.enc"
        expected = _write_plaintext(plain_path, size_mb)
        raw_key = os.urandom(32)

        def raw_round():
            seconds, prefix = _timed(
                _raw_encrypt, plain_path, raw_path, raw_key, chunk_size
            )
            times["raw_encrypt"].append(seconds)
            seconds, digest = _timed(
                _raw_decrypt, raw_path, raw_key, chunk_size, prefix
            )
            times["raw_decrypt"].append(seconds)
            if digest != expected:
                raise RuntimeError("Raw AES-GCM round trip changed the file.")
            seconds, _ = _timed(
                _raw_encrypt, plain_path, raw_path, raw_key, chunk_size, True
            )
            times["raw_encrypt_hashed"].append(seconds)

        def project_round():
            seconds, upload = _timed(_project_encrypt, plain_path, binding, max_size)
            times["encrypt"].append(seconds)
            if upload.sha256_plaintext != expected:
                raise RuntimeError("The upload handler hashed other bytes.")
            # Into the payload storage like store_payload(), outside the timing: a
            # copy of the ciphertext, not encryption.
            name = f"{get_setting('EXCHANGES_PAYLOAD_PREFIX')}/{upload.payload_id}.enc"
            try:
                stored_name = storage.save(name, File(upload.file, name=name))
            finally:
                upload.file.close()
            payload = Payload(
                id=upload.payload_id,
                transfer=transfer,
                storage_name=stored_name,
                key_id=master.key_id,
                wrapped_key=crypto.wrap_key(upload.data_key, upload.payload_id, master),
                sha256_plaintext=upload.sha256_plaintext,
            )
            try:
                seconds, digest = _timed(_project_decrypt, payload)
            finally:
                delete_everywhere(storage, stored_name)
            times["decrypt"].append(seconds)
            if digest != expected:
                raise RuntimeError("Decryption did not give back the original file.")

        raw_round()  # warm-up: page cache, OpenSSL, imports; not counted
        for measured in times.values():
            measured.clear()
        for _ in range(REPEATS):
            raw_round()
            project_round()
        peak_rss = _peak_rss_mb()

        # Python-level allocations of the project path, in a pass of its own:
        # tracemalloc slows every allocation, so it must stay out of the timings
        # (its slower times join the lists but never win the minimum).
        tracemalloc.start()
        project_round()
        traced_peak = tracemalloc.get_traced_memory()[1] / MB
        tracemalloc.stop()

    def rate(label):
        return round(size_mb / min(wall for wall, _ in times[label]), 1)

    def cpu_seconds(label):
        return min(seconds for _, seconds in times[label])

    figures = {
        "size_mb": size_mb,
        "encrypt_mb_s": rate("encrypt"),
        "decrypt_mb_s": rate("decrypt"),
        "raw_encrypt_mb_s": rate("raw_encrypt"),
        "raw_decrypt_mb_s": rate("raw_decrypt"),
        "raw_encrypt_hashed_mb_s": rate("raw_encrypt_hashed"),
        "baseline_rss_mb": round(baseline_rss, 1),
        "peak_rss_mb": round(peak_rss, 1),
        "peak_growth_mb": round(peak_rss - baseline_rss, 1),
        "tracemalloc_peak_mb": round(traced_peak, 1),
        "chunk_size": chunk_size,
        "upload_piece_size": FileUploadHandler.chunk_size,
    }
    figures["encrypt_ratio"] = round(
        figures["encrypt_mb_s"] / figures["raw_encrypt_mb_s"], 3
    )
    figures["encrypt_ratio_cpu"] = round(
        cpu_seconds("raw_encrypt") / cpu_seconds("encrypt"), 3
    )
    sys.stdout.write(json.dumps(figures) + "\n")
    sys.stdout.flush()


# --- self-check -----------------------------------------------------------------


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200, help="file size in MiB")
    parser.add_argument("--probe", type=int, metavar="SIZE", help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.probe is not None:
        probe(options.probe)
        return

    import io

    import django
    from django.core.management import call_command

    from bench import environment

    env = environment.prepare(force_sqlite=True, use_redis=False)
    try:
        django.setup()
        call_command("create_keys", stdout=io.StringIO())  # no database needed
        figures = measure(options.size)
        sys.stdout.write(json.dumps(figures, indent=2) + "\n")
        sys.stdout.write(
            f"encryption at {figures['encrypt_ratio']:.0%} of raw AES-GCM "
            f"({figures['encrypt_ratio_cpu']:.0%} in CPU time; target >= 80%), "
            f"peak growth {figures['peak_growth_mb']} MB "
            f"(target < 64 MB)\n"
        )
    finally:
        env.cleanup()


if __name__ == "__main__":
    main()
