"""Versions of a protocol: each decision that approves, amends or ends a protocol
makes a new version when the protocol is published with it.

A version keeps a frozen copy of the text as published (every section and every
data item), so the history stays readable when the page changes later, and a
reader can compare two versions (protocols_registry.version_diff).
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from protocols_registry.models.versions import DecisionEffect
from protocols_registry.sections import SECTIONS

CONTENT_FORMAT = 1

# The page's own fields a version keeps: the rich text of every section, in the
# order of the template, then the facts shown beside it.
TEXT_FIELDS = [field for _anchor, _heading, fields in SECTIONS for field in fields]
FACT_FIELDS = [
    "title",
    "reference",
    "summary",
    "service_integrator",
    "retention_note",
    "periodicity",
    "frequency",
    "duration",
    "end_date",
    "entry_into_force_date",
    "notice_period_months",
    "terminated_on",
    "termination_reason",
    "signed_place",
    "signed_date",
    "closing_text",
]
PAGE_FIELDS = TEXT_FIELDS + [f for f in FACT_FIELDS if f not in TEXT_FIELDS]

# Which of the (effects of the) decisions published at once the version is for.
EFFECT_WEIGHT = {
    DecisionEffect.APPROVAL: 0,
    DecisionEffect.AMENDMENT: 1,
    DecisionEffect.TERMINATION: 2,
}


def _value(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def freeze(page, *, parties, exchange_steps, data_items, signatories):
    """The content of a version: plain data (JSON) from ``page`` and its rows.

    Takes the rows as arguments, in order, so that the data migration can pass
    its historical models too.
    """
    return {
        "format": CONTENT_FORMAT,
        "fields": {name: _value(getattr(page, name)) for name in PAGE_FIELDS},
        "parties": [
            {
                "organisation": party.organisation.name,
                "enterprise_number": party.organisation.enterprise_number,
                "role": party.role,
                "representative": party.representative,
                "representative_title": party.representative_title,
                "mandate": party.mandate,
            }
            for party in parties
        ],
        "exchange_steps": [step.description for step in exchange_steps],
        "data_items": [
            {
                "data": item.data,
                "proportionality": item.proportionality,
                "retention": item.retention,
                "retention_until": _value(item.retention_until),
                "special_category": item.special_category,
                "special_category_basis": item.special_category_basis,
            }
            for item in data_items
        ],
        "signatories": [
            {
                "organisation": signatory.organisation.name,
                "name": signatory.name,
                "title": signatory.title,
            }
            for signatory in signatories
        ],
    }


def freeze_page(page):
    """The content of ``page`` as it holds it (its published revision)."""
    return freeze(
        page,
        parties=page.parties.select_related("organisation"),
        exchange_steps=page.exchange_steps.all(),
        data_items=page.data_items.all(),
        signatories=page.signatories.select_related("organisation"),
    )


def new_decision_link(page, decision_links=None):
    """The link to the decision a new version would be for: an approving decision
    not used by an earlier version (the weightiest, then the latest), or None."""
    links = decision_links if decision_links is not None else page.linked_decisions()
    used = set()
    if page.pk:
        used = set(page.versions.values_list("decision_id", flat=True))
    fresh = [
        link
        for link in links
        if link.decision_id and link.decision.approves and link.decision_id not in used
    ]
    if not fresh:
        return None
    return max(
        fresh,
        key=lambda link: (
            EFFECT_WEIGHT.get(link.effect or DecisionEffect.APPROVAL, 0),
            link.decision.meeting_date,
            link.decision.reference,
        ),
    )


def apply_termination(page):
    """Called from ProtocolPage.save(): a linked decision that ends the protocol
    ends it on its meeting date, unless the editor gave the date already."""
    links = [
        link
        for link in page.linked_decisions()
        if link.effect == DecisionEffect.TERMINATION
        and link.decision_id
        and link.decision.approves
    ]
    if not links or page.terminated_on:
        return
    link = max(links, key=lambda link: link.decision.meeting_date)
    page.terminated_on = link.decision.meeting_date
    if not page.termination_reason:
        reason = link.change_summary.strip() or link.decision.title
        page.termination_reason = reason[:300]


@transaction.atomic
def record_version(page, published_at=None):
    """Record a new version of ``page`` (just published) when it was published with
    a decision no earlier version used. Returns the version, or None."""
    from protocols_registry.models import ProtocolPage, ProtocolVersion

    # One version at a time per protocol: two publications at once wait here.
    ProtocolPage.objects.select_for_update().filter(pk=page.pk).values("pk").first()
    link = new_decision_link(page)
    if link is None:
        return None
    last = page.versions.aggregate(last=Max("number"))["last"] or 0
    return ProtocolVersion.objects.create(
        page_id=page.pk,
        number=last + 1,
        decision=link.decision,
        effect=link.effect or DecisionEffect.APPROVAL,
        published_at=published_at or page.last_published_at or timezone.now(),
        change_summary=link.change_summary.strip(),
        content=freeze_page(page),
    )


def version_problems(page, decision_links=None):
    """What stands in the way of the version a publication would make (sentences
    for the editor, as protocols_registry.publication lists them)."""
    from django.utils.translation import gettext as _

    links = decision_links if decision_links is not None else page.linked_decisions()
    problems = []
    for link in links:
        if (
            link.decision_id
            and link.effect == DecisionEffect.AMENDMENT
            and not link.change_summary.strip()
        ):
            problems.append(
                _(
                    "Decision %(reference)s amends the protocol: say what changed "
                    "under Approval decisions."
                )
                % {"reference": link.decision.reference}
            )
    return problems


def on_page_published(sender, instance, revision=None, **kwargs):
    record_version(instance)
