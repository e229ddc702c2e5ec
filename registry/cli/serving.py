"""``registry serve``, ``reindex`` and ``index-follow``: a node and its search index."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import ScriptInfo, with_appcontext

from registry.http.server import run_gunicorn
from registry.kernel.db import get_db
from registry.search import follower, index


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=16, show_default=True, type=int)
@click.option(
    "--index-follower/--no-index-follower",
    default=True,
    show_default=True,
    help="also run the one process that keeps the search index current",
)
def serve_command(host: str, port: int, workers: int, threads: int, index_follower: bool) -> None:
    """Serve with gunicorn (production WSGI server)."""
    info = click.get_current_context().ensure_object(ScriptInfo)
    app_factory = info.create_app if info.create_app is not None else info.load_app
    process = follower.start_process() if index_follower else None
    stop = (lambda: follower.stop_process(process)) if process is not None else None
    run_gunicorn(app_factory, host=host, port=port, workers=workers, threads=threads, on_exit=stop)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database into a new directory and swap it in."""
    with get_db().sessionmaker() as session:
        state = index.rebuild(session, current_app.config["INDEX_DIR"])
    click.echo(f"search index rebuilt: {state.documents} documents at change {state.seq}")


@click.command("index-follow")
@click.option("--interval", default=2.0, show_default=True, type=float, help="seconds")
@click.option("--once", is_flag=True, help="one step, then exit")
@with_appcontext
def index_follow_command(interval: float, once: bool) -> None:
    """Keep the search index current from the change feed (the one writer of the index)."""
    follower.follow(current_app._get_current_object(), interval, 1 if once else None)  # type: ignore[attr-defined]
