"""Change requests for signatories and distribution lists (records owned by one unit, its scope,
declared with ``workflow.handling.owned``), and for a unit's dated records: managers, other
identifiers, budget type, officers' contacts, e-Yazışma version (``reference.dated``)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.ebys import e_correspondence, identifiers, managers, officers, records
from registry.organizations import tree
from registry.reference import dated
from registry.workflow.handling import Proposal, owned
from schemas.ebys.records import (
    DistributionListInputSchema,
    DistributionListUpdateSchema,
    SignatoryInputSchema,
    SignatoryUpdateSchema,
)
from schemas.ebys.unit_records import (
    BudgetProfileInputSchema,
    BudgetProfileUpdateSchema,
    EypVersionInputSchema,
    EypVersionUpdateSchema,
    IdentifiersInputSchema,
    IdentifiersUpdateSchema,
    ManagerPostInputSchema,
    ManagerPostUpdateSchema,
    OfficerContactInputSchema,
    OfficerContactUpdateSchema,
)


def _recipients_exist(session: Session, proposal: Proposal) -> None:
    for index, recipient in enumerate(proposal.data.get("recipients") or []):
        tree.unit_id_for(session, recipient["detsis_no"], f"data.recipients.{index}.detsis_no")


SIGNATORY = owned(
    entity="signatory",
    owner_field="organization",
    schemas=(SignatoryInputSchema, SignatoryUpdateSchema),
    get=records.get_signatory,
    owner_id=lambda s: s.organization_id,
    record=records.signatory_record,
    save=records.save_signatory,
    close=records.close_signatory,
    identify=lambda _session, s: str(s.id),
    checks=(records.signer_named,),
)
DISTRIBUTION_LIST = owned(
    entity="distribution_list",
    owner_field="owner",
    schemas=(DistributionListInputSchema, DistributionListUpdateSchema),
    get=records.get_distribution_list,
    owner_id=lambda d: d.owner_id,
    record=records.distribution_list_record,
    save=records.save_distribution_list,
    close=records.close_distribution_list,
    identify=lambda _session, d: str(d.id),
    checks=(_recipients_exist,),
)
# Dated records of a unit (issue 22): each change a new version, readable as of a date.
MANAGER_POST = dated.dated_handler(
    managers.KIND,
    schemas=(ManagerPostInputSchema, ManagerPostUpdateSchema),
    key_for=managers.key_for,
    values=managers.values,
    scopes=dated.owned_scopes(managers.KIND),
    checks=(dated.open_owner(managers.KIND), managers.no_overlap),
)
UNIT_IDENTIFIERS = dated.dated_handler(
    identifiers.IDENTIFIERS,
    schemas=(IdentifiersInputSchema, IdentifiersUpdateSchema),
    key_for=identifiers.key_for,
    values=identifiers.values,
    scopes=dated.owned_scopes(identifiers.IDENTIFIERS),
    checks=(dated.open_owner(identifiers.IDENTIFIERS), identifiers.unique_identifiers),
)
BUDGET_PROFILE = dated.dated_handler(
    identifiers.BUDGET,
    schemas=(BudgetProfileInputSchema, BudgetProfileUpdateSchema),
    key_for=identifiers.key_for,
    values=identifiers.values,
    scopes=dated.owned_scopes(identifiers.BUDGET),
    checks=(dated.open_owner(identifiers.BUDGET), identifiers.an_institution),
)
OFFICER_CONTACT = dated.dated_handler(
    officers.KIND,
    schemas=(OfficerContactInputSchema, OfficerContactUpdateSchema),
    key_for=officers.key_for,
    values=officers.values,
    scopes=officers.scopes,
    checks=(officers.officer_account,),
)
EYP_VERSION = dated.dated_handler(
    e_correspondence.EYP,
    schemas=(EypVersionInputSchema, EypVersionUpdateSchema),
    key_for=identifiers.key_for,
    values=identifiers.values,
    scopes=dated.owned_scopes(e_correspondence.EYP),
    checks=(dated.open_owner(e_correspondence.EYP),),
)
HANDLERS = (
    SIGNATORY,
    DISTRIBUTION_LIST,
    MANAGER_POST,
    UNIT_IDENTIFIERS,
    BUDGET_PROFILE,
    OFFICER_CONTACT,
    EYP_VERSION,
)
