from django.db import migrations

INTRO = (
    "<p>Overheden wisselen persoonsgegevens met elkaar uit om hun taken uit te voeren. "
    "Artikel 8 van het Vlaamse decreet van 18 juli 2008 betreffende het elektronische "
    "bestuurlijke gegevensverkeer verplicht hen om voor elke uitwisseling een protocol "
    "te sluiten en dat protocol op hun website bekend te maken.</p>"
    "<p>Op deze site vindt u elk goedgekeurd protocol, met de beslissing die het "
    "goedkeurde en de adviezen van de functionarissen voor gegevensbescherming waarop "
    "het steunt, en het openbare deel van ons register van verwerkingsactiviteiten.</p>"
)


def create_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    HomePage = apps.get_model("home.HomePage")

    # Replace the placeholder page that wagtailcore's initial data creates.
    Page.objects.filter(
        content_type__app_label="wagtailcore", content_type__model="page", depth=2
    ).delete()

    content_type, _created = ContentType.objects.get_or_create(
        model="homepage", app_label="home"
    )
    homepage = HomePage.objects.create(
        title="Welkom",
        draft_title="Welkom",
        slug="home",
        content_type=content_type,
        path="00010001",
        depth=2,
        numchild=0,
        url_path="/home/",
        organisation_name="OCMW Gent",
        intro=INTRO,
    )
    Site.objects.create(
        hostname="localhost",
        site_name="Protocolregister OCMW Gent",
        root_page=homepage,
        is_default_site=True,
    )


def remove_homepage(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    HomePage = apps.get_model("home.HomePage")
    HomePage.objects.filter(slug="home", depth=2).delete()
    ContentType.objects.filter(model="homepage", app_label="home").delete()


class Migration(migrations.Migration):
    # Like Wagtail's project template: run before the locale model exists, so the
    # locale migration assigns the default locale to this page.
    run_before = [("wagtailcore", "0053_locale_model")]

    dependencies = [("home", "0001_initial")]

    operations = [migrations.RunPython(create_homepage, remove_homepage)]
