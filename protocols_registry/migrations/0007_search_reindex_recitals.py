"""Re-index the protocols after their search fields grew.

The recitals are now searched (they say what a protocol is about in the words a
citizen uses: "dakloosheid"), and the summary, the parties' names and the recitals
are autocomplete fields, which the list falls back on as prefixes where the
database does not stem words (SQLite). Existing index entries lack them until the
pages are indexed again; new and edited pages are indexed as they are saved.

The current model is used on purpose: the search index is built from the model's
search_fields, which historical models do not carry. Should it ever fail on a
later schema, ``manage.py update_index`` does the same.
"""

from django.db import migrations


def reindex(apps, schema_editor):
    historical = apps.get_model("protocols_registry", "ProtocolPage")
    if not historical.objects.using(schema_editor.connection.alias).exists():
        return
    from wagtail.search.index import insert_or_update_object

    from protocols_registry.models import ProtocolPage

    for page in ProtocolPage.objects.using(schema_editor.connection.alias).iterator():
        insert_or_update_object(page)


class Migration(migrations.Migration):
    dependencies = [
        ("protocols_registry", "0006_workflow"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
