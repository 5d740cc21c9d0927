"""What caches may keep of stored files: nothing of a private file (an advice, a
decision not or no longer public, a closed-session decision seen by staff) or of a
refusal, and a public decision only on condition that they ask again each time, so
that unpublishing its protocol takes effect at once."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.factories import build_protocol
from tests.helpers import close_file

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def never_stored(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"no-store", "private"} <= directives and "public" not in directives


def stored_on_condition(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    return {"public", "no-cache"} <= directives and "no-store" not in directives


def _decision_with_pdf(publish):
    page = build_protocol(publish=publish)
    decision = page.approving_decisions()[0]
    decision.signed_pdf.save("x.pdf", SimpleUploadedFile("x.pdf", PDF))
    return page, decision


def test_an_advice_is_never_stored_by_a_cache(client, dpo_user):
    page = build_protocol()
    advice = page.advices.first()
    advice.document.save("a.pdf", SimpleUploadedFile("a.pdf", PDF))
    url = "/media/" + advice.document.name
    refused = client.get(url)
    assert refused.status_code == 404 and never_stored(refused)
    client.force_login(dpo_user)
    served = client.get(url)
    assert served.status_code == 200 and never_stored(served)
    close_file(served)


def test_a_closed_session_decision_not_yet_public_is_never_stored(
    client, secretary_user
):
    page, decision = _decision_with_pdf(publish=False)
    decision.session = decision.Session.CLOSED
    decision.save()
    url = "/media/" + decision.signed_pdf.name
    refused = Client().get(url)
    assert refused.status_code == 404 and never_stored(refused)
    client.force_login(secretary_user)
    served = client.get(url)
    assert served.status_code == 200 and never_stored(served)
    close_file(served)


def test_every_refusal_is_never_stored(client, admin_user):
    page, decision = _decision_with_pdf(publish=True)
    url = "/media/" + decision.signed_pdf.name
    for response in (
        client.get("/media/protocols_registry/decisions/nope.pdf"),
        client.get("/media/x/y/z.pdf"),
        client.post(url),
    ):
        assert response.status_code in (404, 405)
        assert never_stored(response), response.status_code


def test_a_public_decision_may_be_kept_if_caches_ask_again(client, secretary_user):
    page, decision = _decision_with_pdf(publish=True)
    url = "/media/" + decision.signed_pdf.name
    for who in (Client(), client):
        if who is client:
            client.force_login(secretary_user)
        for address in (url, f"{page.url}besluit/{decision.reference}/"):
            response = who.get(address)
            assert response.status_code == 200, address
            assert stored_on_condition(response), address
            close_file(response)
    page.unpublish()
    gone = Client().get(url)
    assert gone.status_code == 404 and never_stored(gone)
    staff_copy = client.get(url)
    assert staff_copy.status_code == 200 and never_stored(staff_copy)
    close_file(staff_copy)


def test_a_decision_behind_a_page_password_is_never_stored(client):
    from django.urls import reverse
    from wagtail.models import PageViewRestriction

    page, decision = _decision_with_pdf(publish=True)
    restriction = PageViewRestriction.objects.create(
        page=page.specific, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    client.post(
        reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
        ),
        {"password": "x", "return_url": page.url},
    )
    response = client.get(f"{page.url}besluit/{decision.reference}/")
    assert response.status_code == 200
    assert never_stored(response)
    close_file(response)
    assert Client().get("/media/" + decision.signed_pdf.name).status_code == 404
