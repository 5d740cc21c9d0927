"""The register of processing activities (GDPR art. 30) and its processors, in bulk.

Activities and processors are created with django-simple-history's own
bulk_create_with_history(), so each gets its one "created" history record as a save
through the admin would (register_version() on the exports counts them). The
many-to-many links go in through their through tables.
"""

import datetime
import random

from django.contrib.auth import get_user_model
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from bench.progress import Bar
from bench.seed import vocabulary as words
from protocols_registry.models import (
    DataSubjectCategory,
    Organisation,
    PersonalDataCategory,
    ProcessingActivity,
    Processor,
    ProtocolPage,
)

PROCESSORS = 40
BATCH = 500


def _enterprise_number(seed):
    first8 = f"0{700_000_0 + seed:07d}"
    return first8 + f"{97 - int(first8) % 97:02d}"


def seed_register(count, rng=None):
    """``count`` activities with categories, joint controllers, protocols and
    processors. Returns the number created."""
    rng = rng or random.Random(30)
    today = timezone.localdate()
    dpo = get_user_model().objects.filter(username="bench-dpo").first()
    subjects = [
        DataSubjectCategory.objects.get_or_create(name=name)[0]
        for name in words.SUBJECT_CATEGORIES
    ]
    data = [
        PersonalDataCategory.objects.get_or_create(
            name=name, defaults={"special": special}
        )[0]
        for name, special in words.DATA_CATEGORIES
    ]
    processors = bulk_create_with_history(
        [
            Processor(
                name=f"Verwerker {number} nv (fictief)",
                enterprise_number=_enterprise_number(number),
                country=rng.choice(["BE", "BE", "BE", "NL", "IE"]),
                contact=f"contact@verwerker{number}.example",
                dpo_contact=f"dpo@verwerker{number}.example",
                processing_description="Hosting en onderhoud van een toepassing met "
                "persoonsgegevens (fictief voorbeeld).",
                agreement_signed_on=today
                - datetime.timedelta(days=rng.randint(30, 2000)),
                agreement_ends_on=(
                    today + datetime.timedelta(days=rng.randint(-200, 1500))
                    if rng.random() < 0.7
                    else None
                ),
                sub_processors="Geen.",
                last_assessment=today - datetime.timedelta(days=rng.randint(0, 700)),
            )
            for number in range(1, PROCESSORS + 1)
        ],
        Processor,
        default_user=dpo,
        default_change_reason="Benchmark",
    )
    organisations = list(Organisation.objects.values_list("pk", flat=True))
    protocols = list(ProtocolPage.objects.live().values_list("pk", flat=True))
    controller_id = Organisation.objects.get(enterprise_number="0212214125").pk

    created = []
    with Bar("processing activities", count) as bar:
        for start in range(0, count, BATCH):
            batch = [
                _activity(start + offset + 1, rng, today, controller_id)
                for offset in range(min(BATCH, count - start))
            ]
            created += bulk_create_with_history(
                batch,
                ProcessingActivity,
                default_user=dpo,
                default_change_reason="Benchmark",
            )
            bar.advance(len(batch))

    links = {
        name: [] for name in ("subjects", "data", "joint", "protocols", "processors")
    }
    for activity in created:
        for category in rng.sample(subjects, rng.randint(1, 3)):
            links["subjects"].append((activity.pk, category.pk))
        for category in rng.sample(data, rng.randint(1, 4)):
            links["data"].append((activity.pk, category.pk))
        for organisation in rng.sample(organisations, rng.choice([0, 0, 1, 2])):
            if organisation != controller_id:
                links["joint"].append((activity.pk, organisation))
        for protocol in rng.sample(protocols, min(len(protocols), rng.randint(0, 3))):
            links["protocols"].append((activity.pk, protocol))
        for processor in rng.sample(processors, rng.randint(0, 2)):
            links["processors"].append((activity.pk, processor.pk))
    _link("data_subject_categories", "datasubjectcategory_id", links["subjects"])
    _link("personal_data_categories", "personaldatacategory_id", links["data"])
    _link("joint_controllers", "organisation_id", links["joint"])
    _link("protocols", "protocolpage_id", links["protocols"])
    _link("processors", "processor_id", links["processors"])
    return len(created)


def _link(field_name, column, pairs):
    through = ProcessingActivity._meta.get_field(field_name).remote_field.through
    through.objects.bulk_create(
        [
            through(processingactivity_id=left, **{column: right})
            for left, right in pairs
        ],
        batch_size=2000,
    )


def _activity(number, rng, today, controller_id):
    theme = rng.choice(words.THEMES)[0]
    status = rng.choices(["active", "draft", "retired"], [8, 1, 1])[0]
    complete = rng.random() < 0.85  # a register is never entirely finished
    special = rng.random() < 0.15
    last_review = today - datetime.timedelta(days=rng.randint(0, 800))
    return ProcessingActivity(
        reference=f"VA-{2015 + number % 11}-{number:04d}",
        name=rng.choice(words.ACTIVITY_NAMES).format(t=theme)[:250],
        owner_department=rng.choice(words.DEPARTMENTS),
        status=status,
        retired_on=today - datetime.timedelta(days=rng.randint(1, 400))
        if status == "retired"
        else None,
        controller_id=controller_id,
        dpo_contact="privacy@ocmw.example" if complete else "",
        purposes=f"Persoonsgegevens verwerken voor {theme}, binnen de opdracht van "
        "het OCMW.",
        lawful_basis=rng.choice(["c", "e", "e", "e", "b", "a"]),
        legal_reference="Organieke wet van 8 juli 1976 betreffende de OCMW's, art. 57.",
        special_categories=special,
        special_category_condition=rng.choice(["9_2_b", "9_2_h", "10"])
        if special
        else "",
        recipients="De bevoegde medewerkers; partijen van de gekoppelde protocollen.",
        third_country_transfers=rng.choice(["none", "none", "none", "yes"])
        if complete
        else "",
        transfer_countries="Verenigde Staten",
        transfer_safeguard="scc",
        retention_rules=[
            (
                "rule",
                {
                    "data_category": rng.choice(words.DATA_CATEGORIES)[0],
                    "period": f"{rng.randint(1, 10)} jaar na het afsluiten van het dossier",
                    "ground": "Archiefbeheer en verjaringstermijnen.",
                },
            )
            for _ in range(rng.randint(1, 3))
        ],
        retention_note="",
        security_measures="Toegangsbeheer, logging, versleuteling, bewustmaking."
        if complete or rng.random() < 0.5
        else "",
        data_source="De betrokkene zelf en authentieke bronnen.",
        dpia_needed=rng.choice(["no", "no", "yes", ""]),
        dpia_done_on=today - datetime.timedelta(days=rng.randint(1, 900)),
        last_review=last_review,
        next_review=last_review + datetime.timedelta(days=365),
        show_in_public_register=rng.random() < 0.7,
        internal_notes="",
    )
