"""The protocol as a PDF, generated from the record (not an uploaded file), so the
PDF and the web page always say the same thing."""

from django.utils import formats
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import ListFlowable, ListItem, Paragraph, Spacer

from protocols_registry.pdf.base import (
    build_styles,
    grid_table,
    key_value_table,
    render_document,
    text,
)
from protocols_registry.pdf.richtext import richtext_flowables
from protocols_registry.protocol_content import protocol_content
from protocols_registry.sections import SECTIONS


def _date(value):
    return formats.date_format(value, "j F Y") if value else ""


def _parties(parties, styles):
    rows = []
    for party in parties:
        org = party.organisation
        details = [
            f"<b>{text(org.name)}</b>",
            text(
                _("Enterprise number %(number)s")
                % {"number": org.formatted_enterprise_number}
            ),
        ]
        if org.address:
            details.append(text(org.address))
        if party.representative:
            details.append(
                text(
                    _("Represented by %(name)s, %(title)s")
                    % {
                        "name": party.representative,
                        "title": party.representative_title,
                    }
                )
            )
        if party.mandate:
            details.append(text(party.mandate))
        rows.append([text(party.get_role_display()), "<br/>".join(details)])
    return [
        grid_table([_("Role"), _("Party")], rows, styles, col_widths=[32 * mm, None])
    ]


def _decisions_and_advices(styles, decisions, advices):
    flowables = []
    for decision in decisions:
        rows = [
            (_("Decision"), text(decision.reference)),
            (_("Governing body"), text(decision.get_governing_body_display())),
            (_("Organisation"), text(decision.organisation.name)),
            (_("Meeting date"), text(_date(decision.meeting_date))),
            (_("Session"), text(decision.get_session_display())),
            (_("Outcome"), text(decision.get_outcome_display())),
        ]
        if decision.publication_url:
            rows.append((_("Official publication"), text(decision.publication_url)))
        flowables += [key_value_table(rows, styles), Spacer(1, 3 * mm)]
    if advices:
        rows = [
            [
                text(advice.organisation.name),
                text(_date(advice.advice_date)),
                text(advice.get_verdict_display()),
                text(advice.conditions),
            ]
            for advice in advices
        ]
        flowables.append(
            grid_table(
                [_("DPO of"), _("Date"), _("Verdict"), _("Conditions")],
                rows,
                styles,
                col_widths=[45 * mm, 28 * mm, 38 * mm, None],
            )
        )
    return flowables


def _data_items(data_items, styles):
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
                text(number),
                text(item.data),
                text(item.proportionality),
                text(retention),
                text(special),
            ]
        )
    if not rows:
        return []
    return [
        grid_table(
            ["#", _("Data"), _("Proportionality"), _("Retention"), _("Art. 9/10 GDPR")],
            rows,
            styles,
            col_widths=[8 * mm, 40 * mm, None, 32 * mm, 20 * mm],
        )
    ]


def _periodicity(page, styles):
    rows = [(_("Periodicity"), text(page.get_periodicity_display()))]
    if page.frequency:
        rows.append((_("Frequency"), text(page.frequency)))
    rows.append((_("Duration"), text(page.get_duration_display())))
    if page.end_date:
        rows.append((_("End date"), text(_date(page.end_date))))
    return [key_value_table(rows, styles)]


def _entry_into_force(page, styles):
    rows = []
    if page.in_force_from:
        rows.append((_("In force from"), text(_date(page.in_force_from))))
    if page.notice_period_months:
        rows.append(
            (
                _("Notice period"),
                text(_("%(months)s months") % {"months": page.notice_period_months}),
            )
        )
    if page.terminated_on:
        rows.append((_("Terminated on"), text(_date(page.terminated_on))))
        if page.termination_reason:
            rows.append((_("Reason"), text(page.termination_reason)))
    return [key_value_table(rows, styles)] if rows else []


def _signatures(page, signatories, styles):
    flowables = []
    if page.signed_date or page.signed_place:
        flowables.append(
            Paragraph(
                text(
                    _("Signed at %(place)s on %(date)s.")
                    % {
                        "place": page.signed_place or "…",
                        "date": _date(page.signed_date) or "…",
                    }
                ),
                styles["body"],
            )
        )
    rows = [
        [text(s.organisation.name), text(s.name), text(s.title)] for s in signatories
    ]
    if rows:
        flowables.append(grid_table([_("For"), _("Name"), _("Function")], rows, styles))
    return flowables


def _exchange_steps(exchange_steps, styles):
    steps = [
        ListItem(Paragraph(text(step.description), styles["body"]))
        for step in exchange_steps
    ]
    return [ListFlowable(steps, bulletType="1", leftIndent=14)] if steps else []


def render_protocol_pdf(page):
    """The PDF of one protocol page (as published), as bytes."""
    styles = build_styles()
    content = protocol_content(page)
    status = page.get_status_display()

    story = [
        Paragraph(
            text(_("Protocol %(reference)s") % {"reference": page.reference}),
            styles["meta"],
        ),
        Paragraph(text(page.title), styles["title"]),
        Paragraph(
            text(
                _("Status: %(status)s. Approved on %(date)s.")
                % {"status": status, "date": _date(page.approval_date) or "–"}
            ),
            styles["meta"],
        ),
        Spacer(1, 2 * mm),
        Paragraph(text(page.summary), styles["body"]),
    ]

    special = {
        "partijen": lambda: _parties(content.parties, styles),
        "besluiten": lambda: _decisions_and_advices(
            styles, content.decisions, content.advices
        ),
        "uitwisselingsproces": lambda: _exchange_steps(content.exchange_steps, styles),
        "dienstenintegrator": lambda: [
            Paragraph(
                text(
                    page.service_integrator
                    or _(
                        "The communication does not pass through a service integrator."
                    )
                ),
                styles["body"],
            )
        ],
        "artikel-5": lambda: _periodicity(page, styles),
        "artikel-12": lambda: _entry_into_force(page, styles),
        "ondertekening": lambda: _signatures(page, content.signatories, styles),
    }
    for anchor, heading, fields in SECTIONS:
        body = []
        if anchor in special and anchor not in ("artikel-5", "artikel-12"):
            body += special[anchor]()
        for field in fields:
            body += richtext_flowables(getattr(page, field), styles)
        if anchor == "artikel-3":
            body += _data_items(content.data_items, styles)
            body += richtext_flowables(page.retention_note, styles)
        if anchor in ("artikel-5", "artikel-12"):
            body += special[anchor]()
        if body:
            story.append(Paragraph(text(heading), styles["h1"]))
            story += body

    return render_document(
        story,
        title=f"{page.reference} – {page.title}",
        subject=_("Protocol for the exchange of personal data"),
        author=", ".join(org.name for org in page.party_organisations()),
        footer=_("Protocol %(reference)s") % {"reference": page.reference},
    )
