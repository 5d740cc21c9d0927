"""The scheduled reminder: the DPO group hears about reviews and processor
agreements that fall due, once per run, with links to the records."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from protocols_registry import roles
from protocols_registry.models import OrganisationMember, ProcessingActivity, Processor
from tests.conftest import make_user
from tests.factories import OrganisationFactory
from tests.protocols_registry.test_register import complete_activity, own_organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def dpo_user(db):
    """A DPO of the organisation whose register complete_activity() fills."""
    user = make_user("dpo-test", roles.DPO)
    OrganisationMember.objects.create(user=user, organisation=own_organisation())
    return user


TODAY = datetime.date(2026, 12, 1)


def _run(*args):
    call_command("register_reminders", "--today", TODAY.isoformat(), *args)


def test_the_dpo_is_told_what_falls_due(dpo_user, mailoutbox):
    complete_activity("VA-LATE", next_review=datetime.date(2026, 11, 1))
    complete_activity("VA-SOON", next_review=datetime.date(2026, 12, 20))
    complete_activity("VA-LATER", next_review=datetime.date(2037, 6, 1))
    complete_activity(
        "VA-GONE",
        next_review=datetime.date(2026, 1, 1),
        status=ProcessingActivity.Status.RETIRED,
    )
    Processor.objects.create(
        name="Hostingbedrijf",
        processing_description="Hosting",
        agreement_ends_on=datetime.date(2026, 12, 15),
        controller=own_organisation(),
    )
    Processor.objects.create(
        name="Drukkerij",
        processing_description="Brieven",
        agreement_ends_on=datetime.date(2028, 1, 1),
        controller=own_organisation(),
    )
    _run()
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [dpo_user.email]
    assert mail.subject == "Verwerkingsregister: 3 punten te behandelen"
    assert "Verwerkingsactiviteiten om te herzien:" in mail.body
    assert "VA-LATE" in mail.body and "VA-SOON" in mail.body
    assert "VA-LATER" not in mail.body and "VA-GONE" not in mail.body
    assert "Hostingbedrijf" in mail.body and "Drukkerij" not in mail.body
    assert "/admin/snippets/protocols_registry/processingactivity/edit/" in mail.body
    late_line = next(line for line in mail.body.splitlines() if "VA-LATE" in line)
    assert "01/11/2026" in late_line


def test_nothing_due_sends_nothing(dpo_user, mailoutbox):
    complete_activity("VA-LATER", next_review=datetime.date(2037, 6, 1))
    _run()
    assert mailoutbox == []


def test_a_dry_run_sends_nothing(dpo_user, mailoutbox, capsys):
    complete_activity("VA-LATE", next_review=datetime.date(2026, 11, 1))
    _run("--dry-run")
    assert mailoutbox == []
    assert "Review due: VA-LATE" in capsys.readouterr().out


def test_no_one_to_tell_is_an_error_for_the_scheduler(mailoutbox):
    complete_activity("VA-LATE", next_review=datetime.date(2026, 11, 1))
    with pytest.raises(CommandError, match="no active DPO user has an e-mail"):
        _run()


def test_each_dpo_hears_only_of_their_own_organisations_register(dpo_user, mailoutbox):
    complete_activity("VA-OWN", next_review=datetime.date(2026, 11, 1))
    other = OrganisationFactory(name="Andere organisatie")
    complete_activity(
        "VA-OTHER", next_review=datetime.date(2026, 11, 1), controller=other
    )
    other_dpo = make_user("dpo-other", roles.DPO)
    OrganisationMember.objects.create(user=other_dpo, organisation=other)
    _run()
    assert len(mailoutbox) == 2
    by_recipient = {tuple(mail.to): mail.body for mail in mailoutbox}
    own = by_recipient[(dpo_user.email,)]
    theirs = by_recipient[(other_dpo.email,)]
    assert "VA-OWN" in own and "VA-OTHER" not in own
    assert "VA-OTHER" in theirs and "VA-OWN" not in theirs
