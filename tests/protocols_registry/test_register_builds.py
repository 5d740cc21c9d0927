"""The register PDF and XLSX are built in the background (issue 22, point 5).

The request that asks for a document never builds it: it queues a build in the
real database queue (django-tasks-db) and answers at once; the task builds the
file, which is read back here, and the real worker (``db_worker``) runs it once. A change to the register
outdates the file; only the DPO or auditor of the controllers it holds fetches an
internal build; the public PDF holds only public entries.
"""

import io
import os
import re
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from protocols_registry.models import Organisation, RegisterDocumentBuild
from protocols_registry.register_builds import build_register_document
from protocols_registry.register_history import save_with_history
from tests.conftest import SecondFactorClient, make_user
from tests.protocols_registry.test_register_scopes import (
    SECRET,
    World,
    _activity,
    export_url,
)

pytestmark = pytest.mark.django_db

Status = RegisterDocumentBuild.Status


@pytest.fixture
def world():
    return World()


@pytest.fixture
def queue(settings):
    """The register's tasks go to the database queue; nothing runs until work()."""
    settings.PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND = "database"


def work():
    """Run the queued builds' task. The worker itself (db_worker) closes the
    database connection between tasks, which would end a test's transaction: it
    runs for real in test_the_worker_builds_what_the_request_queued below."""
    for pk in RegisterDocumentBuild.objects.filter(status=Status.QUEUED).values_list(
        "pk", flat=True
    ):
        build_register_document.call(pk)


def read(response):
    """The body of a response; reading a served file to its end closes it (an
    explicit close() would also close the test's database connection)."""
    return response.getvalue()


def pdf_text(response):
    body = read(response)
    assert body.startswith(b"%PDF")
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def build_url(name, build):
    return reverse(f"protocols_registry_admin:{name}", args=[build.pk])


def test_the_export_request_queues_a_build_that_the_worker_makes(world, queue):
    client = world.client("dpo_ocmw")
    response = client.get(export_url("pdf"))
    build = RegisterDocumentBuild.objects.get()
    # Answered at once: queued, nothing built in the request.
    assert response.status_code == 302
    assert response["Location"] == build_url("register_build", build)
    assert build.status == Status.QUEUED and build.progress == 0 and not build.file
    assert build.scope == "internal" and build.organisations == str(world.ocmw.pk)

    page = client.get(build_url("register_build", build))
    html = page.content.decode()
    assert page.status_code == 200 and "in de wachtrij" in html
    assert "protocols_registry/register_build.js" in html
    assert client.get(build_url("register_build_download", build)).status_code == 404
    status = client.get(build_url("register_build_status", build)).json()
    assert status == {
        "status": "queued",
        "label": "in de wachtrij",
        "progress": 0,
        "finished": "",
        "download_url": None,
    }

    work()
    build.refresh_from_db()
    assert build.status == Status.DONE and build.progress == 100
    assert build.finished_at is not None and build.file
    status = client.get(build_url("register_build_status", build)).json()
    assert status["label"] == "klaar" and status["progress"] == 100
    assert status["download_url"] == build_url("register_build_download", build)
    assert status["finished"].startswith("Gemaakt op ")

    text = pdf_text(client.get(status["download_url"]))
    assert "OCMW-001" in text and "THG-002" in text
    assert "THG-001" not in text  # Thuispunt's own register
    assert "Thuispunt verwerker" not in text

    # Fresh: the next request gets the file itself, and queues nothing.
    again = client.get(export_url("pdf"))
    assert again.status_code == 200 and again["Content-Type"] == "application/pdf"
    assert "no-store" in again["Cache-Control"]
    assert read(again).startswith(b"%PDF")
    assert RegisterDocumentBuild.objects.count() == 1


def test_the_xlsx_is_built_by_the_worker_too(world, queue):
    from openpyxl import load_workbook

    client = world.client("dpo_thuispunt")
    assert client.get(export_url("xlsx")).status_code == 302
    work()
    response = client.get(export_url("xlsx"))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(read(response)), read_only=True)
    references = [row[0] for row in workbook.worksheets[0].iter_rows(values_only=True)]
    workbook.close()
    assert references[1:] == ["THG-001", "THG-002"]


def test_a_register_change_outdates_the_build_and_old_files_are_deleted(world, queue):
    client = world.client("dpo_ocmw")
    client.get(export_url("pdf"))
    work()
    first = RegisterDocumentBuild.objects.get()
    first_path = first.file.path

    world.activity.name = "Nieuwe naam"
    save_with_history(world.activity, user=None, reason="test")
    response = client.get(export_url("pdf"))
    second = RegisterDocumentBuild.objects.exclude(pk=first.pk).get()
    assert response["Location"] == build_url("register_build", second)
    assert second.status == Status.QUEUED and second.fingerprint != first.fingerprint
    work()
    assert "Nieuwe naam" in pdf_text(client.get(export_url("pdf")))
    # One previous build is kept beside the newest.
    assert RegisterDocumentBuild.objects.filter(pk=first.pk).exists()
    assert os.path.exists(first_path)

    _activity("OCMW-002", world.ocmw)
    client.get(export_url("pdf"))
    work()
    assert not RegisterDocumentBuild.objects.filter(pk=first.pk).exists()
    assert not os.path.exists(first_path)
    assert RegisterDocumentBuild.objects.filter(status=Status.DONE).count() == 2


def test_only_changes_within_the_scope_outdate_its_build(world, queue):
    """OCMW's register holds its own entries and Thuispunt's joint activity."""
    client = world.client("dpo_ocmw")
    client.get(export_url("pdf"))
    work()
    first = RegisterDocumentBuild.objects.get()

    world.own_activity.name = "Alleen bij Thuispunt"
    save_with_history(world.own_activity, user=None, reason="test")
    response = client.get(export_url("pdf"))
    read(response)
    assert response.status_code == 200  # still the register as it is
    assert RegisterDocumentBuild.objects.get() == first

    world.joint.name = "Gezamenlijk, herzien"
    save_with_history(world.joint, user=None, reason="test")
    client.get(export_url("pdf"))
    assert RegisterDocumentBuild.objects.exclude(pk=first.pk).get().status == (
        Status.QUEUED
    )


@pytest.mark.parametrize(
    "role,readable",
    [
        ("dpo_ocmw", True),
        ("auditor_both", True),
        ("admin", True),
        ("dpo_thuispunt", False),
        ("auditor_thuispunt", False),
        ("editor", False),
        ("officer", False),
    ],
)
def test_only_readers_of_its_controllers_fetch_an_internal_build(world, role, readable):
    # Immediate backend (tests/settings): the build is done by the time it answers.
    read(world.client("dpo_ocmw").get(export_url("pdf")))
    build = RegisterDocumentBuild.objects.get(status=Status.DONE)
    client = world.client(role)
    for name in ("register_build", "register_build_status", "register_build_download"):
        response = client.get(build_url(name, build))
        read(response)
        assert (response.status_code == 200) is readable, (name, response.status_code)
        if not readable:
            assert response.status_code in (302, 403, 404)


def test_a_superusers_whole_register_is_not_a_dpos(world):
    read(world.client("admin").get(export_url("pdf")))
    build = RegisterDocumentBuild.objects.get(organisations="all")
    client = world.client("auditor_both")
    response = client.get(build_url("register_build_download", build))
    read(response)
    assert response.status_code == 404


def _register_page(controller):
    from home.demo.register import ensure_register_page

    return ensure_register_page(controller=controller)


def test_the_public_pdf_is_served_from_the_latest_build_without_private_entries(
    world, queue, client, settings
):
    settings.PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS = 600  # a cache in front
    page = _register_page(world.ocmw)
    private = _activity("OCMW-PRIVE", world.ocmw)
    private.show_in_public_register = False
    save_with_history(private, user=None, reason="test")
    url = f"{page.url}export.pdf"

    response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    assert "no-store" in response["Cache-Control"]
    assert "wordt als PDF opgemaakt" in response.content.decode()
    build = RegisterDocumentBuild.objects.get(scope="public")
    assert build.status == Status.QUEUED and not build.file
    # Asking again while it waits queues nothing more.
    assert client.get(url).status_code == 503
    assert RegisterDocumentBuild.objects.count() == 1

    work()
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "public" in response["Cache-Control"]
    assert "s-maxage" in response["Cache-Control"]
    text = pdf_text(response)
    assert "OCMW-001" in text and "THG-002" in text
    assert "THG-001" not in text and "OCMW-PRIVE" not in text
    # Never what only the register's own readers see.
    assert f"{SECRET} maatregelen" not in text and "Thuispunt verwerker" not in text
    assert "Annex" not in text and "Bijlage" not in text
    # When it was built, in Brussels time with its zone.
    assert re.search(r"\d{1,2}:\d{2} CES?T", text)

    # The register changes: the previous file is served while the next is built.
    private.show_in_public_register = True
    save_with_history(private, user=None, reason="test")
    stale = client.get(url)
    assert stale.status_code == 200 and "OCMW-PRIVE" not in pdf_text(stale)
    # No purge follows the new build: the cache in front must not keep the old one.
    assert "s-maxage" not in stale["Cache-Control"]
    assert "no-cache" in stale["Cache-Control"]
    assert RegisterDocumentBuild.objects.filter(status=Status.QUEUED).count() == 1
    work()
    assert "OCMW-PRIVE" in pdf_text(client.get(url))


def test_a_draft_or_restricted_register_has_no_public_pdf(world, client):
    page = _register_page(None)
    response = client.get(f"{page.url}export.pdf")
    assert response.status_code == 200 and read(response).startswith(b"%PDF")
    page.unpublish()
    assert client.get(f"{page.url}export.pdf").status_code == 404
    assert client.get("/nergens/export.pdf").status_code == 404


def test_a_failed_build_is_kept_and_the_next_request_queues_another(world, queue):
    client = world.client("dpo_ocmw")
    client.get(export_url("pdf"))
    build = RegisterDocumentBuild.objects.get()
    # A scope the task cannot read makes its render fail.
    RegisterDocumentBuild.objects.filter(pk=build.pk).update(organisations="bogus")
    work()
    build.refresh_from_db()
    assert build.status == Status.FAILED and build.error
    RegisterDocumentBuild.objects.filter(pk=build.pk).update(
        organisations=str(world.ocmw.pk)
    )
    assert client.get(export_url("pdf")).status_code == 302
    assert RegisterDocumentBuild.objects.filter(status=Status.QUEUED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_builds_what_the_request_queued(queue, flushable_audit_log):
    """The real worker of the database queue, on committed data (a transactional
    test: the worker manages its own connection)."""
    from django_tasks_db.models import DBTaskResult

    controller = Organisation.objects.create(name="Worker Test")
    for number in range(30):
        _activity(f"WRK-{number:03d}", controller)
    client = SecondFactorClient()
    client.force_login(make_user("s-worker-admin", superuser=True))
    started = time.perf_counter()
    response = client.get(export_url("pdf") + f"?controller={controller.pk}")
    assert time.perf_counter() - started < 2  # queued, not built
    build = RegisterDocumentBuild.objects.get()
    assert response.status_code == 302 and build.status == Status.QUEUED
    task = DBTaskResult.objects.get()
    assert task.backend_name == "database" and task.status == "READY"

    call_command(
        "db_worker",
        "--batch",
        "--backend",
        "database",
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    build.refresh_from_db()
    assert build.status == Status.DONE and build.progress == 100
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    text = pdf_text(client.get(build_url("register_build_download", build)))
    assert "WRK-000" in text and "WRK-029" in text


def test_a_build_lost_in_the_queue_is_given_up_and_queued_again(world, queue):
    import datetime

    from django.utils import timezone

    client = world.client("dpo_ocmw")
    client.get(export_url("pdf"))
    assert client.get(export_url("pdf")).status_code == 302
    assert RegisterDocumentBuild.objects.count() == 1  # still waiting: the same
    RegisterDocumentBuild.objects.update(
        created_at=timezone.now() - datetime.timedelta(minutes=16)
    )
    client.get(export_url("pdf"))
    assert RegisterDocumentBuild.objects.filter(status=Status.QUEUED).count() == 2
