"""``registry import-…`` commands: read a file, show or file or apply the plan, summarise.

Every command ends with exit status 0 only when every row was taken (or is already registered);
a row refused, or already pending in an open change request, makes it ``ROWS_NOT_TAKEN`` (the
other rows were still shown, filed or applied), so a script running imports cannot miss one.
A file that cannot be read at all, or a run that fails as a whole, ends with 1 and writes nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy.orm import Session

from importers import file_plan, legislation, submit
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
ROWS_NOT_TAKEN = 3  # exit status: some rows refused or pending (1 and 2 are click's own)


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
        ignored: set[str] = set()
        rows = list(rows_of(source, kind or path.suffix.lstrip(".").lower(), ignored))

        def planned(session: Session) -> Plan:
            plan = _planned(UnitPlanner(session, today()), rows)
            plan.ignored_columns = sorted(ignored)
            return plan

        plan = _run("units", source, planned, dry_run, apply_now, user_id, reason)
    _exit_status(plan)


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
        notes: list[dict[str, object]] = []

        def planned(session: Session) -> Plan:
            planner = standards_html.StandardsPlanner(session, organization)
            plan = planner.plan(page)
            left.extend(planner.left_for_reviewers)
            notes.extend(planner.notes)
            return plan

        plan = _run(
            "service-standards",
            source,
            planned,
            dry_run,
            apply_now,
            user_id,
            reason,
            lambda: {"left_for_reviewers": left, "notes": notes},
        )
        click.echo(f"{len(page.rows)} rows read from the table")
        for line, why in page.skipped:
            click.echo(f"  line {line}: {why}: not a service row")
        for note in notes:
            click.echo(f"  line {note['line']}: {note['service']}: {note['note']}")
        for item in left:
            click.echo(
                f"  line {item['line']}: '{item['name']}' matched no standard document name "
                "surely: kept as written, for reviewers to resolve"
            )
    _exit_status(plan)


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
        ignored: set[str] = set()
        rows = list(legislation.rows_of(source, kind or path.suffix.lstrip(".").lower(), ignored))

        def planned(session: Session) -> Plan:
            plan = legislation.LegislationPlanner(session).plan(rows)
            plan.ignored_columns = sorted(ignored)
            return plan

        plan = _run("legislation", source, planned, dry_run, apply_now, user_id, reason)
    _exit_status(plan)


@click.command("import-file-plan")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx"]), help="default: by extension")
@click.option("--organization", help="an institution: its own codes; default: the common plan")
@click.option("--dry-run", is_flag=True, help="print what would change; write nothing")
@click.option("--apply", "apply_now", is_flag=True, help="apply at once (operator), no review")
@click.option("--as", "user_id", type=int, help="the account filing the batch")
@click.option("--reason", default="Standart Dosya Planının içe aktarılması", show_default=True)
@with_appcontext
def import_file_plan_command(
    path: Path,
    kind: str | None,
    organization: str | None,
    dry_run: bool,
    apply_now: bool,
    user_id: int | None,
    reason: str,
) -> None:
    """The Standard File Plan (CSV or XLSX as published): new codes, changed ones; twice: none."""
    _require_one_mode(dry_run, apply_now, user_id)
    with reported_errors(UnreadableInput):
        source = load(path)
        rows = list(file_plan.rows_of(source, kind or path.suffix.lstrip(".").lower()))

        def planned(session: Session) -> Plan:
            return file_plan.FilePlanPlanner(session, organization).plan(iter(rows))

        if apply_now:  # new codes in bulk: thousands of rows in seconds
            with get_db().transaction() as session:
                plan = planned(session)
                file_plan.apply(session, source, plan, organization, today())
            _summary(plan, "applied")
        else:
            plan = _run("file-plan", source, planned, dry_run, apply_now, user_id, reason)
    _exit_status(plan)


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
) -> Plan:
    db = get_db()
    if dry_run:
        with db.sessionmaker() as session:  # never committed: a dry run writes nothing
            plan = planned(session)
            submit.refuse_what_fails(session, plan, reason, today())
            _show(plan)
            session.rollback()
    else:
        with db.transaction() as session:
            plan = planned(session)
            if apply_now:
                submit.refuse_what_fails(session, plan, reason, today())
                click.echo(f"applying {len(plan.changes)} changes in one transaction", err=True)
                with _bar(len(plan.changes), "applying") as step:
                    submit.apply_directly(session, source, plan, reason, today(), step)
            else:
                actor = session.get(User, user_id)
                if actor is None or not actor.active:
                    raise click.ClickException(f"no active account {user_id}")
                batch = submit.as_batch(session, actor, importer, source, plan, reason, notes())
                click.echo(
                    f"batch {batch.id}: {len(batch.requests)} change requests for review"
                    if batch is not None
                    else "nothing to file: no batch"
                )
    _summary(plan, "dry run" if dry_run else "applied" if apply_now else "batch")
    return plan


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
    ignored = counts["columns_not_read"]
    columns = f", {ignored} column(s) not read" if ignored else ""
    click.echo(
        f"{counts['created']} to create, {counts['updated']} to update, {counts['unchanged']} "
        f"unchanged, {counts['pending']} pending, {counts['refused']} refused{columns} ({outcome})"
        if mode != "applied"
        else f"{counts['created']} created, {counts['updated']} updated, "
        f"{counts['unchanged']} unchanged, {counts['pending']} pending, {counts['refused']} "
        f"refused{columns} ({outcome})"
    )
    for refused in sorted(plan.refused, key=lambda r: r.line):
        click.echo(f"  refused line {refused.line}: {refused.reason}")
    for pending in sorted(plan.pending, key=lambda r: r.line):
        click.echo(f"  pending line {pending.line}: {pending.reason}")
    if plan.ignored_columns:
        click.echo("  okunmayan sütunlar / columns not read: " + ", ".join(plan.ignored_columns))


def _exit_status(plan: Plan) -> None:
    """Exit with ``ROWS_NOT_TAKEN`` when a row was refused or left pending, saying so."""
    if plan.complete:
        return
    count = len(plan.refused) + len(plan.pending)
    if plan.ignored_columns:
        click.echo(
            f"{len(plan.ignored_columns)} sütun okunmadı: çıkış kodu {ROWS_NOT_TAKEN} / "
            f"{len(plan.ignored_columns)} column(s) not read: exit status {ROWS_NOT_TAKEN}"
        )
        if not count:
            raise click.exceptions.Exit(ROWS_NOT_TAKEN)
    click.echo(
        f"{count} satır alınmadı: çıkış kodu {ROWS_NOT_TAKEN} / {count} row(s) not taken: exit "
        f"status {ROWS_NOT_TAKEN}"
    )
    raise click.exceptions.Exit(ROWS_NOT_TAKEN)
