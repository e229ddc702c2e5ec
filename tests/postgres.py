"""A throwaway PostgreSQL server for tests and benchmarks: initdb + pg_ctl on a temp dir.

It listens on a free loopback port only (no Unix socket), runs without fsync (the data is thrown
away), and is stopped and deleted at the end. When running as root (CI containers), the server runs
as the ``postgres`` system user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import os
import pwd
import random
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

PORTS_FROM = 20000  # servers' ports are drawn from here up to the kernel's ephemeral range
PORTS_PER_WORKER = 1000


class PostgresUnavailable(RuntimeError):
    pass


def _binary(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if candidates:
        return candidates[0]
    raise PostgresUnavailable(
        f"{name} not found: install PostgreSQL (Debian: apt-get install postgresql)"
    )


def _free_port() -> int:
    """A loopback port nothing listens on, for a server this run is about to start.

    A port the kernel picks (``bind`` to port 0) comes from its ephemeral range, where it can be
    handed out again, to another xdist worker's server or as the local end of any connection,
    before our server binds it. So the port is drawn below that range, where only explicit binds
    land, from a slice of its own per xdist worker, so that the workers do not draw alike.
    """
    lowest_ephemeral = _ephemeral_range_start()
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    slices = (lowest_ephemeral - PORTS_FROM) // PORTS_PER_WORKER
    if slices > 0 and worker.startswith("gw") and worker[2:].isdigit():
        start = PORTS_FROM + int(worker[2:]) % slices * PORTS_PER_WORKER
        for port in random.sample(range(start, start + PORTS_PER_WORKER), 50):
            with socket.socket() as sock:
                try:
                    sock.bind(("127.0.0.1", port))
                except OSError:
                    continue  # in use, or still in TIME_WAIT from an earlier server
                return port
    with socket.socket() as sock:  # no room below the ephemeral range: let the kernel choose
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _ephemeral_range_start() -> int:
    try:
        return int(Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return PORTS_FROM  # unknown: the fallback above


class ThrowawayPostgres:
    def __init__(self) -> None:
        self.directory = Path(tempfile.mkdtemp(prefix="registry-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.user = "registry"
        self._run_as: list[str] = []
        if os.geteuid() == 0:
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError as error:
                raise PostgresUnavailable("running as root and no 'postgres' user") from error
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)
            self._run_as = [_binary("runuser"), "-u", "postgres", "--"]

    def start(self) -> ThrowawayPostgres:
        self._run(
            [
                _binary("initdb"),
                "-D",
                str(self.data),
                "-U",
                self.user,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ]
        )
        return self.resume()

    def resume(self) -> ThrowawayPostgres:
        """Start the server (again) on its data directory and port; returns once it answers."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=200"
        )
        self._run(
            [
                _binary("pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.directory / "log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), connect_timeout=2):
                    return self
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)

    def pause(self) -> None:
        """Stop the server, keeping its data (``resume`` brings it back). A clean shutdown: this
        throwaway server runs with fsync and synchronous_commit off, so a simulated crash would
        lose commits a production server keeps."""
        self._run([_binary("pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"])

    def stop(self) -> None:
        try:
            self._run([_binary("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            shutil.rmtree(self.directory, ignore_errors=True)

    def dsn(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        """SQLAlchemy URL using the psycopg 3 driver."""
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str, template: str | None = None) -> str:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            suffix = f" TEMPLATE {template}" if template else ""
            connection.execute(f'CREATE DATABASE "{name}"{suffix}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _run(self, command: list[str]) -> None:
        result = subprocess.run(
            [*self._run_as, *command],
            capture_output=True,
            text=True,
            cwd=self.directory,
            check=False,
        )
        if result.returncode != 0:
            log = self.directory / "log"
            tail = log.read_text()[-2000:] if log.exists() else ""
            raise PostgresUnavailable(
                f"{' '.join(command[:2])} failed ({result.returncode}): {result.stderr}\n{tail}"
            )
