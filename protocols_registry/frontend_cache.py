"""Purge the HTTP cache in front (Varnish: deploy/varnish/default.vcl) of exactly the
public addresses a change alters, through Wagtail's frontend_cache.

Does nothing unless the site configures WAGTAILFRONTENDCACHE (config/settings.py
does when VARNISH_URLS is set): without a cache in front there is nothing to purge.

The rule lives in one place, schedule(), called by protocols_registry.signals for the
same events that start a new app-level generation (public_cache.invalidate):

- a protocol (published, unpublished, one of its parties, decisions, advices,
  versions): its page, PDF and signed decisions on its own site, every list that
  shows it (list, feed, open-data exports, on each party's site: the mirror page
  too), and the public registers when an activity refers to it;
- a decision or an advice: the protocols that cite it, as above;
- an organisation: the protocols it is a party to, the registers, and every page of
  the sites it owns (its name and logo are in their header);
- a register entry (activity, processor, categories): the public registers (list,
  exports, every activity's page);
- anything else public (another page published, moved or deleted, a view
  restriction, a site, a deletion whose links are gone): every page of every site
  (``<site root>/*``, a ban in the VCL).

What to purge is noted while the transaction runs and sent once it commits, after
the app-level generation changed (the receivers run in that order), so the cache
refetches the new page rather than the old copy of the app's own cache. Each
address is purged in every language of the URL patterns (/… and /en/…); the VCL
purges an address with all its query strings (filtered lists, pages of results).
"""

import threading

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.db import transaction
from django.utils import translation
from wagtail.contrib.frontend_cache.utils import PurgeBatch

WHOLE_SITE = "*"  # the VCL bans every object of the host for "<root>/*"
EVERYTHING = ("everything",)
REGISTERS = ("registers",)

# Records that never show on a public page: their changes purge nothing.
PRIVATE_MODELS = {
    "protocols_registry.organisationmember",
    "protocols_registry.protocoltask",
    "protocols_registry.dpoadvicetask",
    "protocols_registry.boarddecisiontask",
}
PROTOCOL_CHILD_MODELS = {
    "protocols_registry.protocolparty",
    "protocols_registry.protocoldecision",
    "protocols_registry.protocolexchangestep",
    "protocols_registry.protocoldataitem",
    "protocols_registry.protocolsignatory",
    "protocols_registry.protocolversion",
}
REGISTER_MODELS = {
    "protocols_registry.processingactivity",
    "protocols_registry.processor",
    "protocols_registry.datasubjectcategory",
    "protocols_registry.personaldatacategory",
}

_local = threading.local()


def enabled():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def schedule(sender=None, instance=None, signal=None, **kwargs):
    """A signal receiver: note what ``instance``'s change makes stale, purge it once
    the transaction commits."""
    if not enabled():
        return
    targets = _targets(sender, instance, signal, kwargs)
    if not targets:
        return
    pending = getattr(_local, "pending", None)
    if pending is None:
        pending = _local.pending = set()
    pending.update(targets)
    # One callback per change; the first to run sends everything noted so far and
    # the others find nothing left. A rolled-back transaction's notes go out with
    # the next purge: one needless purge, never a missed one.
    # robust: the change is committed; a failure to work out the purge is logged
    # rather than turned into an error page for the editor who saved it.
    transaction.on_commit(flush, robust=True)


def flush():
    pending = getattr(_local, "pending", None)
    _local.pending = None
    if pending:
        batch = PurgeBatch(urls_for(pending))
        batch.purge()


def purge_everything():
    """Every page of every site: after a deploy (manage.py purge_public_cache)."""
    PurgeBatch(urls_for({EVERYTHING})).purge()


def _targets(sender, instance, signal, kwargs):
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page
    from wagtail.signals import post_page_move

    from protocols_registry.models import (
        ApprovalDecision,
        DPOAdvice,
        Organisation,
        ProtocolPage,
        SiteOrganisation,
    )

    if instance is None:
        return {EVERYTHING}
    if kwargs.get("action", "post_").startswith("pre_"):
        return set()  # m2m_changed: the post_ action follows
    deleted = signal is post_delete
    if isinstance(instance, Page):
        if signal is post_save:
            return set()  # a draft; publishing sends page_published
        if (
            isinstance(instance.specific_deferred, ProtocolPage)
            and not deleted
            and signal is not post_page_move
        ):
            return {("protocol", instance.pk)}
        return {EVERYTHING}
    label = instance._meta.label_lower
    if label in PRIVATE_MODELS:
        return set()
    if deleted and label not in PROTOCOL_CHILD_MODELS:
        return {EVERYTHING}  # its links are gone: who showed it is unknown
    if label in PROTOCOL_CHILD_MODELS:
        return {("protocol", instance.page_id)}
    if label in REGISTER_MODELS:
        return {REGISTERS} | {
            ("protocol", pk) for pk in _registers_protocols(instance, label)
        }
    if isinstance(instance, DPOAdvice):
        return {("protocol", instance.protocol_id)}
    if isinstance(instance, ApprovalDecision):
        return {
            ("protocol", pk)
            for pk in instance.protocol_links.values_list("page_id", flat=True)
        }
    if isinstance(instance, Organisation):
        return (
            {REGISTERS}
            | {
                ("protocol", pk)
                for pk in instance.protocol_parties.values_list("page_id", flat=True)
            }
            | {
                ("site", pk)
                for pk in SiteOrganisation.objects.filter(
                    organisation=instance
                ).values_list("site_id", flat=True)
            }
        )
    return {EVERYTHING}


def _registers_protocols(instance, label):
    if label == "protocols_registry.processingactivity":
        return instance.protocols.values_list("pk", flat=True)
    return []


def urls_for(targets):
    """The full URLs to purge for the noted targets."""
    from wagtail.models import Site

    if EVERYTHING in targets:
        return {site.root_url + "/" + WHOLE_SITE for site in Site.objects.all()}
    urls = {
        site.root_url + "/" + WHOLE_SITE
        for site in Site.objects.filter(pk__in=_pairs(targets, "site"))
    }
    for language in _languages():
        with translation.override(language):
            batch = PurgeBatch()
            for pk in _pairs(targets, "protocol"):
                _add_protocol(batch, pk)
            if REGISTERS in targets:
                _add_registers(batch)
            urls |= batch.urls
    return _on_every_host(urls, Site.objects.all())


def _on_every_host(urls, sites):
    """Wagtail names a page at one site; every other site with the same root page
    (another host name for the same tree) serves it at the same path."""
    roots = {}
    for site in sites:
        roots.setdefault(site.root_page_id, []).append(site.root_url)
    hosts = {
        root_url: roots[site.root_page_id]
        for site in sites
        for root_url in [site.root_url]
    }
    expanded = set()
    for url in urls:
        scheme, _, netloc, path = url.split("/", 3)
        for root_url in hosts.get(f"{scheme}//{netloc}", [f"{scheme}//{netloc}"]):
            expanded.add(f"{root_url}/{path}")
    return expanded


def _pairs(targets, kind):
    return [pk for target in targets if target[0] == kind for pk in target[1:]]


def _languages():
    if settings.USE_I18N and is_language_prefix_patterns_used(settings.ROOT_URLCONF)[0]:
        return [code for code, _name in settings.LANGUAGES]
    return [translation.get_language()]


def _add_protocol(batch, pk):
    from protocols_registry.models import ProtocolIndexPage, ProtocolPage
    from protocols_registry.shared_protocols import is_own, listed_protocols

    page = ProtocolPage.objects.filter(pk=pk).first()
    if page is None:
        return
    batch.add_page(page)
    for index in ProtocolIndexPage.objects.all():
        own = is_own(index, page)
        if not own and not listed_protocols(index).filter(pk=pk).exists():
            continue
        batch.add_page(index)
        root = index.get_full_url()
        if not own and root:
            # The mirror on a party's site, and its sub-routes' redirects.
            batch.add_urls(
                root + page.slug + "/" + path.lstrip("/")
                for path in page.get_cached_paths()
            )
    if page.processing_activities.exists():
        _add_registers(batch)


def _add_registers(batch):
    from protocols_registry.models import ProcessingRegisterPage

    batch.add_pages(ProcessingRegisterPage.objects.all())
