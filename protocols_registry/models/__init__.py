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
from protocols_registry.models.register import (
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Processor,
)
from protocols_registry.models.register_page import ProcessingRegisterPage

__all__ = [
    "ApprovalDecision",
    "DPOAdvice",
    "DataSubjectCategory",
    "LawfulBasis",
    "PersonalDataCategory",
    "ProcessingActivity",
    "ProcessingRegisterPage",
    "Processor",
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
