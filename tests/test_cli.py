"""The command line: migrate, load the sample data twice, check the schema."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from registry.app import create_app


def test_upgrade_demo_twice_and_check(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite3'}", "TESTING": True})
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert "0 unchanged" in first.output
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0
    assert second.output.startswith("sample data: 0 created")
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0 and "agree" in check.output


def test_console_script_has_the_contract_commands() -> None:
    from registry.cli.main import main

    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "demo", "serve"):
        assert command in result.output
    serve_help = CliRunner().invoke(main, ["serve", "--help"]).output
    assert "--host" in serve_help and "--port" in serve_help and "--workers" in serve_help


def test_users_create_prints_the_token_last_and_revoke_kills_it(tmp_path: Path) -> None:
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'users.sqlite3'}", "TESTING": True})
    runner = app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    runner.invoke(args=["demo"])
    refused = runner.invoke(
        args=["users", "create", "--name", "Ayşe", "--role", "coordinator"], input="10000000146\n"
    )
    assert refused.exit_code != 0 and "organization" in refused.output
    created = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "Ayşe Yılmaz",
            "--role",
            "coordinator",
            "--organization",
            "22620739",
        ],
        input="10000000146\n",  # the person id, asked without echo
    )
    assert created.exit_code == 0, created.output
    token = created.output.strip().splitlines()[-1]
    assert token.startswith("kys_") and len(token) > 40
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/change-requests", headers=headers).status_code == 200
    listing = runner.invoke(args=["users", "list"]).output
    assert "Ayşe Yılmaz" in listing and token not in listing
    assert runner.invoke(args=["users", "revoke", "1"]).exit_code == 0
    assert client.get("/api/v1/change-requests", headers=headers).status_code == 401
    fresh = runner.invoke(args=["users", "token", "1"]).output.strip().splitlines()[-1]
    assert (
        client.get(
            "/api/v1/change-requests", headers={"Authorization": f"Bearer {fresh}"}
        ).status_code
        == 200
    )
