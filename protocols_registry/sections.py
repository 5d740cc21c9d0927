"""The sections of a protocol, in the order of the Flemish template, with their
headings. The web page and the PDF both read this list, so they never disagree
about what a protocol contains or in which order."""

from django.utils.translation import gettext_lazy as _

# (anchor, heading, rich-text fields shown in the section)
SECTIONS = [
    ("partijen", _("Parties"), []),
    ("besluiten", _("Approval and DPO advices"), []),
    ("overwegingen", _("Recitals"), ["recitals"]),
    ("gegevensstroom", _("C2. The planned data flow"), ["data_flow"]),
    ("uitwisselingsproces", _("Exchange procedure"), ["exchange_note"]),
    ("dienstenintegrator", _("C3. Service integrator"), ["recitals_continued"]),
    ("artikel-1", _("Article 1: Subject"), ["subject"]),
    (
        "artikel-2",
        _(
            "Article 2: Purposes and legal grounds of the collection and the "
            "communication"
        ),
        ["collection_purposes", "communication_purposes"],
    ),
    ("artikel-3", _("Article 3: The personal data communicated"), ["data_items_intro"]),
    ("artikel-4", _("Article 4: Recipients"), ["recipients"]),
    ("artikel-5", _("Article 5: Periodicity and duration"), ["periodicity_note"]),
    (
        "artikel-6",
        _("Article 6: Security measures"),
        ["security_general", "security_specific"],
    ),
    ("artikel-7", _("Article 7: Quality of the personal data"), ["quality"]),
    ("artikel-8", _("Article 8: Sanctions for non-compliance"), ["sanctions"]),
    ("artikel-9", _("Article 9: Notification duties"), ["notification_duties"]),
    ("artikel-10", _("Article 10: Transparency"), ["transparency"]),
    ("artikel-11", _("Article 11: Applicable law and disputes"), ["law_and_court"]),
    ("artikel-12", _("Article 12: Entry into force and notice"), ["entry_into_force"]),
    ("ondertekening", _("Signatures"), []),
]

# Keyed with underscores so templates can write headings.artikel_1.
HEADINGS = {anchor.replace("-", "_"): heading for anchor, heading, _fields in SECTIONS}
