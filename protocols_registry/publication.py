"""The publication rule: a protocol goes live only with an approving decision and a
favourable advice of every party's DPO.

Wagtail offers several ways to make a page live (create view, edit view, bulk
actions, workflows, scheduled publishing, code). Hooks alone are not enough: on the
create screen the page is saved with ``live=True`` before ``before_publish_page``
runs. So the rule is enforced where every path passes — ProtocolPage.save() and
ProtocolPage.publish() call the guards below — and the admin hooks in
wagtail_hooks.py only turn a refusal into a friendly message.
"""

import logging

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

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
    return problems


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
