"""The publication rule: a protocol goes live only with an approving decision, a
favourable advice of every party's DPO, and the sections that art. 8 of the decree of
18 July 2008 and the VTC template require (see ``missing_sections``).

Wagtail offers several ways to make a page live (create view, edit view, bulk
actions, workflows, scheduled publishing, code). Hooks alone are not enough: on the
create screen the page is saved with ``live=True`` before ``before_publish_page``
runs. So the rule is enforced where every path passes — ProtocolPage.save() and
ProtocolPage.publish() call the guards below — and the admin hooks in
wagtail_hooks.py only turn a refusal into a friendly message.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from protocols_registry.versions import version_problems

logger = logging.getLogger(__name__)


class PublicationRefused(PermissionDenied):
    """Publishing was refused; ``problems`` says what is missing."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(str(problem) for problem in self.problems))


def publication_problems(page):
    """What stands between this protocol (as given, possibly unsaved) and publication.

    Returns a list of sentences for the editor; an empty list means it may go live.
    """
    from protocols_registry.models import DPOAdvice

    problems = []
    parties = [party for party in page.parties.all() if party.organisation_id]
    if len(parties) < 2:
        problems.append(_("The protocol must name at least two parties."))
    problems += missing_sections(page, parties)
    if not page.approving_decisions():
        problems.append(
            _(
                "No approving decision is linked. The board secretary records the "
                "decision; then link it under Approval decisions."
            )
        )
    latest = {}
    if page.pk:
        for advice in DPOAdvice.objects.filter(protocol_id=page.pk).order_by(
            "organisation_id", "-advice_date", "-pk"
        ):
            latest.setdefault(advice.organisation_id, advice)
    for party in parties:
        advice = latest.get(party.organisation_id)
        name = party.organisation.display_name
        if advice is None:
            problems.append(
                _("No advice of the data protection officer of %(party)s is recorded.")
                % {"party": name}
            )
        elif not advice.is_favourable:
            problems.append(
                _(
                    "The latest advice of the data protection officer of %(party)s "
                    "(%(date)s) is unfavourable."
                )
                % {"party": name, "date": advice.advice_date.strftime("%d/%m/%Y")}
            )
    problems.extend(version_problems(page))
    return problems


# The sections a protocol must fill before publication: art. 8, §1 of the decree of
# 18 July 2008 (as the Flemish supervisory commission's template spells it out).
SECTION_NAMES = {
    "dpos": gettext_lazy("the data protection officer of each party"),
    "collection_purposes": gettext_lazy(
        "article 2: purposes and legal grounds of the collection"
    ),
    "communication_purposes": gettext_lazy(
        "article 2: purposes and legal grounds of the communication"
    ),
    "data_items": gettext_lazy("article 3: the data items"),
    "proportionality": gettext_lazy("article 3: the proportionality of each data item"),
    "retention": gettext_lazy("article 3: the retention of each data item"),
    "recipients": gettext_lazy("article 4: the recipients"),
    "periodicity": gettext_lazy("article 5: periodicity and duration"),
    "security": gettext_lazy("article 6: the security measures"),
}


def _filled(html):
    return bool(" ".join(strip_tags(html or "").split()))


def missing_sections(page, parties=None):
    """One sentence per required section ``page`` leaves empty, naming it."""
    if parties is None:
        parties = [party for party in page.parties.all() if party.organisation_id]
    missing = []
    without_dpo = [
        party.organisation.display_name
        for party in parties
        if not (party.organisation.dpo_name or party.organisation.dpo_email)
    ]
    if without_dpo:
        missing.append(("dpos", ", ".join(without_dpo)))
    for field in ("collection_purposes", "communication_purposes"):
        if not _filled(getattr(page, field)):
            missing.append((field, ""))
    items = list(page.data_items.all())
    if not items:
        missing.append(("data_items", ""))
    no_reason = [
        str(n) for n, item in enumerate(items, 1) if not item.proportionality.strip()
    ]
    if no_reason:
        missing.append(("proportionality", ", ".join(no_reason)))
    no_retention = [
        str(n)
        for n, item in enumerate(items, 1)
        if not (item.retention.strip() or item.retention_until)
    ]
    if no_retention:
        missing.append(("retention", ", ".join(no_retention)))
    if not _filled(page.recipients):
        missing.append(("recipients", ""))
    periodic_without_frequency = (
        page.periodicity == page.Periodicity.PERIODIC and not page.frequency.strip()
    )
    if periodic_without_frequency or not (
        _filled(page.periodicity_note)
        or (page.duration == page.Duration.INDEFINITE or page.end_date)
    ):
        missing.append(("periodicity", ""))
    if not (_filled(page.security_general) or _filled(page.security_specific)):
        missing.append(("security", ""))
    sentences = []
    for key, detail in missing:
        if key == "dpos":
            sentences.append(
                _("Not filled in: %(section)s (missing for %(parties)s).")
                % {"section": SECTION_NAMES[key], "parties": detail}
            )
        elif detail:
            sentences.append(
                _("Not filled in: %(section)s (data item %(items)s).")
                % {"section": SECTION_NAMES[key], "items": detail}
            )
        else:
            sentences.append(
                _("Not filled in: %(section)s.") % {"section": SECTION_NAMES[key]}
            )
    return sentences


def guard_going_live(page):
    """Called from ProtocolPage.save(): refuse any save that makes the page live
    while the rule is not met."""
    if page._state.adding or page.pk is None:
        # A new page cannot have advices yet, so it can never be published on
        # creation: keep it as a draft. The before_publish_page hook then tells the
        # editor why.
        if page.live:
            page.live = False
            page.has_unpublished_changes = True
        return
    if not page.live:
        return
    stored = (
        type(page)
        .objects.filter(pk=page.pk)
        .values_list("live", "live_revision_id")
        .first()
    )
    going_live = stored is None or not stored[0] or stored[1] != page.live_revision_id
    if going_live:
        problems = publication_problems(page)
        if problems:
            raise PublicationRefused(problems)


def guard_publish(page, revision, log_action):
    """Called from ProtocolPage.publish(): check the revision about to go live.

    Returns False (publish nothing, raise nothing) for scheduled publishing, so
    that one incomplete protocol does not stop the scheduler for every other page;
    the revision stays scheduled and goes live once the rule is met.
    """
    problems = publication_problems(revision.as_object())
    if not problems:
        return True
    if log_action == "wagtail.publish.scheduled":
        logger.warning(
            "Scheduled publication of protocol page %s postponed: %d requirement(s) "
            "not met.",
            page.pk,
            len(problems),
        )
        return False
    raise PublicationRefused(problems)
