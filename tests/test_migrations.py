"""Migrations create exactly what the models describe, on both backends."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import text

from registry.kernel.db import get_db
from registry.schema_drift import schema_differences


def test_models_and_migrations_agree(app: Flask) -> None:
    assert schema_differences(get_db(app).engine) == []


def test_drift_is_detected(app: Flask) -> None:
    engine = get_db(app).engine
    with engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_organization_versions_sort_key"))
    differences = schema_differences(engine)
    assert any("ix_organization_versions_sort_key" in str(d) for d in differences)
