"""Each controller keeps its own register (issue 21, point 3).

A DPO edits only their own organisation's activities and processors; an auditor
reads only the organisations they are a member of; the public register of a
controller lists its own activities and those where it is a joint controller,
marked as such; the exports hold only what the user may read. Every cross-
organisation edit and read is tried as each role, and refused.
"""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from protocols_registry import roles
from protocols_registry.models import (
    OrganisationMember,
    ProcessingActivity,
    Processor,
)
from protocols_registry.register_history import save_with_history
from tests.conftest import SecondFactorClient, make_user
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SECRET = "ANDERE-ORGANISATIE"  # in every field of the other organisation's entries


def _activity(reference, controller, joint=(), **fields):
    activity = ProcessingActivity(
        reference=reference,
        name=fields.pop("name", f"Activiteit {reference}"),
        owner_department=fields.pop("owner_department", "Dienst"),
        status=ProcessingActivity.Status.ACTIVE,
        controller=controller,
        purposes="Doel",
        security_measures=fields.pop("security_measures", "Maatregelen"),
        show_in_public_register=True,
        **fields,
    )

    def save_m2m():
        activity.joint_controllers.set(joint)

    return save_with_history(activity, user=None, reason="test", save_m2m=save_m2m)


def _processor(name, controller):
    return save_with_history(
        Processor(name=name, processing_description="Hosting", controller=controller),
        user=None,
        reason="test",
    )


class World:
    """Two organisations, each with its DPO and auditor, their entries, and users
    of the other roles."""

    def __init__(self):
        self.ocmw = OrganisationFactory(name="OCMW Test")
        self.thuispunt = OrganisationFactory(name="Thuispunt Test")
        self.users = {
            "dpo_ocmw": self._member(make_user("s-dpo-ocmw", roles.DPO), self.ocmw),
            "dpo_thuispunt": self._member(
                make_user("s-dpo-thuispunt", roles.DPO), self.thuispunt
            ),
            "auditor_thuispunt": self._member(
                make_user("s-auditor-thuispunt", roles.AUDITOR), self.thuispunt
            ),
            "auditor_both": self._member(
                self._member(make_user("s-auditor-both", roles.AUDITOR), self.ocmw),
                self.thuispunt,
            ),
            "editor": self._member(make_user("s-editor", roles.EDITOR), self.ocmw),
            "officer": self._member(
                make_user("s-officer", roles.EXCHANGE_OFFICER), self.ocmw
            ),
            "secretary": self._member(
                make_user("s-secretary", roles.BOARD_SECRETARY), self.ocmw
            ),
            "admin": make_user("s-admin", superuser=True),
        }
        # OCMW's entries carry the marker everywhere a screen or export shows text.
        self.activity = _activity(
            "OCMW-001",
            self.ocmw,
            name=f"{SECRET} activiteit",
            owner_department=f"{SECRET} dienst",
            security_measures=f"{SECRET} maatregelen",
        )
        self.processor = _processor(f"{SECRET} verwerker", self.ocmw)
        self.activity.processors.add(self.processor)
        self.own_activity = _activity("THG-001", self.thuispunt)
        self.own_processor = _processor("Thuispunt verwerker", self.thuispunt)
        # Thuispunt's, with OCMW as joint controller: in both registers.
        self.joint = _activity("THG-002", self.thuispunt, joint=[self.ocmw])

    @staticmethod
    def _member(user, organisation):
        OrganisationMember.objects.create(user=user, organisation=organisation)
        return user

    def client(self, role):
        client = SecondFactorClient()
        client.force_login(self.users[role])
        return client


@pytest.fixture
def world():
    return World()


def snippet_url(model, action, *args):
    return reverse(f"wagtailsnippets_protocols_registry_{model}:{action}", args=args)


def export_url(fmt):
    return reverse("protocols_registry_admin:register_export", args=[fmt])


def text_of(response):
    """What a response shows, whatever its format."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    content_type = response.get("Content-Type", "")
    if content_type.startswith("application/pdf"):
        reader = PdfReader(io.BytesIO(body))
        return " ".join(page.extract_text() for page in reader.pages)
    if "spreadsheetml" in content_type:
        workbook = load_workbook(io.BytesIO(body), read_only=True)
        cells = [
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        workbook.close()
        return " ".join(cells)
    return body.decode("utf-8-sig", "replace")


def refused(response):
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response["Location"].split("?")[0] in (
        "/admin/",
        "/admin",
    )


OUTSIDERS = ["dpo_thuispunt", "auditor_thuispunt", "editor", "officer", "secretary"]


@pytest.mark.parametrize("role", OUTSIDERS)
@pytest.mark.parametrize(
    "model,action",
    [
        (model, action)
        for model in ("processingactivity", "processor")
        for action in ("edit", "delete", "inspect", "history", "usage")
    ],
)
def test_another_organisations_entry_is_refused(world, role, model, action):
    target = world.activity if model == "processingactivity" else world.processor
    client = world.client(role)
    url = snippet_url(model, action, target.pk)
    for response in (client.get(url), client.post(url, {"name": "Overgenomen"})):
        assert refused(response), (role, action, response.status_code)
        assert SECRET not in text_of(response)
    target.refresh_from_db()
    assert SECRET in target.name


@pytest.mark.parametrize("role", OUTSIDERS)
def test_listings_choosers_and_exports_hold_nothing_of_another_organisation(
    world, role
):
    client = world.client(role)
    urls = [
        snippet_url("processingactivity", "list"),
        snippet_url("processingactivity", "list_results"),
        snippet_url("processor", "list"),
        snippet_url("processingactivity", "list") + "?export=csv",
        snippet_url("processor", "list") + "?export=xlsx",
        reverse("wagtailsnippetchoosers_protocols_registry_processingactivity:choose"),
        reverse("wagtailsnippetchoosers_protocols_registry_processor:choose"),
        reverse(
            "wagtailsnippetchoosers_protocols_registry_processor:chosen",
            args=[world.processor.pk],
        ),
        reverse(
            "wagtailsnippetchoosers_protocols_registry_processingactivity:"
            "chosen_multiple"
        )
        + f"?id={world.activity.pk}",
        "/admin/",
        *(export_url(fmt) for fmt in ("csv", "xlsx", "pdf")),
        export_url("csv") + f"?controller={world.ocmw.pk}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert SECRET not in text_of(response), (role, url)


@pytest.mark.parametrize("role", ["dpo_thuispunt", "auditor_thuispunt", "editor"])
def test_bulk_actions_on_another_organisations_entries_change_nothing(world, role):
    client = world.client(role)
    for action in ("mark_reviewed", "delete"):
        url = reverse(
            "wagtail_bulk_action",
            args=("protocols_registry", "processingactivity", action),
        )
        client.post(f"{url}?id={world.activity.pk}", {})
    world.activity.refresh_from_db()
    assert world.activity.last_review is None


def test_the_dpo_edits_their_own_register_and_chooses_only_their_controller(world):
    client = world.client("dpo_thuispunt")
    url = snippet_url("processingactivity", "edit", world.own_activity.pk)
    response = client.get(url)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.fields["controller"].queryset) == [world.thuispunt]
    assert list(form.fields["processors"].queryset) == [world.own_processor]
    assert SECRET not in response.content.decode()
    # Thuispunt's DPO cannot move an entry to (or create one for) OCMW.
    add = client.post(
        snippet_url("processor", "add"),
        {
            "controller": world.ocmw.pk,
            "name": "Verhuisd",
            "country": "BE",
            "processing_description": "x",
        },
    )
    assert add.status_code == 200
    assert "controller" in add.context["form"].errors
    assert not Processor.objects.filter(name="Verhuisd").exists()
    created = client.post(
        snippet_url("processor", "add"),
        {
            "controller": world.thuispunt.pk,
            "name": "Nieuw",
            "country": "BE",
            "processing_description": "x",
        },
    )
    assert created.status_code == 302
    assert Processor.objects.get(name="Nieuw").controller == world.thuispunt


def test_joint_activities_are_read_by_both_and_edited_by_the_controller(world):
    ocmw = world.client("dpo_ocmw")
    assert (
        ocmw.get(
            snippet_url("processingactivity", "inspect", world.joint.pk)
        ).status_code
        == 200
    )
    assert (
        ocmw.get(snippet_url("processingactivity", "edit", world.joint.pk)).status_code
        == 404
    )
    thuispunt = world.client("dpo_thuispunt")
    assert (
        thuispunt.get(
            snippet_url("processingactivity", "edit", world.joint.pk)
        ).status_code
        == 200
    )


def test_an_auditor_reads_each_organisation_they_are_given(world):
    both = world.client("auditor_both")
    for activity in (world.activity, world.own_activity):
        url = snippet_url("processingactivity", "inspect", activity.pk)
        assert both.get(url).status_code == 200
    csv_text = text_of(both.get(export_url("csv")))
    assert "OCMW-001" in csv_text and "THG-001" in csv_text
    only_thuispunt = text_of(
        both.get(export_url("csv") + f"?controller={world.thuispunt.pk}")
    )
    assert "THG-001" in only_thuispunt and "OCMW-001" not in only_thuispunt
    one = world.client("auditor_thuispunt")
    text = text_of(one.get(export_url("xlsx")))
    assert "THG-001" in text and "Thuispunt verwerker" in text
    assert "OCMW-001" not in text


def test_the_superuser_reads_everything(world):
    admin = world.client("admin")
    text = text_of(admin.get(export_url("csv")))
    assert {"OCMW-001", "THG-001", "THG-002"} <= set(text.split(",")) or all(
        reference in text for reference in ("OCMW-001", "THG-001", "THG-002")
    )
    url = snippet_url("processingactivity", "edit", world.activity.pk)
    assert admin.get(url).status_code == 200


def test_the_export_command_takes_a_controller(world, tmp_path):
    target = tmp_path / "register.csv"
    out = io.StringIO()
    call_command(
        "export_register",
        "--format",
        "csv",
        "--output",
        str(target),
        "--controller",
        world.thuispunt.enterprise_number,
        stdout=out,
    )
    text = target.read_text("utf-8-sig")
    assert "THG-001" in text and "THG-002" in text and "OCMW-001" not in text
    call_command(
        "export_register",
        "--format",
        "xlsx",
        "--output",
        str(tmp_path / "r.xlsx"),
        "--controller",
        str(world.ocmw.pk),
        stdout=out,
    )
    with pytest.raises(Exception, match="No organisation"):
        call_command(
            "export_register",
            "--output",
            str(target),
            "--controller",
            "0999999999",
            stdout=out,
        )


def _register_page(controller):
    from home.demo.register import ensure_register_page

    return ensure_register_page(controller=controller)


def test_the_public_register_shows_only_its_controller_and_marks_joint_ones(
    world, client
):
    page = _register_page(world.ocmw)
    html = client.get(page.url).content.decode()
    assert "OCMW-001" in html and "THG-002" in html
    assert "THG-001" not in html
    assert "Gezamenlijke verwerkingsverantwoordelijke met" in html
    assert "Thuispunt Test" in html
    assert client.get(f"{page.url}THG-001/").status_code == 404
    detail = client.get(f"{page.url}THG-002/").content.decode()
    assert "Gezamenlijke verwerkingsverantwoordelijke met" in detail
    own = client.get(f"{page.url}OCMW-001/").content.decode()
    assert "Gezamenlijke verwerkingsverantwoordelijke" not in own


def test_a_register_page_without_a_controller_shows_every_public_activity(
    world, client
):
    page = _register_page(None)
    assert page.controller_id is None
    html = client.get(page.url).content.decode()
    assert all(ref in html for ref in ("OCMW-001", "THG-001", "THG-002"))


def test_the_marker_is_seen_where_the_owner_looks(world):
    """The refusals above are meaningful: OCMW's own DPO does see the marker in
    every one of those places."""
    client = world.client("dpo_ocmw")
    for url in (
        snippet_url("processingactivity", "list"),
        snippet_url("processor", "list"),
        snippet_url("processingactivity", "inspect", world.activity.pk),
        snippet_url("processingactivity", "edit", world.activity.pk),
        snippet_url("processingactivity", "history", world.activity.pk),
        *(export_url(fmt) for fmt in ("csv", "xlsx", "pdf")),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert SECRET in text_of(response), url


def test_the_dashboard_counts_and_links_only_the_readers_controllers(world):
    both = world.client("auditor_both").get("/admin/").content.decode()
    assert f"?controller={world.ocmw.pk}" in both
    assert f"?controller={world.thuispunt.pk}" in both
    one = world.client("dpo_thuispunt").get("/admin/").content.decode()
    assert "?controller=" not in one  # one register: the plain links suffice
    assert "0 van 2 activiteiten volledig" in one  # THG-001 and THG-002 only


@pytest.mark.parametrize("role", ["dpo_thuispunt", "auditor_thuispunt", "editor"])
def test_the_organisations_usage_page_names_no_other_register_entry(world, role):
    from wagtail.models import ReferenceIndex

    ReferenceIndex.create_or_update_for_object(world.activity)
    ReferenceIndex.create_or_update_for_object(world.processor)
    client = world.client(role)
    for organisation in (world.ocmw, world.thuispunt):
        response = client.get(snippet_url("organisation", "usage", organisation.pk))
        assert response.status_code < 500
        assert SECRET not in text_of(response)
    # Wagtail names a referring object only to who may handle it: OCMW's DPO.
    owner = world.client("dpo_ocmw")
    usage = owner.get(snippet_url("organisation", "usage", world.ocmw.pk))
    assert SECRET in text_of(usage)


def test_the_migration_gives_a_processor_the_controller_of_its_activities():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "protocols_registry.migrations.0013_register_controllers"
    )
    ocmw, other = OrganisationFactory(), OrganisationFactory()
    single = _processor("Eén controller", None)
    shared = _processor("Twee controllers", None)
    _activity("MIG-1", ocmw).processors.add(single, shared)
    _activity("MIG-2", other).processors.add(shared)
    migration.processor_controllers(apps, None)
    single.refresh_from_db()
    shared.refresh_from_db()
    assert single.controller == ocmw
    assert shared.controller is None
