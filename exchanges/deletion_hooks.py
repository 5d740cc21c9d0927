"""Other personal data kept for a transfer (for example the rows of a worklist)
register a deleter here, so that deleting a transfer's data deletes them too, in the
same transaction and under the same evidence."""

_DELETERS = []


def register_transfer_deleter(function):
    """``function(transfer) -> (records_deleted, verification_note)``."""
    _DELETERS.append(function)
    return function


def run_transfer_deleters(transfer):
    records, notes = 0, []
    for deleter in _DELETERS:
        count, note = deleter(transfer)
        records += count
        if note:
            notes.append(note)
    return records, "; ".join(notes)
