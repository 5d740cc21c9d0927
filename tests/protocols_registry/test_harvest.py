"""Another installation's protocols: harvest_protocols mirrors the export of a
protocol list served over real HTTP by the test server.

The "other installation" is a second Wagtail site (host 127.0.0.1) of the project
the live server serves, with its own organisation and protocol list; our list is
the default site's (host localhost), which has no organisation, so the protocol is
never on it as a same-installation shared protocol: only the mirror shows it. The
live server shares the database with the harvester, so the tests look at the
mirrored rows, not at the source's pages.
"""

import datetime
import functools
import json
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, ModelLogEntry, Page, Site

from home.models import HomePage
from protocols_registry.harvest import HarvestError, clean_record, clean_records
from protocols_registry.models import (
    HarvestedProtocol,
    HarvestSource,
    ProtocolIndexPage,
    SiteOrganisation,
)
from tests.factories import OrganisationFactory, build_protocol, protocol_index
from tests.helpers import ensure_site

pytestmark = pytest.mark.django_db(transaction=True)

BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def flushable(flushable_audit_log):
    """The live server needs a transactional database, flushed after each test;
    on PostgreSQL the audit table refuses that unless its triggers are set aside."""


@pytest.fixture
def other(live_server):
    """The other party's installation: its own site, organisation and list, with
    one published protocol."""
    ensure_site()
    locale = Locale.objects.get(language_code="nl-be")
    home = HomePage(
        title="Thuispunt",
        slug="thuispunt",
        organisation_name="Thuispunt Gent",
        intro="<p>-</p>",
        locale=locale,
    )
    Page.get_first_root_node().add_child(instance=home)
    site = Site.objects.create(
        hostname="127.0.0.1", root_page=home, site_name="Thuispunt Gent"
    )
    publisher = OrganisationFactory(name="Thuispunt Gent vzw")
    SiteOrganisation.objects.create(site=site, organisation=publisher)
    index = ProtocolIndexPage(title="Protocollen", slug="protocollen-thuispunt")
    home.add_child(instance=index)
    index.save_revision().publish()
    partner = OrganisationFactory(name="OCMW Gent")
    protocol = build_protocol(
        title="Gegevens van huurders met betalingsachterstand",
        reference="2025_VB_00042",
        parties=[publisher, partner],
        index=index,
    )
    base = live_server.url.replace("localhost", "127.0.0.1")
    return SimpleNamespace(
        index=index,
        publisher=publisher,
        partner=partner,
        protocol=protocol,
        base=base,
        export=f"{base}/protocollen-thuispunt/export.json",
        ours=protocol_index(),
    )


def harvest(url, ours):
    call_command("harvest_protocols", url, "--index", str(ours.pk))


def test_the_published_protocols_are_mirrored_with_source_and_time(other):
    before = timezone.now()
    harvest(other.export, other.ours)

    mirrored = HarvestedProtocol.objects.get()
    assert mirrored.reference == "2025_VB_00042"
    assert mirrored.title == "Gegevens van huurders met betalingsachterstand"
    assert mirrored.parties == ["Thuispunt Gent vzw", "OCMW Gent"]
    assert mirrored.status == "in_force"
    assert mirrored.approval_date == datetime.date(2025, 3, 13)
    assert mirrored.url == f"{other.base}/protocollen-thuispunt/{other.protocol.slug}/"
    assert mirrored.pdf_url == mirrored.url + "pdf/"
    assert mirrored.uri.endswith("/protocol/2025_VB_00042")
    assert mirrored.raw_record["reference"] == "2025_VB_00042"
    assert len(mirrored.content_hash) == 64
    assert before <= mirrored.retrieved_at <= timezone.now()
    source = mirrored.source
    assert source.index == other.ours
    assert source.url == other.export
    assert source.name == "Thuispunt Gent vzw"
    assert source.list_url == f"{other.base}/protocollen-thuispunt/"
    assert source.last_success_at == mirrored.retrieved_at
    assert source.last_error == ""
    # The run is in the source's log: ids and counts, no text from the source.
    entry = ModelLogEntry.objects.get(action="protocols_registry.harvest")
    assert entry.object_id == str(source.pk)
    assert entry.data == {
        "source": source.pk,
        "added": [mirrored.pk],
        "updated": [],
        "removed": [],
    }


def test_a_change_at_the_source_updates_the_mirror(other):
    harvest(other.export, other.ours)
    first = HarvestedProtocol.objects.get()

    call_command("harvest_protocols", "--all")
    unchanged = HarvestedProtocol.objects.get()
    assert unchanged.content_hash == first.content_hash
    assert unchanged.retrieved_at > first.retrieved_at

    page = other.protocol.specific
    page.title = "Gegevens van huurders met een betalingsachterstand"
    page.save_revision().publish()
    call_command("harvest_protocols", "--all")

    updated = HarvestedProtocol.objects.get()
    assert updated.pk == first.pk
    assert updated.title == "Gegevens van huurders met een betalingsachterstand"
    assert updated.content_hash != first.content_hash
    logs = ModelLogEntry.objects.filter(action="protocols_registry.harvest")
    assert [entry.data["updated"] for entry in logs.order_by("pk")] == [
        [],
        [],
        [first.pk],
    ]


def test_a_protocol_unpublished_at_the_source_leaves_the_mirror(other):
    harvest(other.export, other.ours)
    mirrored = HarvestedProtocol.objects.get()

    other.protocol.unpublish()
    call_command("harvest_protocols", "--all")

    assert not HarvestedProtocol.objects.exists()
    entry = ModelLogEntry.objects.filter(action="protocols_registry.harvest").latest(
        "pk"
    )
    assert entry.data["removed"] == [mirrored.pk]
    assert HarvestSource.objects.get().last_error == ""


@pytest.mark.parametrize(
    ("broken", "reason"),
    [
        ("/protocollen-thuispunt/nergens/export.json", "HTTP-status 404"),
        ("/protocollen-thuispunt/", "geen geldige JSON"),
        ("too-large", "groter dan 200 bytes"),
    ],
)
def test_a_broken_source_keeps_the_previous_mirror(other, settings, broken, reason):
    harvest(other.export, other.ours)
    before = HarvestedProtocol.objects.get()
    source = HarvestSource.objects.get()
    # Meanwhile the source changed: a failed run must not half-apply it either.
    page = other.protocol.specific
    page.title = "Gewijzigd bij de bron"
    page.save_revision().publish()
    if broken == "too-large":
        settings.PROTOCOLS_REGISTRY_HARVEST_MAX_BYTES = 200
        url = other.export
    else:
        url = other.base + broken
    HarvestSource.objects.filter(pk=source.pk).update(url=url)

    with pytest.raises(CommandError, match="1 of 1 sources failed"):
        call_command("harvest_protocols", "--all")

    after = HarvestedProtocol.objects.get()
    assert (after.pk, after.title, after.retrieved_at, after.content_hash) == (
        before.pk,
        before.title,
        before.retrieved_at,
        before.content_hash,
    )
    source.refresh_from_db()
    assert source.last_error.startswith(f"Ophalen van {url} mislukt: ")
    assert reason in source.last_error
    assert source.last_success_at == before.retrieved_at
    assert source.last_attempt_at > source.last_success_at


def test_the_public_list_shows_the_mirror_with_source_and_time(other, client):
    harvest(other.export, other.ours)
    mirrored = HarvestedProtocol.objects.get()

    response = client.get(other.ours.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Protocollen van andere partijen" in html
    assert "Gepubliceerd door Thuispunt Gent vzw" in html
    when = timezone.localtime(mirrored.retrieved_at, BRUSSELS)
    assert f'datetime="{when.strftime("%Y-%m-%dT%H:%M:%S%z")}"' in html
    assert "opgehaald op <time" in html
    assert when.strftime("%H:%M") + "</time> (Brusselse tijd)" in html
    # It links out to the other party's page: the text is theirs, not ours.
    assert f'<a href="{mirrored.url}" rel="external">{mirrored.title}</a>' in html
    assert f'href="{other.base}/protocollen-thuispunt/"' in html
    assert "2025_VB_00042" in html
    assert "Thuispunt Gent vzw, OCMW Gent" in html


def test_the_list_shows_a_harvest_as_soon_as_it_is_done(other, client, settings):
    # The list remembers its sources per public-page generation
    # (harvest.mirrored_sources); the page cache is off, so only that could hide it.
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0
    before = client.get(other.ours.url).content.decode()
    assert "Protocollen van andere partijen" not in before
    harvest(other.export, other.ours)
    after = client.get(other.ours.url).content.decode()
    assert "Gepubliceerd door Thuispunt Gent vzw" in after
    HarvestedProtocol.objects.all().delete()
    emptied = client.get(other.ours.url).content.decode()
    assert "Protocollen van andere partijen" not in emptied


def test_the_admin_refuses_to_change_the_mirror_even_to_a_superuser(
    other, client, admin_user
):
    harvest(other.export, other.ours)
    mirrored = HarvestedProtocol.objects.get()
    client.force_login(admin_user)
    name = "wagtailsnippets_protocols_registry_harvestedprotocol"

    inspect = client.get(reverse(f"{name}:inspect", args=[mirrored.pk]))
    assert inspect.status_code == 200
    assert mirrored.reference in inspect.content.decode()
    listing = client.get(reverse(f"{name}:list"))
    assert listing.status_code == 200
    assert reverse(f"{name}:edit", args=[mirrored.pk]) not in listing.content.decode()

    edit_url = reverse(f"{name}:edit", args=[mirrored.pk])
    assert client.get(edit_url).status_code == 302
    client.post(edit_url, {"title": "Door ons herschreven"})
    assert client.get(reverse(f"{name}:add")).status_code == 302
    delete_url = reverse(f"{name}:delete", args=[mirrored.pk])
    assert client.get(delete_url).status_code == 302
    client.post(delete_url)
    source_edit = reverse(
        "wagtailsnippets_protocols_registry_harvestsource:edit",
        args=[mirrored.source_id],
    )
    client.post(source_edit, {"url": "https://elders.example/export.json"})

    after = HarvestedProtocol.objects.get()
    assert (after.pk, after.title) == (mirrored.pk, mirrored.title)
    assert HarvestSource.objects.get().url == other.export
    # What it may do: read the source's log of harvest runs.
    history = client.get(
        reverse(
            "wagtailsnippets_protocols_registry_harvestsource:history",
            args=[mirrored.source_id],
        )
    )
    assert history.status_code == 200
    assert "Protocollen opgehaald" in history.content.decode()


def test_only_web_addresses_and_a_known_list_are_accepted(other):
    with pytest.raises(CommandError, match="Not an http"):
        call_command("harvest_protocols", "file:///etc/passwd")
    with pytest.raises(CommandError, match="either an export address or --all"):
        call_command("harvest_protocols")
    with pytest.raises(CommandError, match="none matches"):
        call_command("harvest_protocols", other.export, "--index", "nergens")
    assert not HarvestSource.objects.exists()


def test_a_bad_record_is_named_and_nothing_is_kept():
    good = {
        "uri": "https://data.example.org/id/protocol/2025_X_00001",
        "reference": "2025_X_00001",
        "title": "Goed",
        "url": "https://andere.example/protocollen/2025-x-00001/",
        "parties": ["A", "B"],
        "approval_date": "2025-01-02",
    }
    assert clean_record(good)["approval_date"] == datetime.date(2025, 1, 2)
    with pytest.raises(HarvestError, match=r"protocol 2 \(2025_X_00002\).*url"):
        clean_records(
            [
                good,
                {
                    **good,
                    "uri": "x2",
                    "reference": "2025_X_00002",
                    "url": "javascript:alert(1)",
                },
            ]
        )
    with pytest.raises(HarvestError, match="approval_date"):
        clean_record({**good, "approval_date": "13/03/2025"})
    with pytest.raises(HarvestError, match="URI komt twee keer voor"):
        clean_records([good, good])


@pytest.fixture
def static_site(tmp_path):
    """Files over real HTTP, for an export split over pages (this project's own
    export has one page)."""

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(tmp_path))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def record(number):
    return {
        "uri": f"https://andere.example/id/protocol/2025_X_0000{number}",
        "reference": f"2025_X_0000{number}",
        "title": f"Protocol {number}",
        "url": f"https://andere.example/protocollen/2025-x-0000{number}/",
        "parties": ["A", "B"],
    }


def test_an_export_over_several_pages_is_followed_and_a_loop_refused(static_site):
    folder, base = static_site
    (folder / "p1.json").write_text(
        json.dumps({"protocols": [record(1)], "next": "p2.json"})
    )
    (folder / "p2.json").write_text(json.dumps({"protocols": [record(2)]}))
    ensure_site()
    harvest(f"{base}/p1.json", protocol_index())
    assert sorted(HarvestedProtocol.objects.values_list("reference", flat=True)) == [
        "2025_X_00001",
        "2025_X_00002",
    ]

    (folder / "p2.json").write_text(
        json.dumps({"protocols": [record(3)], "next": f"{base}/p1.json"})
    )
    with pytest.raises(CommandError):
        call_command("harvest_protocols", "--all")
    assert "kring" in HarvestSource.objects.get().last_error
    assert HarvestedProtocol.objects.count() == 2
