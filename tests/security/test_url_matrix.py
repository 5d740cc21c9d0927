"""The authorization matrix: every URL pattern of the project, for anonymous, every
role and a superuser, GET and POST, against the expected table url_matrix.json.

A URL that is not in the table fails the test, so no new view escapes review. To
record a deliberate change, run `UPDATE_URL_MATRIX=1 make test`, then read the diff
of url_matrix.json before committing it.

Beyond the table, the rules that must hold whatever the table says:
- anonymous never gets a 2xx on a private URL (the admin, uploaded files);
- an auditor never gets a 2xx on a POST (a write);
- only an exchange officer gets payload content or a worklist with names;
- no URL answers with a server error.
"""

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client

from exchanges import services, worklist
from exchanges.list_import import parse_list
from protocols_registry.models import ProcessingActivity, Processor
from protocols_registry.register_history import save_with_history
from tests.conftest import SecondFactorClient, make_user
from tests.exchanges.conftest import LIST_CSV, attach_payload, make_transfer
from tests.factories import build_protocol, member_of, protocol_index
from tests.security import url_matrix

pytestmark = pytest.mark.django_db

UPDATING = os.environ.get("UPDATE_URL_MATRIX") == "1"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SENSITIVE = {"exchanges_admin:payload_download", "exchanges_admin:worklist"}
# Admin URLs that serve static assets to the login page; nothing private.
PUBLIC_ADMIN_ASSETS = {"wagtailadmin_javascript_catalog", "wagtailadmin_sprite"}
# A signed decision is public once a protocol it approves is published.
PUBLIC_FILES = {"protocols_registry:stored_file"}
# Wagtail 8.0.1 views that fail with a server error on a POST without their form
# fields (a request no browser sends). They are listed here, not hidden: each is an
# upstream defect to report; none exposes data.
UPSTREAM_POST_ERRORS = {
    "wagtailadmin_choose_page_external_link",
    "wagtailadmin_pages:set_page_position",
    "wagtailadmin_pages:copy",
    "wagtailredirects:process_import",
}
# POST endpoints that change nothing: choosers and autocomplete echo what they get,
# the sprite is an icon file, releasing an editing session frees one's own lock, and
# the account pages are the user's own password and preferences.
NON_WRITING_POSTS = {
    "wagtailadmin_choose_page_anchor_link",
    "wagtailadmin_choose_page_email_link",
    "wagtailadmin_choose_page_phone_link",
    "wagtailadmin_editing_sessions:release",
    "wagtailadmin_pages:choose_parent",
    "wagtailadmin_pages:confirm_workflow_cancellation",
    "wagtailadmin_sprite",
    "wagtailadmin_tag_autocomplete",
    "wagtailadmin_workflows:task_chosen",
    "wagtailadmin_account",
}
UPSTREAM_POST_ERROR_PREFIXES = ("wagtailsnippetchoosers_",)


class Samples:
    """One of every kind of object a URL can point at."""

    def __init__(self):
        from django.contrib.auth.models import Group
        from wagtail.contrib.redirects.models import Redirect
        from wagtail.models import Site

        from home.demo.register import ensure_register_page

        self.users = {
            "dpo": make_user("m-dpo", "DPO"),
            "secretary": make_user("m-secretary", "Board secretary"),
            "editor": make_user("m-editor", "Editor"),
            "officer": make_user("m-officer", "Exchange officer"),
            "auditor": make_user("m-auditor", "Auditor"),
            "admin": make_user("m-admin", superuser=True),
        }
        self.group = Group.objects.get(name="DPO")
        self.site = Site.objects.get(is_default_site=True)
        self.index = protocol_index()
        self.protocol = build_protocol(title="Matrixprotocol")
        self.protocol.refresh_from_db()
        self.draft = build_protocol(title="Matrixontwerp", advices=False, publish=False)
        self.shared = shared_protocol(self.site, self.protocol.party_organisations()[0])
        self.revision = self.protocol.get_latest_revision()
        self.decision = self.protocol.approving_decisions()[0]
        self.decision.signed_pdf.save("b.pdf", SimpleUploadedFile("b.pdf", PDF))
        self.advice = self.protocol.advices.first()
        ensure_register_page()
        from protocols_registry.models import (
            DataSubjectCategory,
            OrganisationMember,
            PersonalDataCategory,
        )

        # The register entries belong to the organisation the DPO and the auditor
        # are members of (register permissions are scoped by organisation).
        controller = self.protocol.party_organisations()[0]
        OrganisationMember.objects.create(
            user=self.users["auditor"], organisation=controller
        )
        # The officer works for it too: transfers are scoped by organisation.
        OrganisationMember.objects.create(
            user=self.users["officer"], organisation=controller
        )
        self.activity = save_with_history(
            ProcessingActivity(
                reference="VA-MATRIX",
                name="Matrix",
                owner_department="X",
                status="active",
                show_in_public_register=True,
                controller=controller,
            ),
            user=None,
            reason="",
        )
        self.processor = save_with_history(
            Processor(
                name="Matrixverwerker",
                processing_description="x",
                controller=controller,
            ),
            user=None,
            reason="",
        )

        # A register PDF built for that organisation (immediate task in the tests).
        from protocols_registry import register_builds

        self.register_build = register_builds.request_build(
            scope="internal", kind="pdf", organisations={controller.pk}
        )

        self.snippet_pks = {
            "organisation": self.protocol.party_organisations()[0].pk,
            "approvaldecision": self.decision.pk,
            "dpoadvice": self.advice.pk,
            "protocolversion": self.protocol.versions.get().pk,
            "processingactivity": self.activity.pk,
            "processor": self.processor.pk,
            "datasubjectcategory": DataSubjectCategory.objects.create(name="Matrix").pk,
            "personaldatacategory": PersonalDataCategory.objects.create(
                name="Matrix"
            ).pk,
            "organisationmember": OrganisationMember.objects.create(
                user=self.users["dpo"],
                organisation=self.protocol.party_organisations()[0],
            ).pk,
            **self._harvest(),
        }
        officer = self.users["officer"]
        self.transfer = make_transfer(self.protocol, officer)
        attach_payload(self.transfer, officer)
        worklist.import_list(self.transfer, parse_list(LIST_CSV, "csv"), user=officer)
        deleted = make_transfer(self.protocol, officer)
        self.evidence = services.delete_transfer_data(
            deleted, reason="manual", actor="m"
        )
        waiting = make_transfer(self.protocol, officer)
        _link, self.upload_token = services.create_upload_link(waiting, user=officer)
        self.redirect = Redirect.objects.create(old_path="/oud", redirect_link="/")
        # A role that waits for a DPO's approval.
        candidate = make_user("m-candidate")
        candidate.groups.add(Group.objects.get(name="Exchange officer"))
        self.pending_grant = candidate.role_grants.get()
        self._breaches()

    def _harvest(self):
        """A mirrored protocol of another installation (read-only for everyone)."""
        from django.utils import timezone

        from protocols_registry.models import HarvestedProtocol, HarvestSource

        source = HarvestSource.objects.create(
            url="https://andere.example/protocollen/export.json",
            index=protocol_index(),
            name="Andere",
            last_success_at=timezone.now(),
        )
        mirrored = HarvestedProtocol.objects.create(
            source=source,
            uri="https://andere.example/id/protocol/2025_VB_00001",
            reference="2025_VB_00001",
            title="Gespiegeld matrixprotocol",
            parties=["Andere", "OCMW Gent"],
            url="https://andere.example/protocollen/2025-vb-00001/",
            content_hash="0" * 64,
            retrieved_at=timezone.now(),
        )
        return {"harvestsource": source.pk, "harvestedprotocol": mirrored.pk}

    def _breaches(self):
        """A breach of the DPO's organisation, and one another party notified to
        it: what the DPO may read; nobody else."""
        from breaches import services as breach_services
        from breaches.models import Breach

        ours, theirs = self.protocol.party_organisations()[:2]
        theirs.dpo_email = "dpo@matrix.example"
        theirs.save()
        fields = {
            "discovered_at": self.protocol.first_published_at,
            "nature": "Matrixlek",
            "consequences": "Geen",
            "measures": "Geen",
            "contact_point": "dpo@matrix.example",
            "risk": "risk",
        }
        self.breach = breach_services.save_breach(
            Breach(organisation=ours, **fields), user=None
        )
        received = breach_services.save_breach(
            Breach(organisation=theirs, **fields), user=None
        )
        received.protocols.add(self.protocol)
        (self.notification,) = breach_services.notify_parties(received, user=None)


def shared_protocol(site, organisation):
    """A second site of the installation publishes a protocol ``organisation`` is a
    party to; ``site`` belongs to that organisation, so it shows it too."""
    from wagtail.models import Page, Site

    from home.models import HomePage
    from protocols_registry.models import ProtocolIndexPage, SiteOrganisation
    from tests.factories import OrganisationFactory

    SiteOrganisation.objects.create(site=site, organisation=organisation)
    home = HomePage(
        title="Andere site", slug="andere", organisation_name="Andere", intro="<p>-</p>"
    )
    Page.get_first_root_node().add_child(instance=home)
    Site.objects.create(hostname="andere.example", root_page=home, site_name="Andere")
    index = ProtocolIndexPage(title="Protocollen", slug="protocollen")
    home.add_child(instance=index)
    index.save_revision().publish()
    return build_protocol(
        title="Gedeeld matrixprotocol",
        index=index,
        parties=[organisation, OrganisationFactory()],
    )


def client_for(role, samples):
    # Server errors become an "error" outcome instead of an exception.
    if role == "anonymous":
        return Client(raise_request_exception=False)
    client = SecondFactorClient(raise_request_exception=False)
    client.force_login(samples.users[role])
    return client


def observe(client, method, url):
    with transaction.atomic():
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(
            True
        )  # a POST that succeeds changes nothing for the next
    if getattr(response, "streaming", False):
        from tests.helpers import close_file

        close_file(response)
    return url_matrix.classify(response)


@pytest.mark.parametrize("role", url_matrix.ROLES)
def test_every_url_for_every_role(role, settings):
    settings.AXES_ENABLED = False  # hundreds of requests from one address
    samples = Samples()
    client = client_for(role, samples)
    expectations = url_matrix.load_expectations()
    observed = {}
    urls = {}
    for route in url_matrix.enumerate_routes():
        url = url_matrix.concrete_url(route, samples)
        if url is not None and not route.route.startswith("accounts/logout"):
            urls[route.key] = url
    urls.update(url_matrix.page_urls(samples))
    for method in url_matrix.METHODS:  # every GET first: a POST may delete a file
        for key, url in sorted(urls.items()):
            if role != "anonymous":
                client.force_login(samples.users[role])  # a POST may have logged out
            observed.setdefault(key, {}).setdefault(method, {})[role] = observe(
                client, method, url
            )

    problems = []
    for key, methods in observed.items():
        for method, by_role in methods.items():
            outcome = by_role[role]
            url = urls[key]
            upstream = method == "POST" and (
                key in UPSTREAM_POST_ERRORS
                or key.startswith(UPSTREAM_POST_ERROR_PREFIXES)
            )
            if outcome == "error" and not upstream:
                problems.append(f"{method} {url} ({key}): server error")
            private = (
                url.startswith(("/admin/", "/media/"))
                and key not in PUBLIC_ADMIN_ASSETS
                and not (key in PUBLIC_FILES and method == "GET")
            )
            if role == "anonymous" and private and outcome == "ok":
                problems.append(f"anonymous got {method} {url} ({key})")
            harmless = url.startswith("/accounts/") or key in NON_WRITING_POSTS
            if (
                role == "auditor"
                and method == "POST"
                and outcome == "ok"
                and not harmless
            ):
                problems.append(f"auditor wrote with POST {url} ({key})")
            if (
                key in SENSITIVE
                and method == "GET"
                and outcome == "ok"
                and role != "officer"
            ):
                problems.append(f"{role} opened personal data at {url}")
    if UPDATING:
        for key, methods in observed.items():
            for method, by_role in methods.items():
                expectations.setdefault(key, {}).setdefault(method, {}).update(by_role)
        url_matrix.save_expectations(expectations)
    else:
        for key, methods in observed.items():
            if key not in expectations:
                problems.append(f"{key} is not in url_matrix.json: review and add it")
                continue
            for method, by_role in methods.items():
                expected = expectations[key].get(method, {}).get(role)
                if expected != by_role[role]:
                    problems.append(
                        f"{method} {urls[key]} ({key}) as {role}: expected {expected}, "
                        f"got {by_role[role]}"
                    )
        stale = set(expectations) - set(observed)
        problems += [
            f"{key} is in url_matrix.json but no longer served" for key in sorted(stale)
        ]
    assert not problems, "\n".join(problems)


def test_the_officer_is_the_only_role_that_opens_a_payload():
    from django.contrib.auth.models import Group

    holders = Group.objects.filter(permissions__codename="download_payload")
    assert list(holders.values_list("name", flat=True)) == ["Exchange officer"]


def test_a_superuser_without_the_officer_role_cannot_open_a_payload(admin_user, client):
    protocol = build_protocol()
    officer = make_user("officer-x", "Exchange officer")
    transfer = make_transfer(protocol, officer)
    attach_payload(transfer, officer)
    # A member of the sender, yet not in the officer role: no transfer of it is
    # theirs to see (exchanges.scoping), so the download is not found.
    member_of(admin_user, *protocol.party_organisations())
    client.force_login(admin_user)
    response = client.get(f"/admin/exchanges/transfers/{transfer.pk}/download/")
    assert response.status_code == 404
