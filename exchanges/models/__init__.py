from exchanges.models.audit import AuditEvent, AuditVerification
from exchanges.models.evidence import DeletionEvidence
from exchanges.models.payloads import Payload, UploadLink
from exchanges.models.transfers import Transfer

__all__ = [
    "AuditEvent",
    "AuditVerification",
    "DeletionEvidence",
    "Payload",
    "Transfer",
    "UploadLink",
]
