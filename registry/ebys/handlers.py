"""Change requests for signatories and distribution lists: records owned by one unit (its scope),
created, updated or closed, declared with ``workflow.handling.owned``."""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.ebys import records
from registry.organizations import tree
from registry.workflow.handling import Proposal, owned
from schemas.ebys.records import (
    DistributionListInputSchema,
    DistributionListUpdateSchema,
    SignatoryInputSchema,
    SignatoryUpdateSchema,
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
HANDLERS = (SIGNATORY, DISTRIBUTION_LIST)
