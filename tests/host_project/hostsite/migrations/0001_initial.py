import django.db.models.deletion
from django.db import migrations, models


def create_root(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    TownHomePage = apps.get_model("hostsite.TownHomePage")
    Locale = apps.get_model("wagtailcore.Locale")
    Page.objects.filter(depth=2).delete()  # Wagtail's welcome page (and its site)
    content_type, _ = ContentType.objects.get_or_create(
        app_label="hostsite", model="townhomepage"
    )
    home = TownHomePage.objects.create(
        title="Proefdorp",
        draft_title="Proefdorp",
        slug="proefdorp",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/proefdorp/",
        welcome="Welkom",
        locale=Locale.objects.first(),
    )
    Site.objects.create(
        hostname="localhost",
        root_page=home,
        site_name="Proefdorp",
        is_default_site=True,
    )


class Migration(migrations.Migration):
    initial = True
    dependencies = [("wagtailcore", "0098_apitoken")]

    operations = [
        migrations.CreateModel(
            name="TownHomePage",
            fields=[
                (
                    "page_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.page",
                    ),
                ),
                ("welcome", models.CharField(blank=True, max_length=200)),
            ],
            bases=("wagtailcore.page",),
        ),
        migrations.RunPython(create_root, migrations.RunPython.noop),
    ]
