"""A small progress bar and stage timer on stderr (no extra package).

On a terminal the bar redraws in place; in a log file it writes one line at each
quarter, so a captured run stays readable.
"""

import sys
import time
from contextlib import contextmanager


class Bar:
    def __init__(self, label, total, stream=None, width=28):
        self.label = label
        self.total = max(int(total), 1)
        self.stream = stream or sys.stderr
        self.width = width
        self.done = 0
        self.started = time.monotonic()
        self._last_draw = 0.0
        self._last_quarter = -1
        self._tty = self.stream.isatty()
        self._draw(force=True)

    def advance(self, count=1):
        self.done = min(self.total, self.done + count)
        self._draw()

    def _draw(self, force=False):
        now = time.monotonic()
        fraction = self.done / self.total
        if self._tty:
            if not force and now - self._last_draw < 0.2 and self.done < self.total:
                return
            filled = int(self.width * fraction)
            bar = "#" * filled + "." * (self.width - filled)
            self.stream.write(
                f"\r  {self.label:<34} [{bar}] {self.done:>9,}/{self.total:,} "
                f"{now - self.started:6.1f} s"
            )
            self.stream.flush()
        else:
            quarter = int(fraction * 4)
            if quarter != self._last_quarter:
                self._last_quarter = quarter
                self.stream.write(
                    f"  {self.label}: {self.done:,}/{self.total:,} "
                    f"({now - self.started:.1f} s)\n"
                )
                self.stream.flush()
        self._last_draw = now

    def close(self):
        if self.done < self.total:
            self.done = self.total
            self._draw(force=True)
        if self._tty:
            self.stream.write("\n")
            self.stream.flush()
        return time.monotonic() - self.started

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def say(message):
    sys.stderr.write(message + "\n")
    sys.stderr.flush()


@contextmanager
def stage(label):
    """Announce a stage and report how long it took; yields a dict for extras."""
    say(f"* {label}…")
    started = time.monotonic()
    info = {}
    yield info
    info["seconds"] = time.monotonic() - started
    say(f"  {label}: done in {info['seconds']:.1f} s")
