"""The protocol as a tagged PDF (PDF/UA-1), generated from the record (not an
uploaded file), so the PDF and the web page always say the same thing: the same
sections (protocols_registry.sections.SECTIONS), in the same order, with the same
headings, each a heading and a bookmark in the PDF."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from protocols_registry.decision_content import published_parts
from protocols_registry.pdf.richtext import richtext_markup
from protocols_registry.pdf.tagged import (
    compile_pdf,
    heading,
    paragraph,
    preamble,
    table,
    terms,
    text_block,
    txt,
)
from protocols_registry.protocol_content import protocol_content
from protocols_registry.protocol_dates import published_revision_time
from protocols_registry.sections import SECTIONS


def _date(value):
    return formats.date_format(value, "j F Y") if value else ""


def decision_parts(decision):
    """The parts of a decision as (heading, text), in the web page's order
    (protocols_registry.decision_content), so page and PDF publish the same."""
    return [(part.heading, part.text) for part in published_parts(decision)]


def _parties(parties):
    rows = []
    for party in parties:
        org = party.organisation
        details = [
            f"#strong[{txt(org.name)}]",
            txt(
                _("Enterprise number %(number)s")
                % {"number": org.formatted_enterprise_number}
            ),
        ]
        if org.address:
            details.append(txt(org.address))
        if party.representative:
            details.append(
                txt(
                    _("Represented by %(name)s, %(title)s")
                    % {
                        "name": party.representative,
                        "title": party.representative_title,
                    }
                )
            )
        if party.mandate:
            details.append(txt(party.mandate))
        rows.append([txt(party.get_role_display()), "#linebreak()".join(details)])
    return table([_("Role"), _("Party")], rows, columns=["32mm", "1fr"])


def _decisions_and_advices(decisions, advices):
    out = []
    for decision in decisions:
        out.append(
            heading(2, _("Decision %(reference)s") % {"reference": decision.reference})
        )
        rows = [
            (_("Governing body"), txt(decision.get_governing_body_display())),
            (_("Organisation"), txt(decision.organisation.name)),
            (_("Meeting date"), txt(_date(decision.meeting_date))),
            (_("Session"), txt(decision.get_session_display())),
            (_("Outcome"), txt(decision.get_outcome_display())),
        ]
        if decision.publication_url:
            rows.append((_("Official publication"), txt(decision.publication_url)))
        out.append(terms(rows))
        for part_heading, part_text in decision_parts(decision):
            out.append(heading(3, part_heading))
            out.append(text_block(part_text))
    if not decisions:
        out.append(paragraph(txt(_("No approving decision is recorded."))))
    if advices:
        rows = [
            [
                txt(advice.organisation.name),
                txt(_date(advice.advice_date)),
                txt(advice.get_verdict_display()),
                txt(advice.conditions or "–"),
            ]
            for advice in advices
        ]
        out.append(
            table(
                [_("DPO of"), _("Date"), _("Verdict"), _("Conditions")],
                rows,
                columns=["45mm", "26mm", "36mm", "1fr"],
            )
        )
    return "".join(out)


def _data_items(data_items):
    rows = []
    for number, item in enumerate(data_items, start=1):
        retention = item.retention
        if item.retention_until:
            retention = (retention + "\n" if retention else "") + _(
                "until %(date)s"
            ) % {"date": _date(item.retention_until)}
        special = _("yes") if item.special_category else _("no")
        if item.special_category and item.special_category_basis:
            special += f" ({item.special_category_basis})"
        rows.append(
            [
                txt(number),
                txt(item.data),
                txt(item.proportionality),
                txt(retention),
                txt(special),
            ]
        )
    if not rows:
        return ""
    return table(
        ["#", _("Data"), _("Proportionality"), _("Retention"), _("Art. 9/10 GDPR")],
        rows,
        columns=["7mm", "38mm", "1fr", "32mm", "20mm"],
    )


def _periodicity(page):
    rows = [(_("Periodicity"), txt(page.get_periodicity_display()))]
    if page.frequency:
        rows.append((_("Frequency"), txt(page.frequency)))
    rows.append((pgettext("protocol", "Duration"), txt(page.get_duration_display())))
    if page.end_date:
        rows.append((_("End date"), txt(_date(page.end_date))))
    return terms(rows)


def _entry_into_force(page):
    rows = []
    if page.in_force_from:
        rows.append((_("In force from"), txt(_date(page.in_force_from))))
    if page.notice_period_months:
        rows.append(
            (
                _("Notice period"),
                txt(_("%(months)s months") % {"months": page.notice_period_months}),
            )
        )
    if page.terminated_on:
        rows.append((_("Terminated on"), txt(_date(page.terminated_on))))
        if page.termination_reason:
            rows.append((_("Reason"), txt(page.termination_reason)))
    return terms(rows)


def _signatures(page, signatories):
    out = ""
    if page.signed_date or page.signed_place:
        out += paragraph(
            txt(
                _("Signed at %(place)s on %(date)s.")
                % {
                    "place": page.signed_place or "…",
                    "date": _date(page.signed_date) or "…",
                }
            )
        )
    rows = [[txt(s.organisation.name), txt(s.name), txt(s.title)] for s in signatories]
    if rows:
        out += table([_("For"), _("Name"), _("Function")], rows)
    return out


def _exchange_steps(exchange_steps):
    return "".join(f"+ {txt(step.description)}\n" for step in exchange_steps) + "\n"


def _sections(page, content):
    """Typst markup of every section, keyed by its anchor."""
    before = {
        "partijen": lambda: _parties(content.parties),
        "besluiten": lambda: _decisions_and_advices(content.decisions, content.advices),
        "uitwisselingsproces": lambda: _exchange_steps(content.exchange_steps),
        "dienstenintegrator": lambda: text_block(
            page.service_integrator
            or _("The communication does not pass through a service integrator.")
        ),
    }
    after = {
        "artikel-3": lambda: (
            _data_items(content.data_items) + richtext_markup(page.retention_note)
        ),
        "artikel-5": lambda: _periodicity(page),
        "artikel-12": lambda: _entry_into_force(page),
        "ondertekening": lambda: _signatures(page, content.signatories),
    }
    sections = {}
    for anchor, _heading, fields in SECTIONS:
        body = before[anchor]() if anchor in before else ""
        for field in fields:
            body += richtext_markup(getattr(page, field))
        if anchor in after:
            body += after[anchor]()
        sections[anchor] = body
    return sections


def protocol_source(page):
    """The Typst source of the protocol's PDF."""
    content = protocol_content(page)
    organisations = [org.name for org in page.party_organisations()]
    title = f"{page.reference} – {page.title}"
    source = preamble(
        title=title,
        author=organisations,
        # The date of the published text, so the same revision gives the same PDF.
        created=published_revision_time(page),
        footer=_("Protocol %(reference)s") % {"reference": page.reference},
        page_label=_("page %(page)s of %(total)s"),
        keywords=[page.reference, _("Protocol for the exchange of personal data")],
    )
    source += paragraph(
        txt(_("Protocol %(reference)s") % {"reference": page.reference})
    )
    source += "#title()\n\n"
    source += paragraph(
        txt(
            _("Status: %(status)s. Approved on %(date)s.")
            % {
                "status": page.get_status_display(),
                "date": _date(page.approval_date) or "–",
            }
        )
    )
    source += text_block(page.summary, placeholder="")
    sections = _sections(page, content)
    for anchor, section_heading, _fields in SECTIONS:
        source += heading(1, section_heading)
        source += sections[anchor] or paragraph(txt("–"))
    return source


def render_protocol_pdf(page):
    """The PDF of one protocol page (as published), as bytes."""
    return compile_pdf(protocol_source(page))
