"""A real varnishd with the shipped VCL (deploy/varnish/default.vcl) in front of a
given app server, for the benchmark and the tests (tests/protocols_registry/
test_varnish.py).

Only the addresses change: the backend, the purgers' ACL and the probe interval; the
rules (query allowlist, cookies, grace, purges) are the shipped file's.
"""

import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

VCL = Path(__file__).resolve().parent.parent / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or "/usr/sbin/varnishd"
VARNISHSTAT = shutil.which("varnishstat") or "/usr/bin/varnishstat"
START_TIMEOUT = 30.0


def available():
    return os.access(VARNISHD, os.X_OK)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def render_vcl(backend_port, *, purgers=("127.0.0.1",), probe_interval=None):
    """The shipped VCL with this machine's backend port and purgers."""
    text = VCL.read_text()
    text, count = re.subn(
        r'(backend app \{\s*\.host = "[^"]*";\s*\.port = )"\d+";',
        rf'\1"{backend_port}";',
        text,
    )
    if count != 1:
        raise ValueError("backend app not found in the VCL")
    entries = "".join(f'    "{address}";\n' for address in purgers)
    text, count = re.subn(
        r"acl purgers \{\n.*?\}", f"acl purgers {{\n{entries}}}", text, flags=re.S
    )
    if count != 1:
        raise ValueError("acl purgers not found in the VCL")
    if probe_interval is not None:
        text = re.sub(r"\.interval = \d+s;", f".interval = {probe_interval}s;", text)
    return text


class Varnish:
    """``with Varnish(backend_port) as cache: cache.url`` runs varnishd until the
    block ends."""

    def __init__(
        self, backend_port, *, purgers=("127.0.0.1",), probe_interval=None, memory="64m"
    ):
        self.vcl = render_vcl(
            backend_port, purgers=purgers, probe_interval=probe_interval
        )
        self.memory = memory
        self.port = None
        self.process = None
        self.workdir = None

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.workdir = tempfile.mkdtemp(prefix="pr-varnish-")
        vcl_path = Path(self.workdir) / "default.vcl"
        vcl_path.write_text(self.vcl)
        self.port = free_port()
        self.log = open(Path(self.workdir) / "varnishd.log", "w+")  # noqa: SIM115
        self.process = subprocess.Popen(  # noqa: S603 - our own binary and arguments
            [
                VARNISHD,
                "-F",
                "-j",
                "none",
                "-n",
                str(Path(self.workdir) / "n"),
                "-a",
                f"127.0.0.1:{self.port}",
                "-T",
                "none",
                "-f",
                str(vcl_path),
                "-s",
                f"malloc,{self.memory}",
                "-p",
                "ban_lurker_sleep=0.1",
            ],
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                self.log.seek(0)
                raise RuntimeError(f"varnishd did not start:\n{self.log.read()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError("varnishd did not listen in time")

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            # The manager and its child (the cache process) share our new group.
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self.log:
            self.log.close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    def counter(self, name):
        """A varnishstat counter, e.g. MAIN.n_object."""
        output = subprocess.run(  # noqa: S603
            [VARNISHSTAT, "-n", str(Path(self.workdir) / "n"), "-1", "-f", name],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for line in output.splitlines():
            parts = line.split()
            if parts and parts[0] == name:
                return int(parts[1])
        raise KeyError(name)


# --- the benchmark: Varnish beside nginx serving the same bytes as a static file -------

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NGINX_CONF = """
daemon off;
master_process on;
worker_processes 2;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    default_type text/html;
    client_body_temp_path {root}/tmp;
    proxy_temp_path {root}/tmp;
    fastcgi_temp_path {root}/tmp;
    uwsgi_temp_path {root}/tmp;
    scgi_temp_path {root}/tmp;
    server {{
        listen 127.0.0.1:{port};
        root {root}/site;
        location / {{ try_files $uri $uri/index.html =404; }}
    }}
}}
"""


class StaticNginx:
    """nginx serving ``content`` at ``path`` (…/index.html), as a static site would."""

    def __init__(self, path, content):
        self.path, self.content = path, content

    def __enter__(self):
        self.root = Path(tempfile.mkdtemp(prefix="pr-bench-nginx-"))
        # nginx's workers run as "nobody" when started by root.
        self.root.chmod(0o755)
        target = self.root / "site" / self.path.strip("/") / "index.html"
        target.parent.mkdir(parents=True)
        target.write_bytes(self.content)
        for folder in [self.root / "site", *target.parents]:
            if str(folder).startswith(str(self.root)):
                folder.chmod(0o755)
        target.chmod(0o644)
        (self.root / "tmp").mkdir()
        self.port = free_port()
        conf = self.root / "nginx.conf"
        conf.write_text(NGINX_CONF.format(root=self.root, port=self.port))
        self.process = subprocess.Popen(  # noqa: S603
            [NGINX, "-p", str(self.root), "-c", str(conf)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    (self.root / "error.log").read_text(errors="replace")[-2000:]
                )
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("nginx did not listen in time")

    def __exit__(self, *exc):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"


def _get(url, host, headers=False):
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.request("GET", parts.path, headers={"Host": host})
        response = connection.getresponse()
        result = response.status, response.getheader("X-Cache"), response.read()
        return (*result, dict(response.getheaders())) if headers else result
    finally:
        connection.close()


def publish_to_visible_seconds(page, cache_url, *, repeat=5):
    """From the commit of a publication to the new text served by Varnish: the
    purge (frontend_cache, once committed) and the refetch. The page's summary
    gets a marker each time and its original text back at the end."""
    from urllib.parse import urlsplit

    from django.db import transaction
    from django.test import override_settings

    from protocols_registry.models import ProtocolPage

    backends = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": cache_url,
        }
    }
    full = page.get_full_url()
    host = urlsplit(full).netloc
    url = cache_url + urlsplit(full).path
    original = ProtocolPage.objects.get(pk=page.pk).summary
    figures = []
    with override_settings(WAGTAILFRONTENDCACHE=backends):
        for n in range(repeat + 1):
            marker = f"[bench {n}]"
            text = original if n == repeat else f"{original} {marker}"
            _get(url, host)  # cached before the change
            committed = []
            page = ProtocolPage.objects.get(pk=page.pk)
            page.summary = text
            with transaction.atomic():
                transaction.on_commit(
                    lambda mark=committed: mark.append(time.monotonic())
                )
                page.save_revision().publish()
            if n == repeat:
                break  # the original text is back
            while time.monotonic() - committed[0] < 10:
                if marker.encode() in _get(url, host)[2]:
                    break
            figures.append(time.monotonic() - committed[0])
    return figures


def measure(page, *, serve, measure_rps, seconds, connections):
    """Requests/s of the cached detail page through Varnish and of nginx serving
    the same bytes as a static file, one after the other on the same machine; and
    publish → visible through Varnish. ``serve``/``measure_rps``: bench.load's."""
    from django.db import connection

    detail_path = page.url
    results = {}
    # The app's own page cache off: a miss renders the page, and a purge cannot
    # be undone by an app server's stale copy (without Redis each process has its
    # own). HTTP_CACHE_SECONDS: the pages say s-maxage; this process purges.
    with serve(page_cache=False, extra_env={"HTTP_CACHE_SECONDS": 3600}) as base:
        backend_port = int(base.rsplit(":", 1)[1])
        with Varnish(backend_port) as cache:
            status, _, body = _get(cache.url + detail_path, "localhost")
            again = _get(cache.url + detail_path, "localhost", headers=True)
            if status != 200 or again[1] != "HIT":
                raise RuntimeError(
                    f"the detail page is not cached by Varnish: {status}, {again[3]}"
                )
            results["varnish"] = measure_rps(
                cache.url + detail_path, seconds=seconds, connections=connections
            )
            results["objects"] = cache.counter("MAIN.n_object")
            with StaticNginx(detail_path, body) as nginx:
                results["nginx"] = measure_rps(
                    nginx.url + detail_path, seconds=seconds, connections=connections
                )
            connection.close()  # fresh after the load (SQLite, PostgreSQL alike)
            results["visible"] = publish_to_visible_seconds(page, cache.url)
    return results
