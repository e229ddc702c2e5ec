"""Who may do what: the access rules every context asks before it reads or writes.

Roles: coordinators and institution approvers act for one unit's subtree (their scope, valid while
that unit is open and in the institution it was given in); reviewers (the central working group)
for every record; admins manage accounts only. A rule here raises ``Forbidden`` or answers a
question; callers never compare roles themselves. The rules know accounts and the organization
tree only: callers pass the facts of the record (its units, its submitter), so no context's
models are read here. ``docs/security.md`` has the matrix these rules produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.kernel.clock import today
from registry.kernel.errors import Forbidden
from registry.organizations import tree

ADMINS_MANAGE_USERS = (
    "Yönetici hesapları yalnızca kullanıcıları yönetir / admins manage users only."
)


@dataclass(frozen=True)
class Reach:
    """The records an account may list: every one, or those under its unit (``units``: the
    unit's subtree) or of its institution (``institution_id``)."""

    everything: bool
    units: tuple[int, ...] = ()
    institution_id: int | None = None


# -- scope --


def require_scope(session: Session, actor: User, scopes: list[int | None]) -> None:
    """Scoped accounts act only inside their unit's subtree, and only while the scope holds."""
    if not Role(actor.role).is_scoped:
        return
    state = accounts.scope_state(session, actor)
    if not state.valid:
        raise Forbidden(
            f"Hesabın yetki alanı geçersiz ({state.reason}); yöneticiden yeni kapsam "
            "isteyin / the account needs a new scope."
        )
    for scope in scopes:
        if scope is None or not within(session, scope, actor.organization_id):
            raise Forbidden(
                "Bu kayıt kurumunuzun yetki alanı dışında / this record is outside "
                "your institution's subtree."
            )


def within(
    session: Session, org_id: int | None, ancestor_id: int | None, at: date | None = None
) -> bool:
    """``org_id`` is ``ancestor_id`` or a unit under it (on ``at``, by default today)."""
    if org_id is None or ancestor_id is None:
        return False
    path = tree.path_at(session, org_id, at or today())
    return path is not None and any(entry.organization_id == ancestor_id for entry in path)


def may_see_audit(session: Session, actor: User | None, org_id: int | None) -> bool:
    """Who did what is shown to reviewers, admins, and scoped accounts over that unit; on a
    record of no unit (a law of an unregistered issuer), to the working group's side only."""
    if actor is None:
        return False
    if not Role(actor.role).is_scoped:
        return True
    if org_id is None:
        return False
    return accounts.scope_state(session, actor).valid and within(
        session, org_id, actor.organization_id
    )


def require_not_admin(actor: User) -> None:
    """Admins manage accounts and read nothing of the registry's work queues."""
    if Role(actor.role) is Role.ADMIN:
        raise Forbidden(ADMINS_MANAGE_USERS)


# -- change requests --


def require_submitter(actor: User) -> None:
    """Coordinators (inside their scope) and reviewers file requests; approvers judge them."""
    if Role(actor.role) not in (Role.COORDINATOR, Role.REVIEWER):
        raise Forbidden(
            "Yalnızca koordinatörler ve inceleme grubu talep açabilir / only "
            "coordinators and reviewers submit change requests."
        )


def require_own_request(actor: User, submitted_by: int) -> None:
    if submitted_by != actor.id:
        raise Forbidden("Talebi yalnızca açan geri çekebilir / only the submitter can withdraw.")


def require_approver(
    session: Session, actor: User, *, submitted_by: int, scope_id: int | None, first_step: bool
) -> None:
    """Never one's own request; the first step of a two-step request is the institution
    approver's (in scope), every other approval a reviewer's."""
    _require_not_own(actor, submitted_by)
    if first_step:
        require_institution_approver(session, actor, scope_id)
    else:
        require_reviewer(actor)


def require_rejecter(
    session: Session, actor: User, *, submitted_by: int, scope_id: int | None, first_step: bool
) -> None:
    """Never one's own request; a reviewer rejects at any step, the institution approver (in
    scope) at the first step of a two-step request."""
    _require_not_own(actor, submitted_by)
    if first_step and Role(actor.role) is Role.INSTITUTION_APPROVER:
        require_institution_approver(session, actor, scope_id)
    else:
        require_reviewer(actor)


def gives_first_approvals_only(actor: User) -> bool:
    """An institution approver's batch approval takes only the first steps it may give."""
    return Role(actor.role) is Role.INSTITUTION_APPROVER


def require_reviewer(actor: User) -> None:
    _reviewers_only(
        actor,
        "Bu onayı yalnızca merkezi inceleme grubu verebilir / only reviewers give this approval.",
    )


def require_institution_approver(session: Session, actor: User, scope_id: int | None) -> None:
    if Role(actor.role) is not Role.INSTITUTION_APPROVER:
        raise Forbidden(
            "İlk onayı kurumun onaycısı verir / the institution's approver gives the "
            "first approval."
        )
    require_scope(session, actor, [scope_id])


def change_requests_reach(session: Session, actor: User) -> Reach:
    """Reviewers see every request; scoped accounts those in their subtree (and their own)."""
    require_not_admin(actor)
    if not Role(actor.role).is_scoped:
        return Reach(everything=True)
    if actor.organization_id is None:
        return Reach(everything=False)
    return Reach(False, tuple(tree.subtree_ids(session, actor.organization_id, today())))


def _require_not_own(actor: User, submitted_by: int) -> None:
    if submitted_by == actor.id:
        raise Forbidden("Kimse kendi talebini onaylayamaz / nobody approves their own request.")


# -- review tasks --


def review_tasks_reach(session: Session, actor: User) -> Reach:
    """Reviewers see every task; scoped accounts (while their scope holds) their institution's."""
    require_not_admin(actor)
    if not Role(actor.role).is_scoped:
        return Reach(everything=True)
    if not accounts.scope_state(session, actor).valid:
        raise Forbidden("Hesabın yetki alanı geçersiz / the account needs a new scope.")
    return Reach(everything=False, institution_id=actor.scope_institution_id)


def require_task_confirmer(session: Session, actor: User, service_org_id: int) -> None:
    """The coordinator over the service's unit says the service still stands."""
    if Role(actor.role) is not Role.COORDINATOR:
        raise Forbidden(
            "Görevi kurumun koordinatörü kapatır / the institution's coordinator confirms."
        )
    require_scope(session, actor, [service_org_id])


# -- complaints --


class ComplaintStanding(StrEnum):
    """How an account stands to one complaint, which decides what it reads and may do."""

    REVIEWER = "reviewer"  # the central working group: reads it without the contact, never acts
    CURRENT_PLACE = "current_place"  # over the place it is with now: reads it all, acts
    FIRST_PLACE = "first_place"  # over the first place, escalated past it: reads, acts no more


def require_complaint_reader(session: Session, actor: User) -> None:
    """Staff read complaints: reviewers, and scoped accounts while their scope holds."""
    require_not_admin(actor)
    require_scope(session, actor, [])


def complaints_reach(session: Session, actor: User, at: date) -> Reach:
    """Reviewers list every complaint; a scoped account those at places in its subtree."""
    require_complaint_reader(session, actor)
    if not Role(actor.role).is_scoped:
        return Reach(everything=True)
    assert actor.organization_id is not None
    return Reach(False, tuple(tree.subtree_ids(session, actor.organization_id, at)))


def subtree_for_listing(session: Session, actor: User, at: date) -> set[int] | None:
    """The account's subtree, read once for a page of complaints (None: not needed)."""
    if not Role(actor.role).is_scoped or actor.organization_id is None:
        return None
    return set(tree.subtree_ids(session, actor.organization_id, at))


def complaint_standing(
    session: Session,
    actor: User,
    *,
    current_place_id: int,
    first_place_id: int,
    at: date,
    subtree: set[int] | None = None,
) -> ComplaintStanding:
    """A scoped account reads a complaint if its unit is the first place (or above it), or the
    second once escalated, and acts only for the current place; 403 otherwise."""
    if not Role(actor.role).is_scoped:
        return ComplaintStanding.REVIEWER

    def covers(org_id: int) -> bool:
        if subtree is not None:
            return org_id in subtree
        return within(session, org_id, actor.organization_id, at)

    if covers(current_place_id):
        return ComplaintStanding.CURRENT_PLACE
    if covers(first_place_id):
        return ComplaintStanding.FIRST_PLACE
    raise Forbidden(
        "Bu şikâyet kurumunuzun müracaat yerlerine ait değil / this complaint is not with a "
        "place of application in your scope."
    )


def require_complaint_answerer(session: Session, actor: User) -> None:
    """A place of application's coordinator or approver answers; reviewers only read."""
    if Role(actor.role) not in (Role.COORDINATOR, Role.INSTITUTION_APPROVER):
        raise Forbidden(
            "Şikâyetleri müracaat yerinin koordinatörü veya onaycısı yanıtlar / only a place "
            "of application's coordinator or approver answers complaints."
        )
    require_complaint_reader(session, actor)


def require_answers_at(session: Session, actor: User, place_id: int, at: date) -> None:
    """The complaint is with a place in the account's subtree now."""
    if not within(session, place_id, actor.organization_id, at):
        raise Forbidden(
            "Şikâyet şu an kurumunuzun müracaat yerinde değil / the complaint is not with a "
            "place of application in your scope now."
        )


# -- the working group's lists: document names, search synonyms --


def require_name_resolver(actor: User) -> None:
    _reviewers_only(
        actor,
        "Belge adlarını yalnızca merkezi inceleme grubu eşleştirir / only reviewers resolve "
        "document names.",
    )


def require_synonym_editor(actor: User) -> None:
    _reviewers_only(actor, "Eş anlamlıları yalnızca inceleme grubu düzenler / reviewers only.")


def _reviewers_only(actor: User, refusal: str) -> None:
    if Role(actor.role) is not Role.REVIEWER:
        raise Forbidden(refusal)
