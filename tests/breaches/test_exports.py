import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from exchanges.models import AuditEvent
from tests.breaches.conftest import login

pytestmark = pytest.mark.django_db


def test_the_dpo_exports_the_whole_register(world, breach):
    client = login(world.dpo_thuispunt)
    url = reverse("breaches_admin:export", args=["csv"])
    response = client.get(url, {"organisation": world.thuispunt.pk})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "referentie"
    assert rows[1][0] == breach.reference
    assert breach.nature in rows[1]
    assert AuditEvent.objects.filter(action="breach.register_exported").count() == 1

    xlsx = client.get(reverse("breaches_admin:export", args=["xlsx"]))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.cell(row=2, column=1).value == breach.reference

    pdf = client.get(reverse("breaches_admin:export", args=["pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Type"] == "application/pdf"


def test_an_unknown_format_is_not_found(world, breach):
    client = login(world.dpo_thuispunt)
    assert client.get("/admin/breaches/export.json").status_code == 404
