"""Recognise the kinds of file the exchanges accept from their first bytes.

A name or a browser's content type says nothing; the bytes do. CSV has no magic
number, so it is accepted as text: valid UTF-8 (or Latin-1 without control bytes)
with no NUL byte in the first block.
"""

from django.utils.translation import gettext_lazy as _

LABELS = {
    "csv": _("CSV (text)"),
    "xlsx": _("Excel workbook (XLSX)"),
    "pdf": _("PDF"),
}
EXTENSIONS = {"csv": {".csv", ".txt"}, "xlsx": {".xlsx"}, "pdf": {".pdf"}}
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _is_text(head):
    if b"\x00" in head:
        return False
    sample = head[:-4] if len(head) > 4 else head  # a character may be cut off
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return not any(byte < 9 or 13 < byte < 32 for byte in sample)


def detect(head):
    """The kind of file ``head`` (its first bytes) starts, or None."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"  # a ZIP; opening it as a workbook checks the rest
    if head and _is_text(head):
        if head.lstrip()[:1] in (b"<",):  # HTML, SVG, XML posing as a list
            return None
        return "csv"
    return None


def extension_matches(name, kind):
    lowered = (name or "").lower()
    return any(lowered.endswith(extension) for extension in EXTENSIONS.get(kind, ()))
