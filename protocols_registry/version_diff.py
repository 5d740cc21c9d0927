"""A readable difference between two versions of a protocol, section by section.

Each section of a version is turned into plain text (paragraphs on lines of their
own), then compared word by word. Added words are marked with <ins>, removed ones
with <del>, each with a hidden word ("added", "removed") for screen readers, which
do not announce the two elements.
"""

import difflib
import html
import re
from dataclasses import dataclass

from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from protocols_registry.models import ProtocolPage, ProtocolParty
from protocols_registry.sections import SECTIONS
from protocols_registry.validators import format_enterprise_number

BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|div|tr)>|<br\s*/?>", re.IGNORECASE)
TOKENS = re.compile(r"\s+|[^\s]+")


def rich_text_to_plain(value):
    """The words of a rich-text field, a line per paragraph or list item."""
    text = html.unescape(strip_tags(BLOCK_END.sub("\n", value or "")))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n".join(line for line in lines if line)


def _choice(choices, value):
    try:
        return str(choices(value).label)
    except ValueError:
        return value or ""


def _date(value):
    if not value:
        return ""
    year, month, day = value.split("-")
    return f"{day}/{month}/{year}"


def _special_parts(anchor, content):
    """Lines of a section that are not rich text (parties, steps, facts)."""
    fields = content["fields"]
    if anchor == "partijen":
        lines = []
        for party in content["parties"]:
            role = _choice(ProtocolParty.Role, party["role"])
            line = (
                f"{party['organisation']} ({role}), "
                f"{format_enterprise_number(party['enterprise_number'])}"
            )
            if party["representative"]:
                line += f", {party['representative']}"
                if party["representative_title"]:
                    line += f", {party['representative_title']}"
            lines.append(line)
            if party["mandate"]:
                lines.append(party["mandate"])
        return lines
    if anchor == "uitwisselingsproces":
        return [
            f"{n}. {' '.join(step.split())}"
            for n, step in enumerate(content["exchange_steps"], 1)
        ]
    if anchor == "dienstenintegrator":
        return [fields["service_integrator"] or _("none")]
    if anchor == "artikel-3":
        lines = []
        for item in content["data_items"]:
            lines.append(" ".join(item["data"].split()))
            lines.append(" ".join(item["proportionality"].split()))
            retention = " ".join(item["retention"].split())
            if item["retention_until"]:
                retention += " " + _("until %(date)s") % {
                    "date": _date(item["retention_until"])
                }
            if retention.strip():
                lines.append(retention.strip())
            if item["special_category"]:
                lines.append(
                    _("Special category: %(basis)s")
                    % {"basis": item["special_category_basis"]}
                )
        lines.extend(rich_text_to_plain(fields["retention_note"]).splitlines())
        return lines
    if anchor == "artikel-5":
        line = _choice(ProtocolPage.Periodicity, fields["periodicity"])
        if fields["frequency"]:
            line += f" ({fields['frequency']})"
        duration = _choice(ProtocolPage.Duration, fields["duration"])
        if fields["end_date"]:
            duration += " " + _("until %(date)s") % {"date": _date(fields["end_date"])}
        return [line, duration]
    if anchor == "artikel-12":
        lines = []
        if fields["entry_into_force_date"]:
            lines.append(
                _("In force from %(date)s")
                % {"date": _date(fields["entry_into_force_date"])}
            )
        if fields["notice_period_months"]:
            lines.append(
                _("Notice period: %(months)s months")
                % {"months": fields["notice_period_months"]}
            )
        if fields["terminated_on"]:
            lines.append(
                _("Terminated on %(date)s: %(reason)s")
                % {
                    "date": _date(fields["terminated_on"]),
                    "reason": fields["termination_reason"],
                }
            )
        return lines
    if anchor == "ondertekening":
        lines = []
        if fields["signed_place"] or fields["signed_date"]:
            lines.append(
                f"{fields['signed_place']} {_date(fields['signed_date'])}".strip()
            )
        lines.extend(
            f"{s['organisation']}: {s['name']}, {s['title']}"
            for s in content["signatories"]
        )
        return lines
    return []


def section_texts(content):
    """(anchor, text) for every section a version's text has, in order. The
    decisions are left out: they are the versions themselves."""
    texts = []
    for anchor, _heading, field_names in SECTIONS:
        if anchor == "besluiten":
            continue
        lines = []
        for name in field_names:
            lines.extend(rich_text_to_plain(content["fields"].get(name)).splitlines())
        if anchor == "artikel-3":
            lines = lines + _special_parts(anchor, content)
        else:
            lines = _special_parts(anchor, content) + lines
        texts.append((anchor, "\n".join(lines)))
    return texts


def _marked(tag, label, text):
    return (
        f'<{tag}><span class="visually-hidden">{escape(label)}: </span>'
        f"{escape(text)}</{tag}>"
    )


def word_diff(old, new):
    """HTML of ``new`` with the words added since ``old`` in <ins> and the words
    removed in <del>; line breaks as <br>."""
    before, after = TOKENS.findall(old), TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    added, removed = _("added"), _("removed")
    parts = []
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            parts.append(escape("".join(after[b1:b2])))
            continue
        if op in ("delete", "replace"):
            parts.append(_marked("del", removed, "".join(before[a1:a2])))
        if op in ("insert", "replace"):
            parts.append(_marked("ins", added, "".join(after[b1:b2])))
    return mark_safe("".join(parts).replace("\n", "<br>\n"))  # noqa: S308 - escaped


@dataclass(frozen=True)
class SectionDiff:
    anchor: str
    heading: str
    changed: bool
    html: str


def compare(old_content, new_content):
    """A SectionDiff for every section, from ``old_content`` to ``new_content``."""
    headings = {anchor: heading for anchor, heading, _fields in SECTIONS}
    old = dict(section_texts(old_content))
    result = []
    for anchor, text in section_texts(new_content):
        before = old.get(anchor, "")
        result.append(
            SectionDiff(
                anchor=anchor,
                heading=str(headings[anchor]),
                changed=before != text,
                html=word_diff(before, text),
            )
        )
    return result
