"""``registry import-…`` commands: read a file, show or file or apply the plan, summarise."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from importers import legislation, submit
from importers import standards as standards_html
from importers.organizations import UnitPlanner, rows_of
from importers.plan import Plan
from importers.reading import Source, UnreadableInput, load
from registry.accounts.models import User
from registry.cli.reporting import reported_errors
from registry.kernel.clock import today
from registry.kernel.db import get_db

PROGRESS_FROM = 1000  # rows: a progress bar on longer inputs
SHOWN = 20  # changes listed by a dry run


@click.command("import-units")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--format", "kind", type=click.Choice(["csv", "xlsx", "xml"]), help="default: by extension"
)
@click.option("--dry-run", is_flag=True, help="print what would change; write nothing")
@click.option("--apply", "apply_now", is_flag=True, help="apply at once (operator), no review")
@click.option(
    "--as", "user_id", type=int, help="the account filing the batch (coordinator, reviewer)"
)
@click.option("--reason", default="Toplu içe aktarma", show_default=True)
@with_appcontext
def import_units_command(
    path: Path, kind: str | None, dry_run: bool, apply_now: bool, user_id: int | None, reason: str
) -> None:
    """Units from CSV, XLSX or XML: a dry run, a batch for review, or (--apply) applied now."""
    _require_one_mode(dry_run, apply_now, user_id)
    with reported_errors(UnreadableInput):
        source = load(path)
        rows = list(rows_of(source, kind or path.suffix.lstrip(".").lower()))

        def planned(session: Session) -> Plan:
            return _planned(UnitPlanner(session, today()), rows)

        _run("units", source, planned, dry_run, apply_now, user_id, reason)


@click.command("import-service-standards")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--organization", required=True, help="DETSİS number of the unit the page is of")
@click.option("--dry-run", is_flag=True, help="print what would change; write nothing")
@click.option("--apply", "apply_now", is_flag=True, help="apply at once (operator), no review")
@click.option(
    "--as", "user_id", type=int, help="the account filing the batch (coordinator, reviewer)"
)
@click.option(
    "--reason", default="Hizmet standartları tablosunun içe aktarılması", show_default=True
)
@with_appcontext
def import_service_standards_command(
    path: Path, organization: str, dry_run: bool, apply_now: bool, user_id: int | None, reason: str
) -> None:
    """A published service standards table (HTML page) as the unit's services and contacts."""
    _require_one_mode(dry_run, apply_now, user_id)
    with reported_errors(UnreadableInput):
        source = load(path)
        page = standards_html.read(source)
        left: list[dict[str, object]] = []

        def planned(session: Session) -> Plan:
            planner = standards_html.StandardsPlanner(session, organization)
            plan = planner.plan(page)
            left.extend(planner.left_for_reviewers)
            return plan

        _run(
            "service-standards",
            source,
            planned,
            dry_run,
            apply_now,
            user_id,
            reason,
            lambda: {"left_for_reviewers": left},
        )
        click.echo(f"{len(page.rows)} rows read from the table")
        for item in left:
            click.echo(
                f"  line {item['line']}: '{item['name']}' matched no standard document name "
                "surely: kept as written, for reviewers to resolve"
            )


@click.command("import-legislation")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "kind", type=click.Choice(["csv", "json"]), help="default: by extension")
@click.option("--dry-run", is_flag=True, help="print what would change; write nothing")
@click.option("--apply", "apply_now", is_flag=True, help="apply at once (operator), no review")
@click.option("--as", "user_id", type=int, help="the account filing the batch")
@click.option("--reason", default="Mevzuat listesinin içe aktarılması", show_default=True)
@with_appcontext
def import_legislation_command(
    path: Path, kind: str | None, dry_run: bool, apply_now: bool, user_id: int | None, reason: str
) -> None:
    """Acts from a CSV or JSON list: Gazette data, legal bases, repeals (also read from titles)."""
    _require_one_mode(dry_run, apply_now, user_id)
    with reported_errors(UnreadableInput):
        source = load(path)
        rows = list(legislation.rows_of(source, kind or path.suffix.lstrip(".").lower()))

        def planned(session: Session) -> Plan:
            return legislation.LegislationPlanner(session).plan(iter(rows))

        _run("legislation", source, planned, dry_run, apply_now, user_id, reason)


def _require_one_mode(dry_run: bool, apply_now: bool, user_id: int | None) -> None:
    if apply_now and user_id is not None:
        raise click.UsageError("--apply and --as exclude each other")
    if not (dry_run or apply_now or user_id is not None):
        raise click.UsageError("choose --dry-run, --as USER_ID (a batch for review) or --apply")


def _run(
    importer: str,
    source: Source,
    planned: Callable[[Session], Plan],
    dry_run: bool,
    apply_now: bool,
    user_id: int | None,
    reason: str,
    notes: Callable[[], dict[str, Any]] = dict,
) -> None:
    db = get_db()
    if dry_run:
        with db.sessionmaker() as session:
            plan = planned(session)
            _show(plan)
    else:
        with db.transaction() as session:
            plan = planned(session)
            if apply_now:
                click.echo(f"applying {len(plan.changes)} changes in one transaction", err=True)
                with _bar(len(plan.changes), "applying") as step:
                    submit.apply_directly(session, source, plan, reason, today(), step)
            else:
                actor = session.get(User, user_id)
                if actor is None or not actor.active:
                    raise click.ClickException(f"no active account {user_id}")
                batch = submit.as_batch(session, actor, importer, source, plan, reason, notes())
                click.echo(f"batch {batch.id}: {len(batch.requests)} change requests for review")
    _summary(plan, "dry run" if dry_run else "applied" if apply_now else "batch")


def _planned(planner: UnitPlanner, rows: list[tuple[int, dict[str, str]]]) -> Plan:
    with _bar(len(rows), "reading") as step:

        def counted() -> Iterator[tuple[int, dict[str, str]]]:
            for row in rows:
                yield row
                step(1)

        return planner.plan(counted())


@contextmanager
def _bar(total: int, label: str) -> Iterator[Callable[[int], None]]:
    if total < PROGRESS_FROM:
        yield lambda _n: None
        return
    stderr = sys.stderr
    progress: Any = click.progressbar(
        length=total, label=label, file=stderr
    )  # overloads confuse mypy
    with progress as bar:
        yield bar.update


def _show(plan: Plan) -> None:
    for change in plan.changes[:SHOWN]:
        where = change.target or "new"
        click.echo(f"  line {change.line}: {change.action} {where} {change.label}: {change.data}")
    if len(plan.changes) > SHOWN:
        click.echo(f"  … and {len(plan.changes) - SHOWN} more")


def _summary(plan: Plan, mode: str) -> None:
    counts = plan.counts()
    outcome = {
        "dry run": "a dry run: nothing was written",
        "applied": "applied",
        "batch": "filed for review; applied when the batch is approved",
    }[mode]
    click.echo(
        f"{counts['created']} to create, {counts['updated']} to update, {counts['unchanged']} "
        f"unchanged, {counts['refused']} refused ({outcome})"
        if mode != "applied"
        else f"{counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['refused']} refused ({outcome})"
    )
    for refused in sorted(plan.refused, key=lambda r: r.line):
        click.echo(f"  refused line {refused.line}: {refused.reason}")
