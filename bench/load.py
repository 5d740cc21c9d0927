"""Requests per second against a real gunicorn: the server and the load generator.

There is no wrk or ab here, so the client is plain Python. gunicorn's sync workers
close the connection after every response, so each request is a fresh TCP
connection; a raw socket that writes a minimal request and reads to EOF costs a
fraction of what http.client does, which leaves more of the CPU to the server.
The clients run in separate processes so that the GIL does not cap them.
"""

import multiprocessing
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from array import array
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from bench.environment import PROJECT_DIR

GUNICORN = Path(sys.executable).with_name("gunicorn")
START_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# The least a server needs; "Connection: close" says what sync workers do anyway.
REQUEST = "GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _log_tail(path, lines=30):
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return "(no log)"
    return "\n".join(text.splitlines()[-lines:]) or "(empty log)"


def _healthz_status(port):
    status, _ = _fetch(
        socket.AF_INET, ("127.0.0.1", port), _request_bytes("/healthz"), timeout=5.0
    )
    return status


def _stop(process):
    """SIGTERM, then SIGKILL the whole group: no orphaned worker may survive."""
    if process.poll() is None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=STOP_TIMEOUT)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    # Workers may outlive a master killed above or one that died on its own.
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.wait()


@contextmanager
def serve(*, page_cache, fragment_cache=True, workers=2, extra_env=None):
    """Run gunicorn on the benchmark site; yield its base URL. ``page_cache``: the
    app's whole-page cache; ``fragment_cache``: its kept protocol texts."""
    port = _free_port()
    env = dict(os.environ)
    env.update(
        {
            "BENCH_PAGE_CACHE": "1" if page_cache else "0",
            "BENCH_FRAGMENT_CACHE": "1" if fragment_cache else "0",
            "WEB_CONCURRENCY": str(workers),
            # gunicorn.conf.py imports the project's own modules.
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(PROJECT_DIR), env.get("PYTHONPATH")])
            ),
        }
    )
    env.update({key: str(value) for key, value in (extra_env or {}).items()})
    # Command-line options win over gunicorn.conf.py: no access log (its JSON
    # costs per request and is not what is measured), no worker recycling in
    # the middle of a measurement, and a bind that never clashes.
    command = [
        str(GUNICORN),
        "--config",
        str(PROJECT_DIR / "gunicorn.conf.py"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--threads",
        "1",
        "--access-logfile",
        os.devnull,
        "--max-requests",
        "0",
        "--graceful-timeout",
        "5",
        "config.wsgi:application",
    ]
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory(prefix="pr-bench-gunicorn-") as logdir:
        log_path = Path(logdir) / "gunicorn.log"
        with open(log_path, "wb") as log:
            # A session of its own, so that stopping it can reach every worker.
            process = subprocess.Popen(
                command,
                cwd=PROJECT_DIR,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            deadline = time.monotonic() + START_TIMEOUT
            status = None
            while status != 200:
                if process.poll() is not None:
                    raise RuntimeError(
                        f"gunicorn exited with code {process.returncode} before "
                        f"answering /healthz:\n{_log_tail(log_path)}"
                    )
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"gunicorn did not answer /healthz with 200 within "
                        f"{START_TIMEOUT:.0f} s (last status: {status}):\n"
                        f"{_log_tail(log_path)}"
                    )
                status = _healthz_status(port)
                if status != 200:
                    time.sleep(0.2)
            yield url
        finally:
            _stop(process)


def _request_bytes(path):
    return REQUEST.format(path=path).encode("ascii")


def _fetch(family, sockaddr, request, timeout):
    """One request on a new connection: (status, body size); status 0 on failure.

    Reading to EOF is enough: sync workers close the connection after answering.
    """
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(sockaddr)
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except OSError:
        return 0, 0
    finally:
        sock.close()
    data = b"".join(chunks)
    if data[:5] != b"HTTP/" or not data[9:12].isdigit():
        return 0, 0
    return int(data[9:12]), len(data) - data.find(b"\r\n\r\n") - 4


def _client_thread(target, request, warm_end, end, results):
    """One connection after another until the deadline; count what ends in the window."""
    latencies = array("d")
    errors = 0
    body_bytes = 0
    now = time.monotonic()
    while now < end:
        started = now
        # Never wait much past the deadline for a stuck server.
        status, size = _fetch(*target, request, timeout=end - now + 0.5)
        now = time.monotonic()
        if now >= end:
            break  # finished after the deadline: not counted either way
        if started >= warm_end:  # begun during the warm-up: not counted
            if status == 200:
                latencies.append(now - started)
                body_bytes += size
            else:
                errors += 1
        if status != 200:
            time.sleep(0.001)  # a refused connection fails at once: do not spin
            now = time.monotonic()
    results.append((latencies, errors, body_bytes))


def _client_process(pipe, target, request, threads):
    """Wait for the start times, run the threads, send back what they measured."""
    pipe.send("ready")
    warm_end, end = pipe.recv()
    results = []
    pool = [
        threading.Thread(
            target=_client_thread, args=(target, request, warm_end, end, results)
        )
        for _ in range(threads)
    ]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    pipe.send(results)
    pipe.close()


def _percentile(ordered, fraction):
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def _split(connections, processes):
    """Threads per process, as even as possible: 8 over 2 is [4, 4]."""
    return [
        connections // processes + (1 if index < connections % processes else 0)
        for index in range(processes)
    ]


def measure_rps(url, *, seconds=10.0, connections=8, warmup=2.0):
    """GET url from `connections` concurrent clients for `seconds` after a warm-up.

    Only requests that begin after the warm-up and end before the deadline count;
    an answer other than 200, or a failed connection, is an error. The clients
    run in processes started with "spawn", so a calling script needs the usual
    ``if __name__ == "__main__":`` guard.
    """
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request = _request_bytes(path)
    # Resolved once here: a look-up per request would cost more than the request.
    family, _, _, _, sockaddr = socket.getaddrinfo(
        parts.hostname, parts.port or 80, type=socket.SOCK_STREAM
    )[0]
    target = (family, sockaddr)

    # One client process per core, its connections as threads. Measured on 2
    # cores against /bench/bare/: fewer processes cost the client less CPU per
    # request (8x1: ~175 us, 4x2: ~155, 2x4: ~155, 1x8: ~130) at the same
    # throughput, but a single process would let the GIL cap a faster server.
    # http.client costs ~2.5 times as much per request as the raw socket.
    processes = max(1, min(connections, os.cpu_count() or 1))
    # Started fresh: the caller may hold threads and Django's database
    # connections, which a fork would copy.
    context = multiprocessing.get_context("spawn")
    clients = []
    try:
        for threads in _split(connections, processes):
            pipe, child_pipe = context.Pipe()
            process = context.Process(
                target=_client_process,
                args=(child_pipe, target, request, threads),
                daemon=True,
            )
            process.start()
            child_pipe.close()
            clients.append((process, pipe))
        try:
            # The clock starts once every client is up: spawning takes a while.
            for _, pipe in clients:
                pipe.recv()
            warm_end = time.monotonic() + warmup
            end = warm_end + seconds
            for _, pipe in clients:
                pipe.send((warm_end, end))
            results = [item for _, pipe in clients for item in pipe.recv()]
        except EOFError as error:
            raise RuntimeError(
                "a load-generator process died (its traceback is above)"
            ) from error
    finally:
        for process, pipe in clients:
            pipe.close()
            process.join(timeout=5)
            if process.is_alive():
                process.kill()
                process.join()

    latencies = sorted(value for item in results for value in item[0])
    requests = len(latencies)
    body_bytes = sum(item[2] for item in results)
    return {
        "rps": round(requests / seconds, 1),
        "requests": requests,
        "errors": sum(item[1] for item in results),
        "p50_ms": round(_percentile(latencies, 0.50) * 1000, 2),
        "p95_ms": round(_percentile(latencies, 0.95) * 1000, 2),
        "bytes": body_bytes // requests if requests else 0,
    }


def _self_check():
    """Serve a throw-away site and measure the two cheapest URLs."""
    from bench import environment

    env = environment.prepare(force_sqlite=True, use_redis=False)
    try:
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        # About 5 KB, the order of a protocol page's HTML.
        row = "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>\n"
        body = "<!doctype html><html><body>\n" + row * 80 + "</body></html>\n"
        env.bare_file.write_text(body, encoding="utf-8")
        with serve(page_cache=True) as url:
            for path in ("/bench/bare/", "/healthz"):
                figures = measure_rps(url + path)
                print(path, figures)  # noqa: T201 - the self-check's output
    finally:
        env.cleanup()


if __name__ == "__main__":
    _self_check()
