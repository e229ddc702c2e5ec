"""Review tasks: opened when an act a service depends on is amended or repealed.

Opened in the transaction that applies the amendment or repeal, one per (service, changed act,
changing act); closed when a coordinator of the service's institution confirms the service, or
when an update of the service is approved.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts.models import User
from registry.catalogue.models import Service
from registry.kernel.clock import today
from registry.kernel.errors import InvalidTransition, NotFound
from registry.legislation.models import Legislation
from registry.legislation.records import Applied
from registry.organizations import tree
from registry.workflow.models import ReviewTask, TaskStatus


def open_for(session: Session, applied: Applied, request_id: int | None) -> list[ReviewTask]:
    """One open task per service depending on each act the change amended or repealed."""
    service_ids = {sid for ids in applied.affected_services.values() for sid in ids}
    if not service_ids:
        return []
    services = {
        s.id: s for s in session.scalars(select(Service).where(Service.id.in_(service_ids)))
    }
    institutions = _institutions(session, {s.organization_id for s in services.values()})
    already = {
        (service_id, act_id)
        for service_id, act_id in session.execute(
            select(ReviewTask.service_id, ReviewTask.legislation_id).where(
                ReviewTask.service_id.in_(service_ids),
                ReviewTask.changed_by_id == applied.act.id,
            )
        )
    }
    opened = []
    for event in applied.events:
        for service_id in sorted(applied.affected_services.get(event.target_id, ())):
            service = services.get(service_id)
            if service is None or (service_id, event.target_id) in already:
                continue
            already.add((service_id, event.target_id))
            task = ReviewTask(
                service_id=service_id,
                institution_id=institutions[service.organization_id],
                legislation_id=event.target_id,
                changed_by_id=applied.act.id,
                cause=event.kind.value,
                request_id=request_id,
                status=TaskStatus.OPEN,
            )
            session.add(task)
            opened.append(task)
    session.flush()
    return opened


def resolve_for_service(session: Session, service: Service, by: str | None) -> int:
    """An approved update of the service closes its open tasks; returns how many."""
    tasks = session.scalars(
        select(ReviewTask).where(
            ReviewTask.service_id == service.id, ReviewTask.status == TaskStatus.OPEN
        )
    ).all()
    for task in tasks:
        _close(task, TaskStatus.UPDATED, by, "Hizmet güncellendi / the service was updated.")
    session.flush()
    return len(tasks)


def confirm(session: Session, actor: User, task_id: int, note: str | None) -> ReviewTask:
    """A coordinator of the service's institution says the service still stands."""
    task = _visible(session, actor).where(ReviewTask.id == task_id).with_for_update()
    found = session.scalars(task).one_or_none()
    if found is None:
        raise NotFound(f"İnceleme görevi {task_id} yok / no such review task.")
    service = session.get(Service, found.service_id)
    assert service is not None
    policy.require_task_confirmer(session, actor, service.organization_id)
    if found.status != TaskStatus.OPEN:
        raise InvalidTransition(
            f"Görev '{found.status}' durumunda / the task is already {found.status}."
        )
    _close(found, TaskStatus.CONFIRMED, actor.name, note)
    session.flush()
    return found


def visible(session: Session, actor: User, status: str | None) -> Select[ReviewTask]:
    stmt = _visible(session, actor)
    if status:
        stmt = stmt.where(ReviewTask.status == status)
    return stmt.order_by(ReviewTask.id)


def views(session: Session, tasks: list[ReviewTask]) -> list[dict[str, Any]]:
    services = {
        s.id: s
        for s in session.scalars(
            select(Service).where(Service.id.in_({t.service_id for t in tasks}))
        )
    }
    acts = {
        a.id: a
        for a in session.scalars(
            select(Legislation).where(
                Legislation.id.in_(
                    {t.legislation_id for t in tasks} | {t.changed_by_id for t in tasks}
                )
            )
        )
    }
    numbers = tree.numbers_of(session, {t.institution_id for t in tasks})
    return [
        {
            "id": t.id,
            "status": t.status,
            "cause": t.cause,
            "service": {"code": services[t.service_id].code, "name": services[t.service_id].name},
            "institution": numbers.get(t.institution_id),
            "legislation": {"id": t.legislation_id, "title": acts[t.legislation_id].title},
            "changed_by": {"id": t.changed_by_id, "title": acts[t.changed_by_id].title},
            "request_id": t.request_id,
            "created_at": t.created_at,
            "resolved_at": t.resolved_at,
            "resolved_by": t.resolved_by,
            "note": t.note,
        }
        for t in tasks
    ]


def _visible(session: Session, actor: User) -> Select[ReviewTask]:
    """Reviewers see every task; scoped accounts their institution's."""
    reach = policy.review_tasks_reach(session, actor)
    stmt = select(ReviewTask)
    if not reach.everything:
        stmt = stmt.where(ReviewTask.institution_id == reach.institution_id)
    return stmt


def _close(task: ReviewTask, status: TaskStatus, by: str | None, note: str | None) -> None:
    task.status = status
    task.resolved_at = datetime.now(UTC)
    task.resolved_by = by
    task.note = note


def _institutions(session: Session, org_ids: set[int]) -> dict[int, int]:
    found = tree.versions_at(session, org_ids, today())
    paths = tree.lineages(session, found, today())
    result = {org_id: tree.institution_of(path).organization_id for org_id, path in paths.items()}
    for org_id in org_ids - result.keys():
        result[org_id] = org_id  # a unit closed since: its own id keeps the task addressable
    return result
