"""Two editors create the same protocol at once: the second gets the form back with
a Dutch error, never a server error (issue 20, point 11)."""

import threading

import pytest
from django.db import connection
from django.urls import reverse
from wagtail.admin.forms.pages import WagtailAdminPageForm
from wagtail.models import Page

from protocols_registry.models import ProtocolPage
from tests.conftest import SecondFactorClient, make_user
from tests.factories import OrganisationFactory, protocol_index
from tests.helpers import ensure_site
from tests.protocols_registry.test_publication_rule import create_form_data


def add_url(index):
    return reverse(
        "wagtailadmin_pages:add", args=("protocols_registry", "protocolpage", index.pk)
    )


def reference_errors(response):
    return [str(e) for e in response.context["form"].errors.get("reference", [])]


@pytest.mark.django_db
def test_a_create_that_lost_the_race_gets_the_form_back(
    client, admin_user, monkeypatch
):
    """The rival page is saved after this request validated its form and before it
    saved: as if both POSTs had been validated at the same moment."""
    index = protocol_index()
    parties = [OrganisationFactory(), OrganisationFactory()]
    client.force_login(admin_user)
    first = client.post(add_url(index), create_form_data(parties, action="action-save"))
    assert first.status_code == 302

    blind = {"once": True}
    real_full_clean = WagtailAdminPageForm.full_clean

    def validated_before_the_rival_was_saved(form):
        # The first validation cannot see the page that already exists.
        if not blind.pop("once", False):
            return real_full_clean(form)
        with monkeypatch.context() as patch:
            patch.setattr(Page, "_slug_is_available", staticmethod(lambda *a: True))
            patch.setattr(type(form), "validate_unique", lambda form: None)
            return real_full_clean(form)

    monkeypatch.setattr(
        WagtailAdminPageForm, "full_clean", validated_before_the_rival_was_saved
    )
    second = client.post(
        add_url(index), create_form_data(parties, action="action-save")
    )
    assert not blind, "the race was not simulated"
    assert second.status_code == 200
    assert reference_errors(second) == [
        "Er bestaat al een Protocol met eenzelfde Referentie."
    ]
    assert "kon niet aangemaakt worden" in second.content.decode()
    assert ProtocolPage.objects.filter(reference="2026_VB_00042").count() == 1
    assert Page.objects.get(pk=index.pk).numchild == 1


def test_two_simultaneous_creates_on_postgresql(flushable_audit_log, monkeypatch):
    """Two real requests on two connections, released together after their forms
    are built. With the parent page locked, the second waits and then fails
    validation; without the lock both would pass it."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has one writer; the single-request test covers it")
    ensure_site()
    index = protocol_index()
    parties = [OrganisationFactory(), OrganisationFactory()]
    users = [make_user(name, superuser=True) for name in ("race-a", "race-b")]
    start = threading.Barrier(2, timeout=5)
    real_full_clean = WagtailAdminPageForm.full_clean

    def meet_then_validate(form):
        try:
            start.wait()
        except threading.BrokenBarrierError:
            pass  # the other request waits on the lock: that is the point
        return real_full_clean(form)

    monkeypatch.setattr(WagtailAdminPageForm, "full_clean", meet_then_validate)
    responses = []

    def create(user):
        from django.db import connections

        try:
            browser = SecondFactorClient()
            browser.force_login(user)
            responses.append(
                browser.post(
                    add_url(index), create_form_data(parties, action="action-save")
                )
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(r.status_code for r in responses) == [200, 302]
    [refused] = [r for r in responses if r.status_code == 200]
    assert reference_errors(refused) == [
        "Er bestaat al een Protocol met eenzelfde Referentie."
    ]
    assert ProtocolPage.objects.filter(reference="2026_VB_00042").count() == 1
