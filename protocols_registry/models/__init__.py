from protocols_registry.models.advices import DPOAdvice
from protocols_registry.models.decisions import ApprovalDecision
from protocols_registry.models.organisations import Organisation
from protocols_registry.models.protocols import (
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolExchangeStep,
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolParty,
    ProtocolSignatory,
    ProtocolStatus,
)

__all__ = [
    "ApprovalDecision",
    "DPOAdvice",
    "Organisation",
    "ProtocolDataItem",
    "ProtocolDecision",
    "ProtocolExchangeStep",
    "ProtocolIndexPage",
    "ProtocolPage",
    "ProtocolParty",
    "ProtocolSignatory",
    "ProtocolStatus",
]
