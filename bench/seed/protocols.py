"""Organisations and published protocols, in bulk.

The seed protocol 2024_VB_00591 and one current protocol go through the project's
own code (the demo loader and tests.factories.build_protocol: revisions, publication
rule, signals). The thousands of others are inserted in bulk, because a Wagtail page
save costs dozens of queries:

* wagtailcore_page rows with Page.objects.bulk_create(), with the materialised path,
  depth, url_path, live flag and publication dates treebeard and Wagtail expect;
* the ProtocolPage rows (multi-table inheritance, which bulk_create refuses) through
  Django's own insert compiler, the way save_base(raw=True) inserts one row;
* parties, decision links, data items, steps, signatories and DPO advices with
  bulk_create; then the index page's numchild, and the search index through the
  search backend's own add_bulk().

Every bulk protocol obeys the publication rule (an approving decision of a party and
a favourable advice of every party's DPO), so it looks exactly like one published
through the admin, minus the revision history.
"""

import datetime
import random

from django.db.models import F, Prefetch
from django.test import Client
from django.utils import timezone
from wagtail.models import Page
from wagtail.search.backends import get_search_backends

from bench.progress import Bar
from bench.seed import vocabulary as words
from home.demo import seed_protocol
from home.demo.protocols import load_protocols
from home.demo.register import ensure_register_page
from protocols_registry import full_text
from protocols_registry.models import (
    ApprovalDecision,
    DPOAdvice,
    Organisation,
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolExchangeStep,
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolParty,
    ProtocolSignatory,
)
from protocols_registry.validators import slug_for_reference
from tests.factories import OrganisationFactory, build_protocol

BATCH = 500
FIRST_DAY = datetime.date(2012, 1, 1)
HOME_ORGANISATION = "0212214125"  # OCMW Gent, the installation's own body
SEED_REFERENCE = "2024_VB_00591"
CURRENT_REFERENCE = "2026_VB_00042"


def _p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def _ul(*items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def _random_day(rng, start, end):
    return start + datetime.timedelta(days=rng.randint(0, max(0, (end - start).days)))


def _moment(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


class ProtocolSeeder:
    def __init__(self, rng=None, wagtail_index=True):
        # wagtail_index=False leaves out Wagtail's own search index (the admin's
        # search), four fifths of the seeding time: the list-only figures at
        # 100 000 protocols (bench/lists.py) never read it on PostgreSQL.
        self.wagtail_index = wagtail_index
        self.rng = rng or random.Random(20261129)
        self.today = timezone.localdate()
        self.index = None
        self.organisations = []
        self.home = None
        # Decision numbers, counted per body and year as bodies number them, so
        # that five digits last beyond 90 000 protocols; from 10 000, far above
        # the seed's 00591 and the current protocol's 00042.
        self.numbers = {}
        self.seed_page = None
        self.current_page = None

    # --- the part that goes through the project's own code ----------------------
    def base(self):
        """Seed protocol, ~200 organisations, one current protocol, the register page."""
        load_protocols(seed_protocol)
        self.seed_page = ProtocolPage.objects.get(reference=SEED_REFERENCE)
        self.index = ProtocolIndexPage.objects.get()
        ensure_register_page()
        self.home = Organisation.objects.get(enterprise_number=HOME_ORGANISATION)
        thuispunt = Organisation.objects.get(enterprise_number="0400032156")
        bodies = [
            (kind, name.format(m=town), short.format(m=town), town, postal)
            for town, postal in words.MUNICIPALITIES
            for kind, name, short in words.LOCAL_BODIES
        ] + [
            (kind, name, short, "Brussel", "1000")
            for kind, name, short in words.AGENCIES
        ]
        with Bar("organisations", len(bodies)) as bar:
            for kind, name, short, town, postal in bodies:
                slug = short.lower().replace(" ", "-")
                OrganisationFactory(
                    name=name,
                    short_name=short,
                    kind=kind,
                    city=town,
                    postal_code=postal,
                    street_address="Marktplein 1",
                    website=f"https://www.{slug}.example",
                    dpo_name=f"Functionaris gegevensbescherming {short}",
                    dpo_email=f"privacy@{slug}.example",
                    protocol_publication_url=f"https://www.{slug}.example/protocollen",
                )
                bar.advance()
        self.organisations = list(Organisation.objects.order_by("pk"))
        # A protocol in force today, published the regular way: the transfers the
        # benchmark records through exchanges.services use it.
        self.current_page = build_protocol(
            title=(
                "Protocol voor de jaarlijkse actualisatie van kandidatendossiers in het "
                "Centraal Inschrijvingsregister"
            ),
            reference=CURRENT_REFERENCE,
            parties=[thuispunt, self.home],
            decision_date=datetime.date(2026, 1, 15),
            index=self.index,
            summary=(
                "Thuispunt Gent deelt jaarlijks aan OCMW Gent mee welke kandidaat-"
                "huurders met een referentieadres hun dossier nog moeten bevestigen."
            ),
            periodicity="periodic",
            frequency="jaarlijks",
            duration="indefinite",
        )

    # --- the bulk part ---------------------------------------------------------------
    def count(self):
        return ProtocolPage.objects.count()

    def grow(self, target):
        """Add bulk protocols until there are ``target`` in all. Returns the number
        added."""
        missing = target - self.count()
        if missing <= 0:
            return 0
        self.index.refresh_from_db()
        next_step = self.index.numchild + 1
        added_ids = []
        with Bar(f"protocols to {target:,}", missing) as bar:
            for start in range(0, missing, BATCH):
                size = min(BATCH, missing - start)
                specs = [self._spec() for _ in range(size)]
                added_ids += self._insert(specs, next_step)
                next_step += size
                bar.advance(size)
        Page.objects.filter(pk=self.index.pk).update(numchild=F("numchild") + missing)
        self._check_reachable(added_ids)
        return missing

    def _spec(self):
        rng, today = self.rng, self.today
        theme, why, item_numbers = rng.choice(words.THEMES)
        party_count = 3 if rng.random() < 0.25 else 2
        parties = [self.home] if rng.random() < 0.6 else []
        while len(parties) < party_count:
            candidate = rng.choice(self.organisations)
            if candidate not in parties:
                parties.append(candidate)
        if rng.random() < 0.5:
            parties[0], parties[1] = parties[1], parties[0]
        roles = ["sender", "recipient"] + (
            [rng.choice(["recipient", "both"])] if party_count == 3 else []
        )
        approval = _random_day(rng, FIRST_DAY, today - datetime.timedelta(days=10))
        body, body_code = rng.choice(words.GOVERNING_BODIES)
        number = self.numbers.get((approval.year, body_code), 10_000) + 1
        self.numbers[approval.year, body_code] = number
        reference = f"{approval.year}_{body_code}_{number:05d}"
        periodicity = rng.choices(["one_off", "periodic", "continuous"], [3, 5, 2])[0]
        fixed = periodicity == "one_off" or rng.random() < 0.4
        end_date = (
            approval + datetime.timedelta(days=rng.randint(30, 5 * 365))
            if fixed
            else None
        )
        entry = None
        if rng.random() < 0.02:  # approved, but enters into force later
            entry = today + datetime.timedelta(days=rng.randint(10, 90))
            end_date = None
        signed = (
            min(approval + datetime.timedelta(days=rng.randint(1, 20)), today)
            if rng.random() < 0.8
            else None
        )
        in_force_from = entry or signed or approval
        terminated = None
        if rng.random() < 0.03 and in_force_from < today and not end_date:
            terminated = _random_day(rng, in_force_from, today)
        live = rng.random() >= 0.03
        published = min(
            _moment(approval + datetime.timedelta(days=rng.randint(1, 10))),
            timezone.now(),
        )
        extra = [n for n in range(len(words.DATA_ITEMS)) if n not in item_numbers]
        items = list(item_numbers)[:4]
        while len(items) < 2 or (len(items) < 4 and rng.random() < 0.3):
            items.append(extra.pop(rng.randrange(len(extra))))
        sender, recipient = parties[0], parties[1]
        return {
            "reference": reference,
            "theme": theme,
            "why": why,
            "parties": list(zip(parties, roles, strict=True)),
            "sender": sender,
            "recipient": recipient,
            "approval": approval if live else None,
            "meeting": approval,
            "body": body,
            "periodicity": periodicity,
            "frequency": rng.choice(["maandelijks", "per kwartaal", "jaarlijks"])
            if periodicity == "periodic"
            else "",
            "duration": "fixed" if end_date else "indefinite",
            "end_date": end_date,
            "entry": entry,
            "signed": signed,
            "terminated": terminated,
            "live": live,
            "published": published if live else None,
            "items": items,
            "decision_org": self.home if self.home in parties else sender,
        }

    def _insert(self, specs, first_step):
        index = self.index
        decisions = ApprovalDecision.objects.bulk_create(
            [self._decision(spec) for spec in specs if spec["live"]]
        )
        decision_of = iter(decisions)
        pages = Page.objects.bulk_create(
            [
                self._page_row(spec, index, first_step + offset)
                for offset, spec in enumerate(specs)
            ]
        )
        protocol_rows = []
        children = {
            name: [] for name in ("party", "link", "item", "step", "sign", "advice")
        }
        for spec, page in zip(specs, pages, strict=True):
            protocol_rows.append(self._protocol_row(spec, page))
            self._children(
                spec, page, next(decision_of) if spec["live"] else None, children
            )
        # Multi-table inheritance: the child rows go in through the same insert
        # compiler a raw save uses, all columns at once.
        ProtocolPage._base_manager._insert(
            protocol_rows,
            fields=ProtocolPage._meta.local_concrete_fields,
            raw=True,
        )
        ProtocolParty.objects.bulk_create(children["party"])
        ProtocolDecision.objects.bulk_create(children["link"])
        ProtocolDataItem.objects.bulk_create(children["item"])
        ProtocolExchangeStep.objects.bulk_create(children["step"])
        ProtocolSignatory.objects.bulk_create(children["sign"])
        DPOAdvice.objects.bulk_create(children["advice"])
        ids = [page.pk for page in pages]
        # What ProtocolPage.save() keeps: the list's search vector (PostgreSQL).
        full_text.refresh(ids)
        if self.wagtail_index:
            self._index_for_search(ids)
        return ids

    def _decision(self, spec):
        return ApprovalDecision(
            reference=spec["reference"],
            title=(
                f"Protocol voor de mededeling van persoonsgegevens in het kader van "
                f"{spec['theme']} - Goedkeuring"
            )[:500],
            organisation=spec["decision_org"],
            governing_body=spec["body"],
            meeting_date=spec["meeting"],
            session=self.rng.choice(["public", "closed"]),
            outcome="approved",
            members_present="\n".join(
                f"{self.rng.choice(words.FIRST_NAMES)} {self.rng.choice(words.LAST_NAMES)}, lid"
                for _ in range(5)
            ),
            competent_member=f"{self.rng.choice(words.FIRST_NAMES)} Voorbeeld",
            legal_framework=seed_protocol.LEGAL_FRAMEWORK,
            motivation=(
                f"Om {spec['theme']} mogelijk te maken, moeten "
                f"{spec['sender'].display_name} en {spec['recipient'].display_name} "
                "persoonsgegevens uitwisselen. Artikel 8 van het decreet van 18 juli "
                "2008 vereist daarvoor een protocol."
            ),
            decision_text="Artikel 1: Keurt het bijgevoegde protocol goed.",
        )

    def _page_row(self, spec, index, step):
        slug = slug_for_reference(spec["reference"])
        title = (
            f"Protocol voor de mededeling van persoonsgegevens in het kader van "
            f"{spec['theme']} tussen {spec['sender'].display_name} en "
            f"{spec['recipient'].display_name}"
        )[:255]
        published = spec["published"]
        return Page(
            path=ProtocolIndexPage._get_path(index.path, index.depth + 1, step),
            depth=index.depth + 1,
            numchild=0,
            locale_id=index.locale_id,
            title=title,
            draft_title=title,
            slug=slug,
            url_path=f"{index.url_path}{slug}/",
            content_type_id=self._content_type_id(),
            live=spec["live"],
            has_unpublished_changes=not spec["live"],
            first_published_at=published,
            last_published_at=published,
            latest_revision_created_at=published or timezone.now(),
            show_in_menus=False,
            seo_title="",
            search_description="",
        )

    def _content_type_id(self):
        if not hasattr(self, "_ct"):
            from django.contrib.contenttypes.models import ContentType

            self._ct = ContentType.objects.get_for_model(ProtocolPage).pk
        return self._ct

    def _protocol_row(self, spec, page):
        sender, recipient = spec["sender"].display_name, spec["recipient"].display_name
        theme, why = spec["theme"], spec["why"]
        names = " en ".join(org.display_name for org, _role in spec["parties"])
        return ProtocolPage(
            id=page.pk,
            page_ptr_id=page.pk,
            reference=spec["reference"],
            summary=(
                f"{sender} deelt persoonsgegevens mee aan {recipient} in het kader van "
                f"{theme}, zodat {why}."
            ),
            recitals=_p(
                f"{names} zijn overheden die elk binnen hun bevoegdheid bijdragen aan "
                f"{theme}.",
                f"Om {theme} mogelijk te maken, heeft {recipient} gegevens nodig die "
                f"{sender} al verwerkt. Zo hoeft de burger ze niet opnieuw te bezorgen "
                "(only once).",
                seed_protocol.RECITALS,
            ),
            # Searched fields get text of their own theme only, so that a search
            # hits a realistic share of the protocols, not all of them.
            data_flow=_ul(
                f"{sender} selecteert de betrokkenen voor {theme}.",
                *words.EXCHANGE_STEPS,
                f"{recipient} gebruikt de gegevens alleen zodat {why}.",
            ),
            service_integrator="",
            subject=_p(
                f"Dit protocol regelt de mededeling van persoonsgegevens door {sender} "
                f"aan {recipient} in het kader van {theme}."
            ),
            collection_purposes=_p(
                f"{sender} verzamelt de gegevens om zijn eigen opdrachten uit te "
                "voeren, op grond van artikel 6, lid 1, e) AVG en de regelgeving die "
                "die opdrachten toekent.",
                f"De gegevens worden verzameld bij de betrokkene zelf, bij de "
                f"Kruispuntbank van de Sociale Zekerheid en in het eigen dossier van "
                f"{sender}.",
            ),
            communication_purposes=_p(
                f"{recipient} gebruikt de gegevens uitsluitend voor {theme}, zodat "
                f"{why}.",
                "De mededeling steunt op artikel 6, lid 1, e) AVG en op het decreet "
                "van 18 juli 2008 betreffende het elektronische bestuurlijke "
                "gegevensverkeer.",
            ),
            data_items_intro=seed_protocol.DATA_ITEMS_INTRO,
            retention_note=seed_protocol.RETENTION_NOTE,
            recipients=seed_protocol.RECIPIENTS,
            periodicity=spec["periodicity"],
            frequency=spec["frequency"],
            duration=spec["duration"],
            end_date=spec["end_date"],
            periodicity_note=seed_protocol.PERIODICITY_NOTE,
            security_general=seed_protocol.SECURITY_GENERAL,
            security_specific=seed_protocol.SECURITY_SPECIFIC,
            quality=seed_protocol.QUALITY,
            sanctions=seed_protocol.SANCTIONS,
            notification_duties=seed_protocol.NOTIFICATION_DUTIES,
            transparency=_p(
                "Elke partij publiceert dit protocol op haar website: "
                + ", ".join(
                    org.protocol_publication_url or org.name
                    for org, _r in spec["parties"]
                )
                + "."
            ),
            law_and_court=seed_protocol.LAW_AND_COURT,
            entry_into_force=seed_protocol.ENTRY_INTO_FORCE,
            entry_into_force_date=spec["entry"],
            notice_period_months=self.rng.choice([3, 6, None]),
            signed_place="Gent" if spec["signed"] else "",
            signed_date=spec["signed"],
            terminated_on=spec["terminated"],
            termination_reason="Opgezegd door een partij (art. 12)."
            if spec["terminated"]
            else "",
            internal_notes="",
            approval_date=spec["approval"],
        )

    def _children(self, spec, page, decision, out):
        rng = self.rng
        for order, (org, role) in enumerate(spec["parties"]):
            out["party"].append(
                ProtocolParty(
                    page_id=page.pk,
                    sort_order=order,
                    organisation=org,
                    role=role,
                    representative=f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                    representative_title=rng.choice(words.TITLES),
                    mandate="In uitvoering van het besluit van het bevoegde orgaan.",
                )
            )
            out["sign"].append(
                ProtocolSignatory(
                    page_id=page.pk,
                    sort_order=order,
                    organisation=org,
                    name=f"{rng.choice(words.FIRST_NAMES)} {rng.choice(words.LAST_NAMES)}",
                    title=rng.choice(words.TITLES),
                )
            )
            if decision is not None:
                verdict = "conditional" if rng.random() < 0.2 else "favourable"
                out["advice"].append(
                    DPOAdvice(
                        protocol_id=page.pk,
                        organisation=org,
                        dpo_name=org.dpo_name,
                        advice_date=spec["meeting"]
                        - datetime.timedelta(days=rng.randint(5, 40)),
                        verdict=verdict,
                        conditions="Jaarlijkse evaluatie van de noodzaak."
                        if verdict == "conditional"
                        else "",
                    )
                )
        if decision is not None:
            out["link"].append(
                ProtocolDecision(page_id=page.pk, decision=decision, sort_order=0)
            )
        for order, number in enumerate(spec["items"]):
            data, proportionality, retention, basis = words.DATA_ITEMS[number]
            until = spec["end_date"]
            if until is None and rng.random() < 0.3:
                until = spec["meeting"] + datetime.timedelta(days=3 * 365)
            out["item"].append(
                ProtocolDataItem(
                    page_id=page.pk,
                    sort_order=order,
                    data=data,
                    proportionality=proportionality,
                    retention=retention,
                    retention_until=until,
                    special_category=bool(basis),
                    special_category_basis=basis,
                )
            )
        for order, step in enumerate(words.EXCHANGE_STEPS[: rng.randint(3, 5)]):
            out["step"].append(
                ProtocolExchangeStep(
                    page_id=page.pk, sort_order=order, description=step
                )
            )

    def _index_for_search(self, ids):
        """What a page save would index, with the related rows prefetched (the
        indexed methods read parties and data items)."""
        pages = list(
            ProtocolPage.objects.filter(pk__in=ids).prefetch_related(
                Prefetch(
                    "parties",
                    queryset=ProtocolParty.objects.select_related("organisation"),
                ),
                "data_items",
            )
        )
        for backend in get_search_backends(with_auto_update=True):
            backend.add_bulk(ProtocolPage, pages)

    def _check_reachable(self, ids):
        """A few of the new pages must answer at their address, like any other."""
        client = Client()
        sample = self.rng.sample(ids, min(3, len(ids)))
        for page in ProtocolPage.objects.live().filter(pk__in=sample):
            response = client.get(page.url)
            if response.status_code != 200:
                raise RuntimeError(
                    f"Seeded protocol {page.reference} answers {response.status_code} "
                    f"at {page.url}."
                )
