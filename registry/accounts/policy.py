"""Who may do what: the access rules every context asks before it reads or writes.

Roles: coordinators and institution approvers act for one unit's subtree (their scope, valid while
that unit is open); reviewers (the central working group) for every record; admins manage
accounts only. A rule here raises ``Forbidden`` or answers a yes/no; callers never compare roles
themselves.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.kernel.clock import today
from registry.kernel.errors import Forbidden
from registry.organizations import tree


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


def within(session: Session, org_id: int, ancestor_id: int | None) -> bool:
    if ancestor_id is None:
        return False
    path = tree.path_at(session, org_id, today())
    return path is not None and any(entry.organization_id == ancestor_id for entry in path)


def may_see_audit(session: Session, actor: User | None, org_id: int) -> bool:
    """Who did what is shown to reviewers, admins, and scoped accounts over that unit."""
    if actor is None:
        return False
    if not Role(actor.role).is_scoped:
        return True
    return accounts.scope_state(session, actor).valid and within(
        session, org_id, actor.organization_id
    )
