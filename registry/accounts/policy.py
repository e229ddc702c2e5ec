"""Who may do what: the access rules every context asks before it reads or writes.

Roles: coordinators and institution approvers act for one unit's subtree (their scope, valid while
that unit is open and in the institution it was given in); reviewers (the central working group)
for every record; admins manage accounts only; EBYS clients (``ebys``) read the public registry
for one institution through the KAYSİS SOAP service and never write, decide or see work queues;
an institution's HR system (``hr``) provisions that institution's people over SCIM and does
nothing else, and the people it provisions without a role (``personnel``) do nothing at all.
A rule here raises ``Forbidden`` or answers a
question; callers never compare roles themselves. The rules know accounts and the organization
tree only: callers pass the facts of the record (its units, its submitter), so no context's
models are read here. ``docs/security.md`` has the matrix these rules produce.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from flask import current_app
from sqlalchemy.orm import Session

from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.kernel.clock import today
from registry.kernel.errors import Forbidden
from registry.organizations import tree

ADMINS_MANAGE_USERS = (
    "Yönetici hesapları yalnızca kullanıcıları yönetir / admins manage users only."
)
MACHINES_READ_ONLY = (
    "EBYS ve İK hesapları ile rolü olmayan personel yalnızca okur; yazamaz, onaylayamaz, iş "
    "kuyruklarını göremez / EBYS and HR accounts, and personnel without a role, only read: they "
    "never write, decide or see work queues."
)
HR_ONLY = (
    "Bu servis yalnızca kurumların İK hesaplarına açıktır / this service is for institutions' HR "
    "accounts."
)


@dataclass(frozen=True)
class Reach:
    """The records an account may list: every one, or those under its unit (``units``: the
    unit's subtree) or of its institution (``institution_id``)."""

    everything: bool
    units: tuple[int, ...] = ()
    institution_id: int | None = None


# -- scope --


def require_scope(
    session: Session, actor: User, scopes: list[int | None], on: Iterable[date] = ()
) -> None:
    """Scoped accounts act only inside their unit's subtree, and only while the scope holds:
    on the tree as of today and as of every day in ``on`` (the day a change takes effect), so
    a unit that will by then belong to another institution is out of reach."""
    if not Role(actor.role).is_scoped:
        return
    state = accounts.scope_state(session, actor)
    if not state.valid:
        raise Forbidden(
            f"Hesabın yetki alanı geçersiz ({state.reason}); yöneticiden yeni kapsam "
            "isteyin / the account needs a new scope."
        )
    days = sorted({today(), *on})
    for scope in scopes:
        for day in days:
            if scope is None or not within(session, scope, actor.organization_id, day):
                raise Forbidden(
                    "Bu kayıt kurumunuzun yetki alanı dışında"
                    + (f" ({day.strftime('%d.%m.%Y')} tarihinde)" if day != today() else "")
                    + " / this record is outside your institution's subtree"
                    + (f" on {day.isoformat()}." if day != today() else "."),
                    errors={"target": [f"outside the account's subtree on {day.isoformat()}"]},
                )


def still_in_scope(session: Session, actor: User, scopes: list[int | None], on: date) -> bool:
    """Whether the records a request touches are inside its submitter's subtree on the day
    the change takes effect (asked again on approval, when that day is known)."""
    if not Role(actor.role).is_scoped:
        return True
    return all(
        scope is not None and within(session, scope, actor.organization_id, on) for scope in scopes
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
    if actor is None or Role(actor.role).reads_only:
        return False
    if not Role(actor.role).is_scoped:
        return True
    if org_id is None:
        return False
    return accounts.scope_state(session, actor).valid and within(
        session, org_id, actor.organization_id
    )


def require_not_admin(actor: User) -> None:
    """Admins manage accounts and read nothing of the registry's work queues; nor do EBYS
    clients, which read only what the public registry answers."""
    if Role(actor.role) is Role.ADMIN:
        raise Forbidden(ADMINS_MANAGE_USERS)
    refuse_machine(actor)


def refuse_machine(actor: User) -> None:
    """Every write, decision and staff read is a person's: an EBYS client is refused all."""
    if Role(actor.role).reads_only:
        raise Forbidden(MACHINES_READ_ONLY)


def require_ebys_client(session: Session, actor: User) -> int:
    """The organization an EBYS client reads for (the KAYSİS service's "caller's
    institution"), while its account and scope hold; 403 for any other role."""
    if Role(actor.role) is not Role.EBYS:
        raise Forbidden(
            "Bu servis yalnızca EBYS hesaplarına açıktır / this service is for EBYS accounts."
        )
    state = accounts.scope_state(session, actor)
    if not state.valid or actor.organization_id is None:
        raise Forbidden(
            f"Hesabın kurumu geçersiz ({state.reason}) / the account's institution no longer holds."
        )
    return actor.organization_id


def require_hr_system(session: Session, actor: User) -> int:
    """The unit whose people an HR account provisions (its subtree: normally the whole
    institution), while its account and scope hold; 403 for any other role."""
    if Role(actor.role) is not Role.HR:
        raise Forbidden(HR_ONLY)
    state = accounts.scope_state(session, actor)
    if not state.valid or actor.organization_id is None:
        raise Forbidden(
            f"İK hesabının kurumu geçersiz ({state.reason}) / the HR account's institution no "
            "longer holds."
        )
    return actor.organization_id


# -- change requests --


def require_submitter(actor: User) -> None:
    """Coordinators (inside their scope) and reviewers file requests; approvers judge them."""
    refuse_machine(actor)
    if Role(actor.role) not in (Role.COORDINATOR, Role.REVIEWER):
        raise Forbidden(
            "Yalnızca koordinatörler ve inceleme grubu talep açabilir / only "
            "coordinators and reviewers submit change requests."
        )


def require_own_request(actor: User, submitted_by: int) -> None:
    if submitted_by != actor.id:
        raise Forbidden("Talebi yalnızca açan geri çekebilir / only the submitter can withdraw.")


def require_approver(
    session: Session,
    actor: User,
    *,
    submitted_by: int,
    pending: Sequence[int],
    scope_id: int | None = None,
) -> int | None:
    """Never one's own request; while institutions still have to agree (``pending``), only
    their approvers approve, each for its own institution (returned); then a reviewer.
    ``scope_id`` is the unit the request is about (see ``_institution_in_reach``)."""
    refuse_machine(actor)
    _require_not_own(session, actor, submitted_by)
    if pending:
        return _institution_in_reach(session, actor, pending, scope_id)
    require_reviewer(actor)
    return None


def require_rejecter(
    session: Session,
    actor: User,
    *,
    submitted_by: int,
    pending: Sequence[int],
    scope_id: int | None = None,
) -> None:
    """Never one's own request; a reviewer rejects at any step, an institution approver while
    its institution has still to agree."""
    refuse_machine(actor)
    _require_not_own(session, actor, submitted_by)
    if pending and Role(actor.role) is Role.INSTITUTION_APPROVER:
        _institution_in_reach(session, actor, pending, scope_id)
    else:
        require_reviewer(actor)


def _institution_in_reach(
    session: Session, actor: User, pending: Sequence[int], scope_id: int | None
) -> int:
    """The first of ``pending`` the institution approver may agree for (403 when none): an
    institution inside the approver's subtree (an approver of the whole institution), or the
    approver's own institution when the request's unit is inside their subtree (an approver of
    a provincial directorate agrees for its own units' records, as before institutions were
    listed)."""
    if Role(actor.role) is Role.INSTITUTION_APPROVER:
        for institution_id in pending:
            if within(session, institution_id, actor.organization_id):
                require_institution_approver(session, actor, institution_id)
                return institution_id
        own, institution = accounts.scope_state(session, actor), actor.scope_institution_id
        if (
            scope_id is not None
            and own.valid
            and institution is not None
            and institution in pending
        ):
            require_institution_approver(session, actor, scope_id)
            return institution
    require_institution_approver(session, actor, pending[0])  # says why not
    raise Forbidden(  # unreachable: the line above refuses whoever got here
        "İlk onayı kurumun onaycısı verir / the institution's approver gives the first approval."
    )


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


def _require_not_own(session: Session, actor: User, submitted_by: int) -> None:
    """Four eyes per person, not per account: a person with two accounts (a coordinator for two
    institutions) still decides none of their own requests. An account with no person on file
    (made before person keys, or by the contract's ``users create`` without ``--person-id``)
    counts as a person of its own, unless the installation requires persons
    (``REGISTRY_REQUIRE_PERSON_ID``): then the decision waits until an admin sets them."""
    if submitted_by == actor.id:
        raise Forbidden("Kimse kendi talebini onaylayamaz / nobody approves their own request.")
    unknown = actor.person_key is None or not accounts.person_known(session, submitted_by)
    if unknown and current_app.config.get("REQUIRE_PERSON_ID"):
        raise Forbidden(
            "Hesabın ya da talebi açan hesabın kişi kimliği kayıtlı değil; yönetici 'registry "
            "users set-person' ile girmeli / the person behind this account or the submitting "
            "account is not on file: an admin sets it with 'registry users set-person'."
        )
    if accounts.same_person(session, actor, submitted_by):
        raise Forbidden(
            "Talep aynı kişinin başka bir hesabıyla açılmış; kimse kendi talebini onaylayamaz / "
            "the request was submitted by another account of the same person: nobody decides "
            "their own request."
        )


def require_new_person(session: Session, actor: User, earlier_approvers: Iterable[int]) -> None:
    """One person gives one approval of a request: the second step is never the same person
    as the first, whichever of their accounts they use."""
    if any(accounts.same_person(session, actor, earlier) for earlier in earlier_approvers):
        raise Forbidden(
            "Bu talebi siz (ya da aynı kişinin başka bir hesabı) zaten onayladınız; sonraki "
            "onayı başka biri verir / you, or another account of the same person, already "
            "approved this request: someone else gives the next approval."
        )


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


def _reviewers_only(actor: User, refusal: str) -> None:
    if Role(actor.role) is not Role.REVIEWER:
        raise Forbidden(refusal)
