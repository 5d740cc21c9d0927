from exchanges.models.audit import AuditEvent, AuditVerification, SignedTreeHead
from exchanges.models.evidence import DeletionEvidence
from exchanges.models.payloads import Payload, UploadLink
from exchanges.models.refusals import RefusalWindow
from exchanges.models.roles import RoleGrant
from exchanges.models.transfers import Transfer
from exchanges.models.worklist import HandlingNote, ListEntry

__all__ = [
    "AuditEvent",
    "AuditVerification",
    "DeletionEvidence",
    "HandlingNote",
    "ListEntry",
    "Payload",
    "RefusalWindow",
    "RoleGrant",
    "SignedTreeHead",
    "Transfer",
    "UploadLink",
]
