"""The write shape of a change request's ``data``, per entity and action, in the OpenAPI document.

``POST /api/v1/change-requests`` takes one body for every kind of record; what goes in its ``data``
is the schema the entity's handler loads for that action (``workflow/entities.py``). Those schemas
are put in the document's components and referenced from the request's ``data`` (``anyOf``, since
several actions accept the same fields, with ``x-data-schemas`` naming the one per entity and
action), so a client reads the shape instead of guessing it from the GET answers.
"""

from __future__ import annotations

from typing import Any

from flask_smorest import Api

from registry.workflow.entities import HANDLERS, known_entities

REQUEST_SCHEMA = "ChangeRequestInput"


def document_data_shapes(api: Api) -> None:
    """Reference each entity's data schemas from the change request's ``data`` property."""
    schemas = api.spec.components.schemas
    request_schema = schemas.get(REQUEST_SCHEMA)
    if request_schema is None:  # the workflow's API is not served by this app
        return
    converter = api.ma_plugin.converter
    assert converter is not None  # set when the plugin was initialised with the spec
    by_entity: dict[str, dict[str, Any]] = {}
    listed: list[str] = []
    refs: list[dict[str, Any]] = []
    for entity in known_entities():
        declared = getattr(HANDLERS[entity], "schemas", {})
        for action in sorted(declared):
            ref = converter.resolve_nested_schema(declared[action])
            by_entity.setdefault(entity, {})[action] = ref
            if ref not in refs:
                refs.append(ref)
            name = ref.get("$ref", "").rsplit("/", 1)[-1] if isinstance(ref, dict) else ""
            listed.append(f"{entity} {action}: {name or 'see x-data-schemas'}")
    data = request_schema["properties"]["data"]
    data.pop("additionalProperties", None)
    data["anyOf"] = refs
    data["x-data-schemas"] = by_entity
    data["description"] = (
        "The record's fields, as the entity's schema for the action reads them "
        "(x-data-schemas names it per entity and action). " + "; ".join(listed) + "."
    )
