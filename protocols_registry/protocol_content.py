"""What a protocol says besides its page's own fields: its parties, approving
decisions, DPO advices, exchange steps, data items and signatories, in the order the
web page and the PDF show them.

Each relation is one plain ORM query whatever the number of rows (select_related
brings the organisations and decisions along), and every row points back to the page.
A published protocol's content is read from the database, whatever the page object
holds in memory; a draft's through the page's own relations: in a preview,
modelcluster holds the edited children in memory, not in the database (advices are
not part of a page revision and come from the database either way).
"""

from dataclasses import dataclass

from protocols_registry.models import ProtocolPage

# Each relation of a protocol as the public page shows it.
RELATIONS = {
    "parties": lambda page: page.parties.select_related("organisation"),
    "decision_links": lambda page: page.linked_decisions(),
    "advices": lambda page: page.advices.select_related("organisation").order_by(
        "advice_date", "organisation__name"
    ),
    "exchange_steps": lambda page: page.exchange_steps.all(),
    "data_items": lambda page: page.data_items.all(),
    "signatories": lambda page: page.signatories.select_related("organisation"),
}


@dataclass(frozen=True)
class ProtocolContent:
    parties: list
    decisions: list  # the approving ones
    advices: list
    exchange_steps: list
    data_items: list
    signatories: list


def protocol_content(page, *, draft=False):
    """The content of ``page`` as stored; with ``draft``, as the page object holds it
    (a preview of unsaved changes)."""
    if draft or page.pk is None:
        rows = {name: list(query(page)) for name, query in RELATIONS.items()}
    else:
        # Through a page that holds nothing in memory, so each manager reads the
        # database; the rows then point to the page itself, as its managers' would.
        stored = ProtocolPage(pk=page.pk)
        rows = {name: list(query(stored)) for name, query in RELATIONS.items()}
        for name, children in rows.items():
            owner = ProtocolPage._meta.get_field(name).field.name
            for child in children:
                setattr(child, owner, page)
    return ProtocolContent(
        parties=rows["parties"],
        decisions=page.approving_decisions(rows["decision_links"]),
        advices=rows["advices"],
        exchange_steps=rows["exchange_steps"],
        data_items=rows["data_items"],
        signatories=rows["signatories"],
    )
