"""The demo's breach register: one fictitious example breach, recorded by Thuispunt
Gent under the seed protocol 2024_VB_00591, with the notification its article 9
requires sent to OCMW Gent (which finds it in its own register as a received
notification).

Nothing like this happened: the example is invented to show the register, and is
marked as such in the record (``is_example``), on every screen, in the mail and in
the export."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from breaches import services
from breaches.models import Breach
from exchanges.models import Transfer
from protocols_registry.models import (
    DataSubjectCategory,
    Organisation,
    PersonalDataCategory,
    ProcessingActivity,
    ProtocolPage,
)

THUISPUNT = "0400032156"

EXAMPLE = {
    "discovered_at": datetime.datetime(2024, 9, 23, 14, 30),
    "occurred_at": datetime.datetime(2024, 9, 23, 11, 0),
    "contained_at": datetime.datetime(2024, 9, 23, 16, 0),
    "nature": (
        "FICTIEF VOORBEELD. Het wachtwoord van de versleutelde lijst met "
        "kandidaat-huurders werd per sms naar een verkeerd gsm-nummer gestuurd "
        "in plaats van naar de contactpersoon van OCMW Gent. De versleutelde lijst "
        "zelf werd enkel naar het juiste adres gemaild. Inbreuk op de "
        "vertrouwelijkheid (mogelijk)."
    ),
    "data_subject_count": 23,
    "record_count": 23,
    "consequences": (
        "FICTIEF VOORBEELD. Zonder de versleutelde lijst kan de ontvanger van de "
        "sms niets openen; het risico voor de betrokkenen is verwaarloosbaar."
    ),
    "measures": (
        "FICTIEF VOORBEELD. Nieuw wachtwoord aangemaakt en de lijst opnieuw "
        "versleuteld verstuurd; het oude wachtwoord is waardeloos. Voortaan "
        "gebeurt de uitwisseling via het platform met een eenmalige uploadlink."
    ),
    "contact_point": "Functionaris voor gegevensbescherming Thuispunt Gent",
    "risk": "none",
    "authority_not_notified_reason": (
        "FICTIEF VOORBEELD. Geen risico: de ontvanger van het wachtwoord had de "
        "versleutelde lijst niet, en het wachtwoord werd meteen vervangen."
    ),
    "subjects_not_informed_reason": (
        "FICTIEF VOORBEELD. Geen hoog risico (art. 34, lid 1 AVG)."
    ),
}


def load_example_breach():
    """Record the example once (idempotent) and notify the seed protocol's other
    party. Returns the breach when it was made, None otherwise."""
    protocol = ProtocolPage.objects.filter(reference="2024_VB_00591").first()
    thuispunt = Organisation.objects.filter(enterprise_number=THUISPUNT).first()
    if protocol is None or thuispunt is None:
        return None
    if Breach.objects.filter(organisation=thuispunt, is_example=True).exists():
        return None
    user = get_user_model().objects.filter(username="dpo-thuispunt").first()
    fields = {
        key: timezone.make_aware(value)
        if isinstance(value, datetime.datetime)
        else value
        for key, value in EXAMPLE.items()
    }
    breach = Breach(organisation=thuispunt, is_example=True, **fields)
    breach.full_clean()

    def links():
        breach.protocols.set([protocol])
        breach.transfers.set(Transfer.objects.filter(protocol=protocol))
        breach.activities.set(
            ProcessingActivity.objects.filter(controller=thuispunt, protocols=protocol)
        )
        breach.data_subject_categories.set(
            DataSubjectCategory.objects.filter(name="Kandidaat-huurders")
        )
        breach.personal_data_categories.set(
            PersonalDataCategory.objects.filter(name="Identificatiegegevens")
        )

    services.save_breach(breach, user=user, save_m2m=links, reason="Demo")
    services.notify_parties(breach, user=user)
    return breach
