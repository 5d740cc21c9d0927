"""The register of processing activities as a tagged PDF (PDF/UA-1) for the
supervisory authority (GDPR art. 30(4)): cover, table of contents, one section
per activity with every letter of art. 30(1), and the processors as an annex.

Each activity is a heading (and a bookmark), its facts one paragraph with a line
per letter (label in bold, then the value), so a screen reader can move from
activity to activity and hear each letter's label with its value. Typst lays out
the table of contents itself, with its page numbers, in one compilation.

A register holds a thousand activities and more, so the document is kept cheap
(docs/performance.md, "Register PDF"): one paragraph per activity rather than a
description list (a list item, label, body and strong element per fact made
150 000 structure elements and two thirds of the layout time), and the labels
are translated and escaped once per document, not once per activity.
"""

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from protocols_registry.pdf.tagged import (
    bold_label,
    compile_pdf,
    facts,
    heading,
    lit,
    paragraph,
    preamble,
    txt,
)
from protocols_registry.register_export import (
    COLUMNS,
    PUBLIC_COLUMN_KEYS,
    iter_activities,
    processor_headers,
    processor_queryset,
    processor_row,
)


def _value(value):
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "d/m/Y")
    return str(value) if value not in (None, "") else "—"


def _fields(public=False):
    """(bold label markup, getter) per printed column, in the active language."""
    fields = []
    for key, label, letter, getter in COLUMNS:
        if key in ("reference", "name"):
            continue
        if public and key not in PUBLIC_COLUMN_KEYS:
            continue
        prefix = f"({letter}) " if letter else ""
        fields.append((bold_label(f"{prefix}{capfirst(label)}"), getter))
    return fields


def _activity(activity, fields):
    rows = [(label, txt(_value(getter(activity)))) for label, getter in fields]
    return heading(1, f"{activity.reference} – {activity.name}") + facts(rows)


def render_register_pdf(
    *,
    organisation_name,
    version,
    queryset=None,
    processors=None,
    progress=None,
    public=False,
):
    """The register as PDF bytes: every activity, or those of ``queryset`` (an
    export_queryset()), and every processor, or ``processors``. ``progress(n)`` is
    called per activity. ``public``: only what the public register shows
    (PUBLIC_COLUMN_KEYS) and no processors annex; the caller gives only public
    activities."""
    from protocols_registry.models import ProcessingActivity

    now = timezone.localtime()
    total = (queryset if queryset is not None else ProcessingActivity.objects).count()
    title = _("Register of processing activities – %(organisation)s") % {
        "organisation": organisation_name
    }
    parts = [
        preamble(
            title=title,
            author=[organisation_name],
            created=now,
            footer=_("Register of processing activities – version %(version)s")
            % {"version": version},
            page_label=_("page %(page)s of %(total)s"),
            keywords=[_("GDPR article 30")],
        ),
        "#v(30mm)\n#title()\n\n",
        paragraph(f'#text(size: 13pt, weight: "bold")[{txt(organisation_name)}]'),
        paragraph(
            txt(
                _("GDPR article 30. Version %(version)s, produced on %(date)s.")
                % {"version": version, "date": formats.date_format(now, "j F Y H:i T")}
            )
        ),
        paragraph(
            txt(
                (
                    _("%(count)s processing activities.")
                    if public
                    else _(
                        "%(count)s processing activities; the processors follow as an "
                        "annex."
                    )
                )
                % {"count": total}
            )
        ),
        "#pagebreak()\n",
        f"#outline(title: {lit(_('Contents'))}, depth: 1)\n",
        "#pagebreak()\n",
    ]
    count = 0
    fields = _fields(public=public)
    for activity in iter_activities(queryset):
        count += 1
        parts.append(_activity(activity, fields))
        if progress:
            progress(count)
    if count == 0:
        parts.append(paragraph(txt(_("The register holds no activities."))))

    if public:
        return compile_pdf("".join(parts))
    parts += ["#pagebreak()\n", heading(1, _("Annex: processors"))]
    headers = processor_headers()
    for processor in processor_queryset(processors):
        parts.append(heading(2, processor.name))
        parts.append(
            facts(
                [
                    (bold_label(label), txt(_value(value)))
                    for label, value in zip(
                        headers[1:], processor_row(processor)[1:], strict=True
                    )
                ]
            )
        )
    return compile_pdf("".join(parts))
