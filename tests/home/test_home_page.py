import re

import pytest
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_home_page_is_dutch_with_landmarks_and_skip_link(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="nl">' in html
    assert 'class="skip-link" href="#main"' in html
    assert "Naar de inhoud" in html
    for landmark in ("<header", '<main id="main"', "<footer"):
        assert landmark in html
    # The introduction names the legal ground for publishing protocols.
    assert "decreet van 18 juli 2008" in html
    assert "OCMW Gent" in html


def test_language_switch_leads_to_the_english_page(client):
    html = client.get("/").content.decode()
    match = re.search(r'<a href="([^"]+)" hreflang="en"', html)
    assert match, "no link to the English version"
    english = client.get(match.group(1))
    assert english.status_code == 200
    assert '<html lang="en">' in english.content.decode()
    assert "Skip to content" in english.content.decode()
    translation.activate("nl-be")


def test_unknown_page_answers_404_with_the_site_template(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert "Pagina niet gevonden" in response.content.decode()


def test_the_admin_login_goes_through_the_second_factor_login(client):
    response = client.get("/admin/login/?next=/admin/pages/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/pages/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<html lang="nl">' in page.content.decode()


def test_the_admin_names_this_site_in_the_browser_tab(client, dpo_user):
    from wagtail.models import Site

    client.force_login(dpo_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    title = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert title.group(1).strip().endswith(f"- {Site.objects.get().site_name}")
    assert "Wagtail" not in title.group(1)
