"""The demo's sites: one installation, two organisations, each with its own site.

- the default site (``localhost``, which also answers ``127.0.0.1``) and
  ``ocmw.localhost`` show OCMW Gent's tree: its home, protocol list and register;
- ``thuispunt.localhost`` shows Thuispunt Gent's own tree: a home page, a protocol
  list and a register page. Its protocol list shows the seed protocol too, which
  lives in OCMW Gent's tree, under one canonical URL
  (protocols_registry.shared_protocols).

Idempotent: sites are found by host name, pages by their place in the tree, and
nothing that exists is overwritten, except a site's port when ``--port`` asks for
another one (``make run`` serves on 8000; a browser test on the live server's port).
"""

from django.db import transaction
from wagtail.models import Page, Site

from home.demo.logos import demo_logo
from home.demo.protocols import ensure_protocol_index
from home.demo.register import ensure_register_page
from home.models import HomePage
from protocols_registry.models import Organisation, SiteOrganisation

OCMW_GENT = "0212214125"
THUISPUNT_GENT = "0400032156"

THUISPUNT_HOME = {
    "title": "Welkom bij Thuispunt Gent",
    "slug": "thuispunt",
    "organisation_name": "Thuispunt Gent",
    "intro": (
        "<p>Woonmaatschappij Thuispunt Gent wisselt persoonsgegevens uit met andere "
        "overheden, zoals met OCMW Gent voor de actualisatie van kandidatendossiers "
        "in het Centraal Inschrijvingsregister. Artikel 8 van het decreet van 18 juli "
        "2008 vraagt elke partij om zo'n protocol op haar website bekend te maken.</p>"
        "<p>Hier vindt u de protocollen waarbij Thuispunt Gent partij is, ook als een "
        "andere partij ze opstelde, en het openbare deel van ons register van "
        "verwerkingsactiviteiten.</p>"
    ),
}

# The DPOs' functional mailboxes, as the demo register gives them (fictitious, .example):
# the seed names no address. Filled in only where the organisation has none.
DPO_MAILBOXES = {
    OCMW_GENT: "privacy@ocmw.example",
    THUISPUNT_GENT: "dpo@thuispunt.example",
}

# Host name, site name, organisation (enterprise number), and which tree.
SITES = [
    ("ocmw.localhost", "Protocolregister OCMW Gent", OCMW_GENT, "ocmw"),
    (
        "thuispunt.localhost",
        "Protocolregister Thuispunt Gent",
        THUISPUNT_GENT,
        "thuispunt",
    ),
]


def ensure_thuispunt_home():
    home = HomePage.objects.filter(depth=2, slug=THUISPUNT_HOME["slug"]).first()
    if home:
        return home
    home = HomePage(**THUISPUNT_HOME)
    Page.get_first_root_node().add_child(instance=home)
    home.save_revision().publish()
    return home


def _ensure_site(hostname, site_name, root_page, port):
    site = Site.objects.filter(hostname=hostname).first()
    if site is None:
        return Site.objects.create(
            hostname=hostname,
            port=port or 80,
            site_name=site_name,
            root_page=root_page,
        ), True
    if port and site.port != port:
        site.port = port
        site.save(update_fields=["port"])
    return site, False


def _ensure_organisation(site, enterprise_number):
    setting, _created = SiteOrganisation.objects.get_or_create(site=site)
    if setting.organisation_id is None:
        setting.organisation = Organisation.objects.get(
            enterprise_number=enterprise_number
        )
        setting.save()
    organisation = setting.organisation
    if organisation and setting.logo_id is None:
        setting.logo = demo_logo(organisation)
        setting.save(update_fields=["logo"])
    if organisation and not organisation.dpo_email:
        organisation.dpo_email = DPO_MAILBOXES.get(enterprise_number, "")
        organisation.save(update_fields=["dpo_email"])


@transaction.atomic
def ensure_sites(port=None):
    """Create the demo's sites and their trees if missing; returns the host names of
    the sites created. Needs the organisations of the seed protocol (load them
    first)."""
    default = Site.objects.get(is_default_site=True)
    if port and default.port != port:
        default.port = port
        default.save(update_fields=["port"])
    _ensure_organisation(default, OCMW_GENT)
    thuispunt_home = ensure_thuispunt_home()
    ensure_protocol_index(thuispunt_home)
    # Each controller its own register: Thuispunt's site shows Thuispunt's.
    ensure_register_page(
        thuispunt_home,
        controller=Organisation.objects.get(enterprise_number=THUISPUNT_GENT),
    )
    roots = {"ocmw": default.root_page, "thuispunt": thuispunt_home}
    created = []
    for hostname, site_name, enterprise_number, tree in SITES:
        site, was_created = _ensure_site(hostname, site_name, roots[tree], port)
        _ensure_organisation(site, enterprise_number)
        if was_created:
            created.append(site.hostname)
    return created
