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
