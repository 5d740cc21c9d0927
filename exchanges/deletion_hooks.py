"""Other personal data kept for a transfer (for example the rows of a worklist)
register a deleter here, so that deleting a transfer's data deletes them too, in the
same transaction and under the same evidence."""

_DELETERS = []


def register_transfer_deleter(function):
    """``function(transfers) -> {transfer pk: (records_deleted, verification_note)}``
    for the transfers it deleted something of. It gets a whole batch (retention
    deletes thousands in one night), so that it can delete with a query or two
    instead of one per transfer."""
    _DELETERS.append(function)
    return function


def run_transfer_deleters(transfers):
    """{transfer pk: (records deleted, "; "-joined notes)} over every deleter."""
    results = {}
    for deleter in _DELETERS:
        for pk, (count, note) in deleter(transfers).items():
            records, notes = results.get(pk, (0, ""))
            results[pk] = (records + count, "; ".join(filter(None, (notes, note))))
    return results
