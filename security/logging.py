"""JSON log lines: one object per line, so a value with a newline (a user name, a
path) cannot forge a second line, and log shippers need no parsing rules."""

import json
import logging
import re

# A one-time upload link carries its secret in the path; logs keep only its shape.
_UPLOAD_TOKEN = re.compile(r"(/upload/)[^/\s\"?]+")


def redact(text):
    return _UPLOAD_TOKEN.sub(r"\1[token]", text)


_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message",
    "asctime",
}
# Django passes the request object along; its repr carries the query string, which
# is no business of a log line. The path is logged by the message itself.
_LEFT_OUT = {"request"}


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
        }
        for key, value in vars(record).items():
            if (
                key not in _STANDARD
                and key not in _LEFT_OUT
                and not key.startswith("_")
            ):
                entry[key] = (
                    value
                    if isinstance(value, (str, int, float, bool, type(None)))
                    else str(value)
                )
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)
