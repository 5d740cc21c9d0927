"""The anonymous public-page cache: served without rebuilding, rebuilt after any
change, never for a logged-in user, and answering conditional GETs."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import build_protocol


def _get(client, url, **headers):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    return response, len(queries)


def test_a_second_anonymous_visit_is_served_from_the_cache(db, client):
    page = build_protocol(title="Protocol over de cache")
    first, first_queries = _get(client, page.url)
    second, second_queries = _get(client, page.url)
    assert first.status_code == second.status_code == 200
    assert second.content == first.content
    assert "Protocol over de cache" in second.content.decode()
    assert second_queries < first_queries
    assert second["ETag"] == first["ETag"]


def test_a_change_to_anything_the_page_shows_rebuilds_it(db, client):
    page = build_protocol(title="Protocol met een partij die van naam verandert")
    party = page.parties.first().organisation
    assert party.name in client.get(page.url).content.decode()
    party.name = "Nieuwe naam van de partij"
    party.save()
    assert "Nieuwe naam van de partij" in client.get(page.url).content.decode()
    listing = client.get(page.get_parent().url).content.decode()
    assert "Protocol met een partij die van naam verandert" in listing
    page.unpublish()
    assert client.get(page.url).status_code == 404
    assert (
        "Protocol met een partij die van naam verandert"
        not in client.get(page.get_parent().url).content.decode()
    )


def test_each_filter_is_cached_separately(db, client):
    first = build_protocol(title="Eerste protocol in de lijst")
    build_protocol(title="Tweede protocol in de lijst")
    index_url = first.get_parent().url
    everything = client.get(index_url).content.decode()
    searched = client.get(index_url, {"q": "Eerste"}).content.decode()
    assert "Tweede protocol in de lijst" in everything
    assert "Tweede protocol in de lijst" not in searched


def test_a_logged_in_user_never_gets_the_anonymous_copy(db, client, editor_user):
    page = build_protocol()
    anonymous = client.get(page.url)
    assert anonymous.has_header("ETag")
    client.force_login(editor_user)
    personal = client.get(page.url)
    assert personal.status_code == 200
    assert not personal.has_header("ETag")


def test_conditional_get_answers_304(db, client):
    page = build_protocol()
    for url in (page.url, page.url + "pdf/", page.get_parent().url):
        response = client.get(url)
        assert response.status_code == 200, url
        etag, modified = response["ETag"], response["Last-Modified"]
        assert "no-cache" in response["Cache-Control"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
        assert (
            client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
        )
        assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_the_cache_can_be_switched_off(db, client, settings):
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0
    page = build_protocol()
    client.get(page.url)  # the site menu is cached on its own
    _, first_queries = _get(client, page.url)
    second, second_queries = _get(client, page.url)
    assert second_queries == first_queries
    assert not second.has_header("ETag")


def test_a_restricted_list_keeps_its_protocols_private(db, client):
    """View restrictions (looked up in one query by the page models) still apply:
    to the page itself, to pages below a restricted one, and through an alias."""
    from wagtail.models import PageViewRestriction

    page = build_protocol(title="Protocol achter een wachtwoord")
    index = page.get_parent()
    assert client.get(page.url).status_code == 200
    PageViewRestriction.objects.create(
        page=index, restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(page.url).status_code == 302
    assert client.get(index.url).status_code == 302
    PageViewRestriction.objects.all().delete()
    assert client.get(page.url).status_code == 200
    PageViewRestriction.objects.create(
        page=page.specific, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert client.get(page.url).status_code == 200  # the password form
    assert "Protocol achter een wachtwoord" not in client.get(page.url).content.decode()
    assert set(page.specific.get_view_restrictions()) == set(
        PageViewRestriction.objects.all()
    )


def test_a_page_opened_with_its_password_is_never_cached_for_the_next_visitor(
    db, client
):
    from django.test import Client
    from django.urls import reverse
    from wagtail.models import PageViewRestriction

    page = build_protocol(title="Protocol achter een wachtwoord")
    restriction = PageViewRestriction.objects.create(
        page=page.specific, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    opened = client.post(
        reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
        ),
        {"password": "x", "return_url": page.url},
        follow=True,
    )
    assert "Protocol achter een wachtwoord" in opened.content.decode()
    assert "Protocol achter een wachtwoord" in client.get(page.url).content.decode()
    stranger = Client().get(page.url)
    assert stranger.status_code == 200  # the password form
    assert "Protocol achter een wachtwoord" not in stranger.content.decode()
    assert not stranger.has_header("ETag")


def test_a_hit_still_passes_wagtails_routing_and_before_serve_page_hooks(db, client):
    """A cached copy is found in the page's serve(), after everything Wagtail
    applies to the page: a site's before_serve_page hook still decides."""
    from django.http import HttpResponse
    from wagtail import hooks

    page = build_protocol(title="Protocol uit de cache")
    first, first_queries = _get(client, page.url)
    calls = []

    def refuse(served_page, request, args, kwargs):
        calls.append(served_page.pk)
        return HttpResponse("geweigerd door de site", status=403)

    with hooks.register_temporarily("before_serve_page", refuse):
        refused = client.get(page.url)
    assert calls == [page.pk]
    assert refused.status_code == 403
    assert "Protocol uit de cache" not in refused.content.decode()
    hit, hit_queries = _get(client, page.url)
    assert hit.content == first.content
    assert hit_queries < first_queries
    assert hit["X-Frame-Options"] == "DENY"  # the middleware still applies


def test_junk_query_parameters_are_served_but_never_stored(db, client):
    page = build_protocol(title="Protocol met rommel in het adres")
    index_url = page.get_parent().url
    client.get(index_url + "?q=rommel")
    _, known_queries = _get(client, index_url + "?q=rommel")
    for n in range(2):
        response, queries = _get(client, f"{index_url}?q=rommel&utm_source={n}")
        again, queries_again = _get(client, f"{index_url}?q=rommel&utm_source={n}")
        assert "Protocol met rommel in het adres" in again.content.decode()
        # Rendered each time: the second visit is no cheaper than the first.
        assert queries_again == queries > known_queries


def test_the_app_and_varnish_keep_the_same_query_parameters():
    import re
    from pathlib import Path

    from protocols_registry.public_cache import cached_query_parameters

    vcl = (Path(__file__).parents[2] / "deploy/varnish/default.vcl").read_text()
    kept = re.search(r"\(\?!\(\?:([a-z_|]+)\)=\)", vcl).group(1).split("|")
    assert set(kept) == cached_query_parameters()


def test_a_restricted_protocol_leaves_the_list_and_its_search(db, client):
    """The list skips Wagtail's .public() query while no page is restricted; the
    first restriction must bring it back at once."""
    from wagtail.models import PageViewRestriction

    shown = build_protocol(title="Openbaar protocol over huurders")
    hidden = build_protocol(title="Besloten protocol over huurders")
    index_url = shown.get_parent().url
    assert "Besloten protocol" in client.get(index_url).content.decode()
    PageViewRestriction.objects.create(
        page=hidden.specific,
        restriction_type=PageViewRestriction.PASSWORD,
        password="x",
    )
    for params in ({}, {"q": "huurders"}):
        html = client.get(index_url, params).content.decode()
        assert "Openbaar protocol over huurders" in html, params
        assert "Besloten protocol" not in html, params


def test_the_party_filter_offers_a_new_party_as_soon_as_its_protocol_is_published(
    db, client
):
    from tests.factories import OrganisationFactory

    first = build_protocol(title="Eerste protocol")
    index_url = first.get_parent().url
    assert "Nieuwkomer vzw" not in client.get(index_url).content.decode()
    newcomer = OrganisationFactory(name="Nieuwkomer vzw")
    build_protocol(title="Tweede protocol", parties=[newcomer, OrganisationFactory()])
    html = client.get(index_url).content.decode()
    assert f'value="{newcomer.enterprise_number}">Nieuwkomer vzw' in html


def test_citizens_still_get_every_public_page_while_the_cache_is_down(
    db, client, settings, caplog
):
    from home.demo.register import ensure_register_page
    from tests.factories import protocol_index

    page = build_protocol(title="Protocol zonder cache")
    index, register = protocol_index(), ensure_register_page()
    pages = [
        (page.url, "Protocol zonder cache"),
        (index.url, "Protocol zonder cache"),
        (index.url + "?q=cache", "Protocol zonder cache"),
        (index.url + "feed/", "Protocol zonder cache"),
        (index.url + "export.json", "Protocol zonder cache"),
        (index.url + "export.csv", "Protocol zonder cache"),
        (register.url, register.title),
    ]
    settings.CACHES = {
        **settings.CACHES,
        # The page cache on the production backend; nothing listens on port 1.
        "pages": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        },
    }
    for url, text in pages:
        caplog.clear()
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(
            response.streaming_content if response.streaming else [response.content]
        )
        assert text in content.decode(), url
        # The cache is tried once per request, not once per lookup: one that hangs
        # would cost its time-out each time. Logged without its address.
        failures = [r for r in caplog.records if "unavailable" in r.getMessage()]
        assert len(failures) == 1, (url, [r.getMessage() for r in failures])
        assert "127.0.0.1:1" not in caplog.text


def test_a_page_shown_with_a_message_is_not_a_public_copy(rf):
    """A flash message (after a form, a logout) belongs to one visitor."""
    from django.contrib import messages
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.cookie import CookieStorage

    from protocols_registry.public_cache import _public_request

    request = rf.get("/protocollen/")
    request.user = AnonymousUser()
    request._messages = CookieStorage(request)  # what MessageMiddleware attaches
    assert _public_request(request)
    messages.info(request, "Je bent afgemeld.")
    assert not _public_request(request)
    assert [str(m) for m in messages.get_messages(request)] == ["Je bent afgemeld."]
