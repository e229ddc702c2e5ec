"""Typed ORM models, one module per aggregate; importing this package registers them all."""

from registry.models.accounts import ApiToken, Role, User
from registry.models.audit import AuditEntry, AuditHead
from registry.models.complaints import (
    Complaint,
    ComplaintEvent,
    ComplaintLevel,
    ComplaintStatus,
    ComplaintSubject,
    SurveyResponse,
)
from registry.models.correspondence import (
    DistributionList,
    DistributionRecipient,
    ServiceStandardContacts,
    Signatory,
)
from registry.models.legislation import (
    Legislation,
    LegislationLink,
    LegislationProvision,
    LegislationStatus,
    LegislationText,
    LinkKind,
    TextKind,
)
from registry.models.organization import (
    DetsisNumber,
    Event,
    Level,
    Organization,
    OrganizationLink,
    OrganizationVersion,
    Status,
)
from registry.models.review import ReviewTask, TaskStatus
from registry.models.services import (
    Document,
    DocumentAlias,
    DocumentRole,
    DocumentSample,
    RecordStatus,
    SearchSynonymGroup,
    Service,
    ServiceDocument,
    ServiceKind,
    ServiceLegalBasis,
    UnmatchedDocumentName,
    UnmatchedStatus,
)
from registry.models.standards import ServiceStandardTable
from registry.models.workflow import ChangeRequest, ChangeRequestEvent, RequestStatus

__all__ = [
    "Complaint",
    "ComplaintEvent",
    "ComplaintLevel",
    "ComplaintStatus",
    "ComplaintSubject",
    "ServiceStandardTable",
    "SurveyResponse",
    "DistributionList",
    "DistributionRecipient",
    "ServiceStandardContacts",
    "Signatory",
    "Document",
    "DocumentAlias",
    "DocumentRole",
    "DocumentSample",
    "UnmatchedDocumentName",
    "UnmatchedStatus",
    "Legislation",
    "LegislationLink",
    "LegislationProvision",
    "LegislationStatus",
    "LegislationText",
    "LinkKind",
    "RecordStatus",
    "SearchSynonymGroup",
    "ReviewTask",
    "Service",
    "ServiceDocument",
    "ServiceKind",
    "ServiceLegalBasis",
    "TaskStatus",
    "TextKind",
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "ChangeRequest",
    "ChangeRequestEvent",
    "RequestStatus",
    "Role",
    "User",
    "DetsisNumber",
    "Event",
    "Level",
    "Organization",
    "OrganizationLink",
    "OrganizationVersion",
    "Status",
]
