"""Every ``registry`` command, installed on an app's command line."""

from __future__ import annotations

from flask import Flask

from importers.commands import (
    import_file_plan_command,
    import_legislation_command,
    import_service_standards_command,
    import_units_command,
)
from registry.cli import (
    audit,
    complaints,
    database,
    ebys_facts,
    keys,
    projections,
    serving,
    transfer,
    users,
)


def install(app: Flask) -> None:
    for command in (
        import_units_command,
        import_legislation_command,
        import_service_standards_command,
        import_file_plan_command,
        database.db_group,
        database.demo_command,
        serving.serve_command,
        serving.reindex_command,
        serving.index_follow_command,
        users.users_group,
        audit.audit_group,
        projections.projections_group,
        ebys_facts.ebys_facts_group,
        keys.keys_group,
        complaints.complaints_group,
        transfer.export_command,
        transfer.import_command,
        transfer.export_open_data_command,
    ):
        app.cli.add_command(command)
