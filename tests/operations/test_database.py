"""The database connection as production configures it."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection

pytestmark = pytest.mark.django_db

STATEMENT = (
    'SELECT "auth_group"."id" AS "pk" FROM "auth_group" WHERE "auth_group"."name" = $1'
    " ORDER BY 1 ASC LIMIT 1"
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL statements")
def test_postgresql_plans_a_statement_used_again_only_once():
    """Parameters go to the server apart from the statement, so that a statement
    used again on the connection is prepared and not planned on every request."""
    for name in ["a", "b", "c", "d", "e", "f"]:
        Group.objects.filter(name=name).values_list("pk", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ['%FROM "auth_group" WHERE "auth_group"."name" = $1%'],
        )
        assert STATEMENT in {statement for (statement,) in cursor.fetchall()}
