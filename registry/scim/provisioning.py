"""HR provisioning: what an institution's HR system may do to its people's accounts, and how.

The HR system (İKBS, through its ``hr`` account) opens an account on a new starter's first day,
moves it on a transfer and closes it on leaving (seed 003: "hesap açılması, kapanması,
taşınması ve yetkilendirilmesi"). It reaches the people whose unit is under its own unit (its
institution) and never anyone else: accounts of other institutions, reviewers, admins and
machine clients are not there for it (404).

- A new starter gets the ``personnel`` role: an account of a unit with no registry rights until
  HR puts it in a group (a role: coordinator or institution approver).
- Leaving (``active: false`` or DELETE) deactivates: tokens and sessions end at once, the row
  and its history stay (``accounts.service.deactivate``); a closed account is never reopened.
- A transfer within the institution moves the unit, and with it the scope of the role; a
  transfer to another institution drops the role to ``personnel`` (tokens and sessions end)
  until that institution's HR grants one.

Every act appends one audit entry (entity ``account``) naming the HR account; it holds the
account's role, unit and state, never its name, login or e-mail (the audit trail is public as
the change feed). Use cases add and flush, never commit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts import persons, policy
from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.audit import trail as audit
from registry.kernel.clock import today
from registry.kernel.errors import Conflict, Forbidden, InvalidInput, NotFound
from registry.organizations.models import Organization, Status
from registry.organizations.tree import UnitView, get_unit, institution_of, subtree_ids

ENTITY = "account"
# The roles HR grants (groups) and the roles of the people it reaches.
GROUP_ROLES = (Role.COORDINATOR, Role.INSTITUTION_APPROVER)
PERSON_ROLES = (*GROUP_ROLES, Role.PERSONNEL)
_CHUNK = 500  # ids per IN list: well under every backend's parameter limit
_PERSONNEL_NUMBER = re.compile(r"[0-9A-Za-z-]{1,20}")  # as accounts/persons.py reads one


@dataclass(frozen=True)
class Wanted:
    """An account as HR wants it (from a SCIM User); None leaves a field as it is where noted."""

    login: str
    name: str
    given_name: str | None
    family_name: str | None
    email: str | None
    external_id: str | None
    active: bool
    unit: str | None  # DETSİS number; None keeps the unit (required on create)
    employee_number: str | None  # None keeps the person (required on create)


def reach(session: Session, hr: User) -> list[int]:
    """The units whose people the HR account provisions: its unit's subtree today."""
    return subtree_ids(session, policy.require_hr_system(session, hr), today())


def people(session: Session, hr: User) -> list[User]:
    """Every account the HR account reaches, deactivated ones included (their history)."""
    units = reach(session, hr)
    found: list[User] = []
    for start in range(0, len(units), _CHUNK):
        found.extend(
            session.scalars(
                select(User).where(
                    User.organization_id.in_(units[start : start + _CHUNK]),
                    User.role.in_([role.value for role in PERSON_ROLES]),
                    User.deleted_by_hr_at.is_(None),
                )
            )
        )
    return sorted(found, key=lambda user: user.id)


def person(session: Session, hr: User, user_id: int) -> User:
    """One account the HR account reaches; 404 for any other, so nobody learns what exists."""
    hr_unit = policy.require_hr_system(session, hr)
    user = session.get(User, user_id)
    if (
        user is None
        or user.deleted_by_hr_at is not None
        or Role(user.role) not in PERSON_ROLES
        or not policy.within(session, user.organization_id, hr_unit)
    ):
        raise NotFound(
            f"Kullanıcı {user_id} kurumunuzda yok / no such user in your institution.",
            errors={"id": ["not a person of this institution"]},
        )
    return user


def create(session: Session, hr: User, wanted: Wanted, secret: str) -> User:
    """Open a new starter's account: ``personnel`` of the unit, with login and person."""
    hr_unit = policy.require_hr_system(session, hr)
    if wanted.unit is None:
        raise InvalidInput(
            "Birimin DETSİS numarası zorunludur / the unit's DETSİS number is required.",
            errors={"department": ["required"]},
        )
    if wanted.employee_number is None:
        raise InvalidInput(
            "Sicil numarası zorunludur / the personnel number is required.",
            errors={"employeeNumber": ["required"]},
        )
    view = _unit(session, wanted.unit)
    if not policy.within(session, view.version.organization_id, hr_unit):
        raise Forbidden(
            "Birim kurumunuzun dışında / the unit is outside your institution.",
            errors={"department": ["outside the HR account's institution"]},
        )
    key = _person_key(session, hr, wanted.employee_number, secret)
    _refuse_same_person(session, hr, key, None)
    user, _token = accounts.create_user(
        session,
        name=wanted.name,
        role=Role.PERSONNEL.value,
        person_key=key,
        organization=wanted.unit,
    )
    # The first token create_user issues is shown to nobody here: people sign in to the back
    # office, and a token is given to a person by an admin (``registry users token``).
    accounts.revoke(session, user.id)
    _set_details(session, user, wanted)
    _record(session, hr, user, "create", None)
    if not wanted.active:
        before = _snapshot(session, user)
        accounts.deactivate(session, user.id)
        _record(session, hr, user, "deactivate", before)
    return user


def replace(session: Session, hr: User, user_id: int, wanted: Wanted, secret: str) -> User:
    """Bring an account to what HR says: details, unit (a transfer), and state (leaving)."""
    user = person(session, hr, user_id)
    before = _snapshot(session, user)
    if user.deactivated_at is not None:
        if wanted.active:
            raise Conflict(
                "Kapatılmış hesap yeniden açılmaz; yeni hesap açın / a deactivated account is "
                "never reopened: create a new one.",
                errors={"active": ["the account is deactivated"]},
            )
        if _details(user) != _details_of(wanted) or (
            wanted.unit is not None and wanted.unit != before["unit"]
        ):
            raise Conflict(
                f"Hesap {user_id} kapatılmış; değiştirilemez / the account is deactivated and "
                "no longer changes.",
                errors={"active": ["the account is deactivated"]},
            )
        return user
    if wanted.employee_number is not None:
        key = _person_key(session, hr, wanted.employee_number, secret)
        if user.person_key is None:
            _refuse_same_person(session, hr, key, user.id)
            accounts.set_person(session, user.id, key)
        elif key != user.person_key:
            raise Conflict(
                "Sicil numarası başka bir kişinin; bir hesabın kişisi değişmez / the personnel "
                "number is another person's: an account's person never changes.",
                errors={"employeeNumber": ["another person"]},
            )
    details_changed = _details(user) != _details_of(wanted)
    if details_changed:
        _set_details(session, user, wanted)
    action = "update" if details_changed else None
    if wanted.unit is not None and wanted.unit != before["unit"]:
        _transfer(session, user, wanted.unit)
        action = "transfer"
    if action is not None:
        _record(session, hr, user, action, before)
    if not wanted.active:
        deactivate(session, hr, user.id)
    return user


def deactivate(session: Session, hr: User, user_id: int, *, delete: bool = False) -> User:
    """Leaving: the account ends now (tokens, sessions); its row and history stay. ``delete``
    (SCIM DELETE) also takes it out of SCIM's sight: 404 from then on, as RFC 7644 §3.6 says
    of a deleted resource."""
    user = person(session, hr, user_id)
    before = _snapshot(session, user)
    if user.deactivated_at is None:
        accounts.deactivate(session, user.id)
    if delete:
        user.deleted_by_hr_at = datetime.now(UTC)
        session.flush()
    if delete:
        _record(session, hr, user, "delete", before)
    elif before["active"]:
        _record(session, hr, user, "deactivate", before)
    return user


def members(session: Session, hr: User, role: Role) -> list[User]:
    """The active people the HR account reaches who hold ``role``."""
    return [
        user
        for user in people(session, hr)
        if user.role == role.value and user.deactivated_at is None
    ]


def set_members(session: Session, hr: User, role: Role, wanted: Iterable[str]) -> None:
    """Make exactly ``wanted`` (account ids) the holders of ``role`` among HR's people.

    An account holds one role: joining a group leaves the other one. Leaving a group drops the
    account to ``personnel``. Either way its sessions end, so the next sign-in asks for what
    the new role needs (a second factor for approvers)."""
    if role not in GROUP_ROLES:
        raise Forbidden(
            "Bu rolü kurumun İK sistemi veremez / an institution's HR system does not grant "
            "this role.",
            errors={"id": ["not a group HR manages"]},
        )
    ids: set[int] = set()
    for value in wanted:
        if not value.isdigit():
            raise InvalidInput(
                f"Üye kimliği geçersiz: {value!r} / invalid member id.",
                errors={"members": ["a user id"]},
            )
        ids.add(int(value))
    current = {user.id: user for user in members(session, hr, role)}
    for user_id in sorted(ids - current.keys()):
        try:
            user = person(session, hr, user_id)
        except NotFound as error:
            raise InvalidInput(
                f"Üye {user_id} kurumunuzda yok / member {user_id} is not a person of your "
                "institution.",
                errors={"members": [f"{user_id}: no such person"]},
            ) from error
        if user.deactivated_at is not None:
            raise InvalidInput(
                f"Üye {user_id} kapatılmış bir hesap / member {user_id} is deactivated.",
                errors={"members": [f"{user_id}: deactivated"]},
            )
        _grant(session, hr, user, role)
    for user_id in sorted(current.keys() - ids):
        _grant(session, hr, current[user_id], Role.PERSONNEL)


# -- the parts --


def _grant(session: Session, hr: User, user: User, role: Role) -> None:
    before = _snapshot(session, user)
    user.role = role
    now = datetime.now(UTC)
    accounts.end_sessions(session, user.id, now)
    if role is Role.PERSONNEL:
        accounts.revoke(session, user.id)
    session.flush()
    _record(session, hr, user, "role", before)


def _transfer(session: Session, user: User, unit: str) -> None:
    """A new unit: in the same institution the role's scope moves with it; in another one the
    role lapses (``personnel``) until that institution's HR grants one."""
    view = _unit(session, unit)
    moved_out = institution_of(view.path).organization_id != user.scope_institution_id
    if moved_out and user.role != Role.PERSONNEL.value:
        user.role = Role.PERSONNEL
        accounts.revoke(session, user.id)
    accounts.end_sessions(session, user.id, datetime.now(UTC))
    accounts.rescope(session, user.id, unit)


def _unit(session: Session, detsis_no: str) -> UnitView:
    """The open unit of that number."""
    try:
        view = get_unit(session, detsis_no, today())
    except NotFound as error:
        raise InvalidInput(
            f"{detsis_no} numaralı birim yok / no unit has DETSİS number {detsis_no}.",
            errors={"department": ["no such unit"]},
        ) from error
    if view.version.status != Status.ACTIVE:
        raise InvalidInput(
            "Kapalı birime hesap bağlanamaz / the unit is closed.",
            errors={"department": ["closed unit"]},
        )
    return view


def _person_key(session: Session, hr: User, number: str, secret: str) -> str:
    """The person key of a personnel number of the HR account's institution, as
    ``accounts/persons.py`` keys ``<DETSİS>/<personnel no>``."""
    if not _PERSONNEL_NUMBER.fullmatch(number):
        raise InvalidInput(
            "Sicil numarası 1-20 harf, rakam ya da tire olmalı / the personnel number is 1-20 "
            "letters, digits or hyphens.",
            errors={"employeeNumber": ["1-20 of A-Z a-z 0-9 -"]},
        )
    institution = session.get(Organization, hr.scope_institution_id)
    assert institution is not None  # require_hr_system checked the scope
    return persons.person_key(f"{institution.detsis_no}/{number}", secret, "employeeNumber")


def _refuse_same_person(session: Session, hr: User, key: str, user_id: int | None) -> None:
    """One open account per person in an institution: a second is an HR duplicate."""
    for other in people(session, hr):
        if other.person_key == key and other.deactivated_at is None and other.id != user_id:
            raise Conflict(
                f"Bu sicil numarasının açık hesabı var (#{other.id}) / the personnel number "
                "already has an open account.",
                errors={"employeeNumber": [f"account {other.id}"]},
            )


def _set_details(session: Session, user: User, wanted: Wanted) -> None:
    if not wanted.name.strip():
        raise InvalidInput("Ad zorunludur / a name is required.", errors={"name": ["required"]})
    if user.login != wanted.login.strip().lower() or user.email != wanted.email:
        accounts.set_login(session, user.id, wanted.login, wanted.email)
    user.name = wanted.name.strip()[:120]
    user.given_name, user.family_name = wanted.given_name, wanted.family_name
    user.external_id = wanted.external_id
    session.flush()


def _details(user: User) -> tuple[Any, ...]:
    return (
        user.login,
        user.name,
        user.given_name,
        user.family_name,
        user.email,
        user.external_id,
    )


def _details_of(wanted: Wanted) -> tuple[Any, ...]:
    return (
        wanted.login.strip().lower(),
        wanted.name.strip()[:120],
        wanted.given_name,
        wanted.family_name,
        wanted.email.strip() if wanted.email else None,
        wanted.external_id,
    )


def _snapshot(session: Session, user: User) -> dict[str, Any]:
    """What the audit entry holds of an account: no name, login or e-mail."""
    unit = session.get(Organization, user.organization_id) if user.organization_id else None
    institution = (
        session.get(Organization, user.scope_institution_id) if user.scope_institution_id else None
    )
    return {
        "role": user.role,
        "unit": unit.detsis_no if unit else None,
        "institution": institution.detsis_no if institution else None,
        "active": user.deactivated_at is None,
        "via": "scim",
    }


def _record(
    session: Session, hr: User, user: User, action: str, before: dict[str, Any] | None
) -> None:
    audit.append(
        session,
        entity=ENTITY,
        entity_id=str(user.id),
        action=action,
        before=before,
        after=_snapshot(session, user),
        submitted_by=accounts.actor_ref(hr),
    )
