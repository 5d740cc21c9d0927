"""The protocol's own search vector (Dutch configuration) with a GIN index: the
public list's full-text search on PostgreSQL (protocols_registry.full_text).

The column exists on every database; the GIN index and the vectors of the
protocols already stored only on PostgreSQL, which is the only one that reads them
(SQLite searches through Wagtail's index).
"""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations

INDEX = "protocol_search_vector"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} "
            "ON protocols_registry_protocolpage USING gin (search_vector)"
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


def fill(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from protocols_registry.full_text import vector_expression

    ProtocolPage = apps.get_model("protocols_registry", "ProtocolPage")
    ProtocolPage.objects.update(
        search_vector=vector_expression(
            apps.get_model("wagtailcore", "Page"),
            apps.get_model("protocols_registry", "ProtocolParty"),
            apps.get_model("protocols_registry", "ProtocolDataItem"),
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("protocols_registry", "0015_register_document_builds"),
    ]

    operations = [
        migrations.AddField(
            model_name="protocolpage",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(
                editable=False, null=True
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="protocolpage",
                    index=django.contrib.postgres.indexes.GinIndex(
                        fields=["search_vector"], name=INDEX
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(create_index, drop_index)],
        ),
    ]
