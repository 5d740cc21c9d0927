from exchanges.models.audit import AuditEvent, AuditVerification
from exchanges.models.evidence import DeletionEvidence
from exchanges.models.payloads import Payload, UploadLink
from exchanges.models.transfers import Transfer
from exchanges.models.worklist import ListEntry

__all__ = [
    "AuditEvent",
    "AuditVerification",
    "DeletionEvidence",
    "ListEntry",
    "Payload",
    "Transfer",
    "UploadLink",
]
