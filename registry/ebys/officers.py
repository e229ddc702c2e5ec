"""DETSİS officers: the accounts that keep an institution's records in the registry, with their
public work contact (title, phone, e-mail), as EBYS systems list them
(``DetsisIslemYetkilisiBilgileriWs``).

Accounts are read, never changed here: they keep no work contact, so the contact is a dated
record of its own (one per account), kept through the workflow like any other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import Role, User
from registry.ebys.models import OfficerContact
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput
from registry.organizations import tree
from registry.reference import dated
from registry.workflow.handling import Proposal

OFFICER_ROLES = (Role.COORDINATOR, Role.INSTITUTION_APPROVER)
ROLE_NAMES = {
    Role.COORDINATOR: "Kurum Koordinatörü",
    Role.INSTITUTION_APPROVER: "Kurum Onaycısı",
}


def _view(session: Session, row: OfficerContact) -> dict[str, Any]:
    return {
        "account": int(row.key),
        "organization": tree.number_of(session, row.organization_id),
        "title": row.title,
        "phone": row.phone,
        "email": row.email,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


KIND: dated.Kind[OfficerContact] = dated.Kind(
    entity="officer_contact",
    model=OfficerContact,
    fields=("user_id", "organization_id", "title", "phone", "email"),
    view=_view,
    label="işlem yetkilisi iletişim bilgisi / officer contact",
)


def _officer(session: Session, account: int, field: str) -> User:
    user = session.get(User, account)
    if user is None or not user.active or user.role not in OFFICER_ROLES:
        raise InvalidInput(
            f"{account} numaralı hesap bir kurumun işlem yetkilisi değil / account {account} "
            "is not an institution's officer (an active coordinator or approver).",
            errors={field: ["not an officer account"]},
        )
    return user


def values(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in ("title", "phone", "email")}
    if "account" in data:
        user = _officer(session, data["account"], "data.account")
        out["user_id"] = user.id
        out["organization_id"] = user.organization_id
    return out


def key_for(_session: Session, data: dict[str, Any]) -> str:
    return str(data["account"])


def officer_account(session: Session, proposal: Proposal) -> None:
    if "account" in proposal.data:
        _officer(session, proposal.data["account"], "data.account")


def scopes(
    session: Session, _action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The officer's unit: their institution's coordinators keep their contacts."""
    account = int(target) if target is not None and target.isdigit() else data.get("account")
    user = session.get(User, account) if isinstance(account, int) else None
    return [user.organization_id if user is not None else None]


def officers_of(session: Session, number: str, on: date) -> list[dict[str, Any]]:
    """The institution's officers (accounts over units of its subtree) with their contact."""
    org_id = tree.organization_id(session, number)
    subtree = tree.subtree_ids(session, org_id, on)
    users = session.scalars(
        select(User)
        .where(
            User.organization_id.in_(subtree),
            User.active.is_(True),
            User.role.in_([r.value for r in OFFICER_ROLES]),
        )
        .order_by(User.id)
    ).all()
    contacts = {
        row.user_id: row
        for row in session.scalars(
            dated.rows_on(KIND, on).where(
                OfficerContact.user_id.in_([u.id for u in users]),
                OfficerContact.status == RecordStatus.ACTIVE,
            )
        )
    }
    numbers = tree.numbers_of(session, [u.organization_id for u in users if u.organization_id])
    officers = []
    for user in users:
        contact = contacts.get(user.id)
        officers.append(
            {
                "account": user.id,
                "name": user.name,
                "role": user.role,
                "role_name": ROLE_NAMES.get(Role(user.role)),
                "organization": numbers.get(user.organization_id or 0),
                "title": contact.title if contact else None,
                "phone": contact.phone if contact else None,
                "email": contact.email if contact else None,
            }
        )
    return officers
