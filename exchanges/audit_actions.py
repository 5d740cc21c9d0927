"""The actions of the audit log and their labels, in one place.

An event stores its action as a stable English code (``transfer.recorded``): the
code is part of the hash chain and of every exported proof, so it never changes.
People read the label instead, in the language of the page. Every code the
application records is listed here; tests/exchanges/test_labels.py fails when a
``record()`` call uses a code without a label.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

ACCESS_REFUSED = "access.refused"
ACCESS_REFUSED_RETENTION = "access.refused_retention"
# The breach register (breaches app): ids only, never its text.
BREACH_RECORDED = "breach.recorded"
BREACH_CHANGED = "breach.changed"
BREACH_REGISTER_EXPORTED = "breach.register_exported"
KEYS_MASTER_KEY_ADDED = "keys.master_key_added"
KEYS_MASTER_KEY_ACTIVATED = "keys.master_key_activated"
KEYS_MASTER_KEY_RETIRED = "keys.master_key_retired"
KEYS_REWRAPPED = "keys.rewrapped"
MFA_ADDED = "mfa.added"
MFA_REMOVED = "mfa.removed"
PAYLOAD_UPLOADED = "payload.uploaded"
PAYLOAD_VIEWED = "payload.viewed"
PAYLOAD_DOWNLOADED = "payload.downloaded"
PAYLOAD_REFUSED = "payload.refused"
PAYLOAD_INTEGRITY_FAILED = "payload.integrity_failed"
PAYLOAD_FILE_REMOVED = "payload.file_removed"
PROTOCOL_RETENTION_CHANGED = "protocol.retention_changed"
ROLE_CREATED = "role.created"
ROLE_CHANGED = "role.changed"
ROLE_DELETED = "role.deleted"
ROLE_PERMISSIONS_ADDED = "role.permissions_added"
ROLE_PERMISSIONS_CHANGED = "role.permissions_changed"
ROLE_PERMISSIONS_REMOVED = "role.permissions_removed"
ROLE_REQUESTED = "role.requested"
ROLE_APPROVED = "role.approved"
ROLE_REFUSED = "role.refused"
ROLE_GRANTED = "role.granted"
ROLE_ENDED = "role.ended"
TRANSFER_RECORDED = "transfer.recorded"
TRANSFER_RETENTION_CHANGED = "transfer.retention_changed"
TRANSFER_DATA_DELETED = "transfer.data_deleted"
UPLOAD_LINK_CREATED = "upload_link.created"
UPLOAD_LINK_REFUSED = "upload_link.refused"
USER_CREATED = "user.created"
USER_CHANGED = "user.changed"
USER_DELETED = "user.deleted"
USER_ROLE_ADDED = "user.role_added"
USER_ROLE_REMOVED = "user.role_removed"
WORKLIST_IMPORTED = "worklist.imported"
WORKLIST_PREVIEWED = "worklist.previewed"
WORKLIST_VIEWED = "worklist.viewed"
WORKLIST_EXPORTED = "worklist.exported"
WORKLIST_HANDLED = "worklist.handled"
WORKLIST_REFUSED = "worklist.refused"
WORKLIST_PERSON_CONTACTED = "worklist.person_contacted"
WORKLIST_PERSON_NOT_A_CLIENT = "worklist.person_not_a_client"

LABELS = {
    ACCESS_REFUSED: _("access refused"),
    ACCESS_REFUSED_RETENTION: _("access refused: retention date passed"),
    BREACH_RECORDED: _("data breach recorded"),
    BREACH_CHANGED: _("data breach changed"),
    BREACH_REGISTER_EXPORTED: _("breach register exported"),
    KEYS_MASTER_KEY_ADDED: _("master key added"),
    KEYS_MASTER_KEY_ACTIVATED: _("master key activated"),
    KEYS_MASTER_KEY_RETIRED: _("master key retired"),
    KEYS_REWRAPPED: _("data keys rewrapped with the new master key"),
    MFA_ADDED: _("second factor added"),
    MFA_REMOVED: _("second factor removed"),
    PAYLOAD_UPLOADED: _("file uploaded and encrypted"),
    PAYLOAD_VIEWED: _("file viewed"),
    PAYLOAD_DOWNLOADED: _("file downloaded"),
    PAYLOAD_REFUSED: _("file refused"),
    PAYLOAD_INTEGRITY_FAILED: _("file failed its integrity check"),
    PAYLOAD_FILE_REMOVED: _("encrypted file removed from storage"),
    PROTOCOL_RETENTION_CHANGED: _("retention date of the protocol changed"),
    ROLE_CREATED: _("role created"),
    ROLE_CHANGED: _("role changed"),
    ROLE_DELETED: _("role deleted"),
    ROLE_PERMISSIONS_ADDED: _("permissions added to a role"),
    ROLE_PERMISSIONS_CHANGED: _("permissions of a role changed"),
    ROLE_PERMISSIONS_REMOVED: _("permissions removed from a role"),
    ROLE_REQUESTED: _("role requested"),
    ROLE_APPROVED: _("role request approved"),
    ROLE_REFUSED: _("role request refused"),
    ROLE_GRANTED: _("role granted"),
    ROLE_ENDED: _("role ended"),
    TRANSFER_RECORDED: _("transfer recorded"),
    TRANSFER_RETENTION_CHANGED: _("retention date of the transfer changed"),
    TRANSFER_DATA_DELETED: _("personal data of the transfer deleted"),
    UPLOAD_LINK_CREATED: _("upload link created"),
    UPLOAD_LINK_REFUSED: _("upload link refused"),
    USER_CREATED: _("user created"),
    USER_CHANGED: _("user changed"),
    USER_DELETED: _("user deleted"),
    USER_ROLE_ADDED: _("role given to a user"),
    USER_ROLE_REMOVED: _("role taken from a user"),
    WORKLIST_IMPORTED: _("list imported into a worklist"),
    WORKLIST_PREVIEWED: _("list import previewed"),
    WORKLIST_VIEWED: _("worklist viewed"),
    WORKLIST_EXPORTED: _("worklist exported with pseudonyms"),
    WORKLIST_HANDLED: _("people of the worklist handled"),
    WORKLIST_REFUSED: _("worklist refused"),
    WORKLIST_PERSON_CONTACTED: _("person contacted, data deleted"),
    WORKLIST_PERSON_NOT_A_CLIENT: _("person not a client, data deleted"),
}

# Who did it, when it was no logged-in user: the actors the application writes.
UPLOAD_LINK_ACTOR = "sender (upload link)"
ACTOR_LABELS = {
    UPLOAD_LINK_ACTOR: _("sender (upload link)"),
    "anonymous": pgettext_lazy("actor", "anonymous"),
    "enforce_retention": pgettext_lazy("actor", "retention job"),
    "installation": pgettext_lazy("actor", "installation"),
    "rotate_master_key": pgettext_lazy("actor", "master key rotation"),
    "retire_master_key": pgettext_lazy("actor", "master key retirement"),
    "new_master_key": pgettext_lazy("actor", "new master key"),
    "activate_master_key": pgettext_lazy("actor", "master key activation"),
}


def action_label(code):
    """The label of an action code; an unknown code shows as itself."""
    return LABELS.get(code, code)


def actor_label(actor):
    """A user name as it is; an actor the application writes, translated."""
    return ACTOR_LABELS.get(actor, actor)


def action_choices():
    return sorted(((code, str(label)) for code, label in LABELS.items()), key=_second)


def _second(pair):
    return pair[1]
