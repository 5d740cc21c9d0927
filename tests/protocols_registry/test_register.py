"""The DPO's registers: art. 30 completeness, history with who and why, exports,
the public/private split, and the auditor's read-only access."""

import csv
import datetime
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import capfirst
from openpyxl import load_workbook
from pypdf import PdfReader

from protocols_registry import roles
from protocols_registry.models import (
    DataSubjectCategory,
    Organisation,
    OrganisationMember,
    PersonalDataCategory,
    ProcessingActivity,
    Processor,
)
from protocols_registry.register_export import COLUMN_KEYS, COLUMNS
from protocols_registry.register_history import save_with_history
from tests.conftest import make_user
from tests.factories import OrganisationFactory, build_protocol

pytestmark = pytest.mark.django_db

LETTERS = {"a", "b", "c", "d", "e", "f", "g"}
OWN = "Eigen organisatie (test)"


def own_organisation():
    """The controller of the register the test users keep (permissions are scoped
    by organisation: see test_register_scopes.py)."""
    found = Organisation.objects.filter(name=OWN).first()
    return found or OrganisationFactory(name=OWN)


@pytest.fixture
def dpo_user(db):
    user = make_user("dpo-test", roles.DPO)
    OrganisationMember.objects.create(user=user, organisation=own_organisation())
    return user


@pytest.fixture
def auditor_user(db):
    user = make_user("auditor-test", roles.AUDITOR)
    OrganisationMember.objects.create(user=user, organisation=own_organisation())
    return user


def complete_activity(reference="VA-001", user=None, **overrides):
    controller = own_organisation()
    subjects, _ = DataSubjectCategory.objects.get_or_create(name="Cliënten")
    data, _ = PersonalDataCategory.objects.get_or_create(name="Identificatiegegevens")
    fields = {
        "reference": reference,
        "name": "Contacteren van cliënten",
        "owner_department": "Welzijn",
        "status": ProcessingActivity.Status.ACTIVE,
        "controller": controller,
        "dpo_contact": "privacy@example.org",
        "purposes": "Cliënten tijdig contacteren.",
        "lawful_basis": "e",
        "legal_reference": "OCMW-wet art. 57",
        "recipients": "Maatschappelijk werkers",
        "third_country_transfers": "none",
        "retention_rules": [
            (
                "rule",
                {"data_category": "Identificatie", "period": "30 dagen", "ground": ""},
            )
        ],
        "security_measures": "GEHEIME-MAATREGEL toegangsbeheer",
        "internal_notes": "INTERNE-NOTITIE",
        "next_review": datetime.date(2099, 1, 1),
        "show_in_public_register": True,
    }
    fields.update(overrides)
    activity = ProcessingActivity(**fields)

    def save_m2m():
        activity.data_subject_categories.set([subjects])
        activity.personal_data_categories.set([data])

    return save_with_history(activity, user=user, reason="test", save_m2m=save_m2m)


def edit_form_data(client, activity):
    """The edit form's current values as the browser posts them."""
    from django.http import QueryDict
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    url = activity_url("edit", activity.pk)
    assert client.get(url).status_code == 200
    data = QueryDict(mutable=True)
    for field in ProcessingActivity._meta.get_fields():
        if not getattr(field, "editable", False) or field.auto_created:
            continue
        if field.name in (
            "retention_rules",
            "dpia_document",
            "created_at",
            "updated_at",
        ):
            continue
        if field.many_to_many:
            pks = [
                str(pk)
                for pk in getattr(activity, field.name).values_list("pk", flat=True)
            ]
            data.setlist(field.name, pks)
            continue
        value = field.value_from_object(activity)
        if isinstance(value, bool):
            if value:
                data[field.name] = "on"
            continue
        data[field.name] = "" if value is None else str(value)
    rules = [("rule", block.value) for block in activity.retention_rules]
    for key, value in nested_form_data({"retention_rules": streamfield(rules)}).items():
        data[key] = value
    return url, data


def post(client, url, data):
    # The test client would send only the last value of each key of a QueryDict.
    return client.post(url, dict(data.lists()))


def activity_url(action, *args):
    return reverse(
        f"wagtailsnippets_protocols_registry_processingactivity:{action}", args=args
    )


def test_every_art30_letter_has_fields_and_export_columns():
    assert {letter for _k, _l, letter, _g in COLUMNS if letter} == LETTERS
    field_names = {f.name for f in ProcessingActivity._meta.get_fields()}
    for name in (
        "controller",
        "joint_controllers",
        "representative",
        "dpo_contact",  # a
        "purposes",
        "lawful_basis",
        "legal_reference",  # b
        "data_subject_categories",
        "personal_data_categories",
        "special_categories",  # c
        "recipients",  # d
        "third_country_transfers",
        "transfer_safeguard",  # e
        "retention_rules",  # f
        "security_measures",  # g
        "owner_department",
        "data_source",
        "dpia_needed",
        "dpia_done_on",
        "dpia_document",
        "protocols",
        "processors",
        "status",
        "retired_on",
        "replaced_by",
        "last_review",
        "next_review",
        "show_in_public_register",
    ):
        assert name in field_names, name


def test_completeness_names_each_missing_element():
    activity = save_with_history(
        ProcessingActivity(reference="VA-002", name="Leeg", owner_department="X"),
        user=None,
        reason="",
    )
    missing = activity.missing_elements()
    assert len(missing) == 8
    assert complete_activity("VA-003").missing_elements() == []
    partial = complete_activity("VA-004", recipients="", security_measures="")
    assert [m.split(" ")[0] for m in partial.missing_elements()] == ["(d)", "(g)"]


def test_third_country_transfers_need_a_safeguard_to_be_complete():
    activity = complete_activity("VA-005", third_country_transfers="yes")
    assert any(m.startswith("(e)") for m in activity.missing_elements())


def test_dpo_edit_in_the_admin_leaves_one_history_record_with_user_reason_and_diff(
    client, dpo_user
):
    activity = complete_activity(user=dpo_user)
    other, _ = DataSubjectCategory.objects.get_or_create(name="Kandidaat-huurders")
    client.force_login(dpo_user)
    url, data = edit_form_data(client, activity)
    data["purposes"] = "Cliënten tijdig contacteren en begeleiden."
    data.setlist(
        "data_subject_categories",
        data.getlist("data_subject_categories") + [str(other.pk)],
    )
    data["change_reason"] = "Jaarlijkse herziening"
    before = activity.history.count()
    response = post(client, url, data)
    assert response.status_code == 302, response.context["form"].errors
    assert activity.history.count() == before + 1
    record = activity.history.latest()
    assert record.history_user == dpo_user
    assert record.history_change_reason == "Jaarlijkse herziening"

    inspect = client.get(activity_url("inspect", activity.pk)).content.decode()
    assert "Jaarlijkse herziening" in inspect
    assert dpo_user.get_username() in inspect
    assert (
        "Cliënten tijdig contacteren. → Cliënten tijdig contacteren en begeleiden."
        in inspect
    )
    assert re.search(r"Cliënten → Cliënten, Kandidaat-huurders", inspect)


def test_an_edit_without_a_reason_is_refused(client, dpo_user):
    activity = complete_activity()
    client.force_login(dpo_user)
    url, data = edit_form_data(client, activity)
    data["name"] = "Nieuwe naam"
    data["change_reason"] = ""
    response = post(client, url, data)
    assert response.status_code == 200
    assert "change_reason" in response.context["form"].errors
    activity.refresh_from_db()
    assert activity.name == "Contacteren van cliënten"


def test_delete_in_the_admin_is_kept_with_the_user(client, dpo_user):
    activity = complete_activity()
    pk = activity.pk
    client.force_login(dpo_user)
    response = client.post(activity_url("delete", pk))
    assert response.status_code == 302
    assert not ProcessingActivity.objects.filter(pk=pk).exists()
    record = ProcessingActivity.history.filter(id=pk).latest()
    assert record.history_type == "-"
    assert record.history_user == dpo_user


def test_bulk_review_records_history_for_each_activity(client, dpo_user):
    first = complete_activity("VA-010")
    second = complete_activity("VA-011")
    client.force_login(dpo_user)
    url = reverse(
        "wagtail_bulk_action",
        args=("protocols_registry", "processingactivity", "mark_reviewed"),
    )
    response = client.post(f"{url}?id={first.pk}&id={second.pk}", {})
    assert response.status_code == 302
    for activity in (first, second):
        activity.refresh_from_db()
        assert activity.last_review == datetime.date.today()
        record = activity.history.latest()
        assert record.history_user == dpo_user
        assert record.history_change_reason == "Herzien (bulkactie)"


def test_auditor_reads_the_register_but_changes_nothing(client, auditor_user):
    activity = complete_activity()
    client.force_login(auditor_user)
    assert client.get(activity_url("list")).status_code == 200
    assert client.get(activity_url("inspect", activity.pk)).status_code == 200
    assert client.get(activity_url("edit", activity.pk)).status_code in (302, 403)
    response = client.post(activity_url("delete", activity.pk))
    assert response.status_code in (302, 403)
    assert ProcessingActivity.objects.filter(pk=activity.pk).exists()
    assert (
        client.get(
            reverse("protocols_registry_admin:register_export", args=["csv"])
        ).status_code
        == 200
    )


def test_board_secretary_and_citizens_cannot_export(client, secretary_user):
    url = reverse("protocols_registry_admin:register_export", args=["csv"])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    client.force_login(secretary_user)
    response = client.get(url)
    assert response.status_code == 302  # Wagtail sends users without the right away
    assert response["Location"] == "/admin/"


def test_listing_filters(client, dpo_user):
    complete_activity("VA-020")
    complete_activity("VA-021", next_review=datetime.date(2020, 1, 1), lawful_basis="c")
    save_with_history(
        ProcessingActivity(
            reference="VA-022",
            name="Onvolledig",
            owner_department="Wonen",
            controller=own_organisation(),
        ),
        user=None,
        reason="",
    )
    lacking = save_with_history(
        Processor(
            name="Zonder overeenkomst",
            processing_description="Hosting",
            controller=own_organisation(),
        ),
        user=None,
        reason="",
    )
    ProcessingActivity.objects.get(reference="VA-020").processors.add(lacking)
    client.force_login(dpo_user)

    def refs(query):
        html = client.get(activity_url("list") + query).content.decode()
        return sorted(set(re.findall(r"VA-0\d\d", html)))

    assert refs("?review_overdue=true") == ["VA-021", "VA-022"]
    assert refs("?complete=false") == ["VA-022"]
    assert refs("?lawful_basis=c") == ["VA-021"]
    assert refs("?owner_department=Wonen") == ["VA-022"]
    assert refs("?processor_agreement_missing=true") == ["VA-020"]


def test_dashboard_counts_on_the_admin_home(client, dpo_user):
    complete_activity("VA-030")
    save_with_history(
        ProcessingActivity(
            reference="VA-031",
            name="Onvolledig",
            owner_department="X",
            controller=own_organisation(),
        ),
        user=None,
        reason="",
    )
    save_with_history(
        Processor(
            name="Verlopen",
            processing_description="x",
            agreement_signed_on=datetime.date(2020, 1, 1),
            agreement_ends_on=datetime.date(2021, 1, 1),
            controller=own_organisation(),
        ),
        user=None,
        reason="",
    )
    client.force_login(dpo_user)
    html = client.get("/admin/").content.decode()
    assert "1 van 2 activiteiten volledig" in html
    assert "1 verwerker zonder geldige overeenkomst" in html


def test_csv_export_has_one_row_per_activity_and_the_documented_columns(
    client, dpo_user
):
    complete_activity("VA-040")
    complete_activity("VA-041")
    client.force_login(dpo_user)
    response = client.get(
        reverse("protocols_registry_admin:register_export", args=["csv"])
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(body)))
    # Dutch headings for people; the keys stay documented (docs/register-export.md).
    assert header[:3] == ["referentie", "naam", "status"]
    assert header == [str(label) for _key, label, _letter, _getter in COLUMNS]
    rows = [dict(zip(COLUMN_KEYS, line, strict=True)) for line in lines]
    assert [row["reference"] for row in rows] == ["VA-040", "VA-041"]
    assert rows[0]["retention"] == "Identificatie: 30 dagen"
    assert rows[0]["complete"] == "ja"


def test_xlsx_export_reads_back(client, dpo_user):
    complete_activity("VA-050")
    client.force_login(dpo_user)
    response = client.get(
        reverse("protocols_registry_admin:register_export", args=["xlsx"])
    )
    body = response.getvalue()  # a stored file now (built by the immediate task)
    workbook = load_workbook(io.BytesIO(body), read_only=True)
    sheet = workbook.worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][0] == "VA-050"
    assert rows[0][:2] == ("referentie", "naam")
    documented = list(workbook.worksheets[2].iter_rows(values_only=True))[1:]
    assert [row[0] for row in documented] == COLUMN_KEYS
    assert {row[2] for row in documented if row[2]} == LETTERS
    workbook.close()


def test_pdf_export_has_cover_contents_every_letter_and_the_processors_annex(
    client, dpo_user
):
    complete_activity("VA-060")
    save_with_history(
        Processor(
            name="Hosting Voorbeeld",
            processing_description="Hosting",
            controller=own_organisation(),
        ),
        user=None,
        reason="",
    )
    client.force_login(dpo_user)
    response = client.get(
        reverse("protocols_registry_admin:register_export", args=["pdf"])
    )
    body = response.getvalue()  # a stored file now (built by the immediate task)
    reader = PdfReader(io.BytesIO(body))
    pages = [page.extract_text() for page in reader.pages]
    assert "Register van de verwerkingsactiviteiten" in pages[0]
    assert "Versie" in pages[0] or "versie" in pages[0]
    assert "Inhoudstafel" in pages[1] and "VA-060" in pages[1]
    text = " ".join(pages)
    for letter in sorted(LETTERS):
        assert f"({letter})" in text, letter
    assert "Hosting Voorbeeld" in pages[-1]
    # The processors are nested under the annex (a list in pypdf's outline).
    outline = [item["/Title"] for item in reader.outline if not isinstance(item, list)]
    assert outline[0].startswith("VA-060") and "Bijlage" in outline[-1]


def test_export_command_shows_progress(tmp_path):
    complete_activity("VA-070")
    out = io.StringIO()
    target = tmp_path / "register.pdf"
    call_command(
        "export_register", "--format", "pdf", "--output", str(target), stdout=out
    )
    assert "1/1" in out.getvalue()
    assert target.read_bytes().startswith(b"%PDF")


def test_public_register_shows_only_public_activities_and_never_the_measures(client):
    index = _register_page()
    complete_activity("VA-080")
    complete_activity("VA-081", show_in_public_register=False)
    complete_activity("VA-082", status=ProcessingActivity.Status.DRAFT)
    listing = client.get(index.url).content.decode()
    assert "VA-080" in listing
    assert "VA-081" not in listing and "VA-082" not in listing
    detail = client.get(f"{index.url}VA-080/")
    html = detail.content.decode()
    assert detail.status_code == 200
    assert "privacy@example.org" in html
    assert "GEHEIME-MAATREGEL" not in html and "INTERNE-NOTITIE" not in html
    assert client.get(f"{index.url}VA-081/").status_code == 404
    assert client.get(f"{index.url}VA-082/").status_code == 404


def test_public_register_filters(client):
    index = _register_page()
    complete_activity("VA-090")
    complete_activity("VA-091", lawful_basis="c", owner_department="Wonen")
    assert "VA-090" not in client.get(f"{index.url}?lawful_basis=c").content.decode()
    assert "VA-091" in client.get(f"{index.url}?department=Wonen").content.decode()
    category = DataSubjectCategory.objects.get(name="Cliënten")
    assert (
        "VA-090" in client.get(f"{index.url}?subjects={category.pk}").content.decode()
    )


def test_public_register_links_only_published_protocols(client):
    index = _register_page()
    live = build_protocol(title="Gepubliceerd protocol")
    draft = build_protocol(title="Ontwerpprotocol", advices=False, publish=False)
    activity = complete_activity("VA-095")
    activity.protocols.set([live, draft])
    html = client.get(f"{index.url}VA-095/").content.decode()
    assert "Gepubliceerd protocol" in html and "Ontwerpprotocol" not in html


def _register_page():
    from home.demo.register import ensure_register_page

    return ensure_register_page()


def test_the_inspect_view_reads_ja_nee_and_a_dash_never_python(client, dpo_user):
    activity = complete_activity("VA-070", show_in_public_register=False)
    client.force_login(dpo_user)
    page = client.get(activity_url("inspect", activity.pk)).content.decode()
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", page, flags=re.S)
    words = set(text.split())
    assert {"True", "False", "None"}.isdisjoint(words)
    assert "Nee" in words and "—" in words
    # Field labels are the Dutch verbose names, not the attribute names.
    assert "show_in_public_register" not in text
    label = ProcessingActivity._meta.get_field("show_in_public_register").verbose_name
    assert str(label) != "show in public register"
    assert capfirst(str(label)) in text, text[-3000:]
