from protocols_registry.models.advices import DPOAdvice
from protocols_registry.models.decisions import ApprovalDecision
from protocols_registry.models.harvest import HarvestedProtocol, HarvestSource
from protocols_registry.models.organisations import Organisation, OrganisationMember
from protocols_registry.models.protocol_parts import (
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolExchangeStep,
    ProtocolParty,
    ProtocolSignatory,
)
from protocols_registry.models.protocols import (
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolStatus,
)
from protocols_registry.models.register import (
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Processor,
)
from protocols_registry.models.register_builds import RegisterDocumentBuild
from protocols_registry.models.register_page import ProcessingRegisterPage
from protocols_registry.models.sites import SiteOrganisation
from protocols_registry.models.versions import DecisionEffect, ProtocolVersion
from protocols_registry.models.workflow import BoardDecisionTask, DPOAdviceTask

__all__ = [
    "ApprovalDecision",
    "BoardDecisionTask",
    "DPOAdvice",
    "DPOAdviceTask",
    "DecisionEffect",
    "DataSubjectCategory",
    "HarvestSource",
    "HarvestedProtocol",
    "LawfulBasis",
    "PersonalDataCategory",
    "ProcessingActivity",
    "ProcessingRegisterPage",
    "RegisterDocumentBuild",
    "Processor",
    "Organisation",
    "OrganisationMember",
    "ProtocolDataItem",
    "ProtocolDecision",
    "ProtocolExchangeStep",
    "ProtocolIndexPage",
    "ProtocolPage",
    "ProtocolParty",
    "ProtocolSignatory",
    "ProtocolStatus",
    "ProtocolVersion",
    "SiteOrganisation",
]
