"""``/scim/v2``: SCIM 2.0 (RFC 7644) for an institution's HR system, over its ``hr`` bearer token.

Users (list with ``filter``/``startIndex``/``count``, create, read, replace, patch, delete =
deactivate), Groups (the roles HR grants; membership by PUT or PATCH) and the discovery
documents. Bodies are ``application/scim+json`` (``application/json`` accepted); every error is
a SCIM error document (RFC 7644 §3.12) whose ``detail`` is Turkish, then English, and names the
offending attribute. Parsing, filters and PATCH are scim2-models'; what each act does to an
account is ``provisioning.py``'s. The view commits; nothing half-done is kept.

Filters are evaluated on the HR account's own people (one institution), after they are read:
the library's evaluator gives RFC 7644 §3.4.2.2 semantics (case-insensitive attribute names
and ``caseExact`` rules) that a hand-written SQL translation would only approximate.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response, current_app, json, request
from pydantic import ValidationError
from scim2_models import (
    Context,
    Error,
    Group,
    ListResponse,
    Meta,
    PatchOp,
    ResponseParameters,
    SCIMException,
    ScimFilter,
)
from scim2_models.path import FilterVisitor
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from registry.accounts import policy
from registry.accounts.auth import require_user
from registry.accounts.models import Role
from registry.accounts.models import User as Account
from registry.kernel import errors
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import RegistryError
from registry.scim import provisioning, resources
from registry.scim.resources import UserResource

MEDIA_TYPE = "application/scim+json"
DEFAULT_COUNT = 100
PREFIX = "/scim/v2"
blp = Blueprint("scim", __name__, url_prefix=PREFIX)
log = logging.getLogger(__name__)

# Turkish for the scimType of an error (RFC 7644 §3.12, table 9), before the library's English.
SCIM_TYPES_TR = {
    "invalidFilter": "Filtre geçersiz",
    "tooMany": "Sonuç çok fazla",
    "uniqueness": "Değer başka bir kayıtta var",
    "mutability": "Bu öznitelik değiştirilemez",
    "invalidSyntax": "İstek sözdizimi geçersiz",
    "invalidPath": "Yol geçersiz",
    "noTarget": "Yol hiçbir değeri göstermiyor",
    "invalidValue": "Değer geçersiz",
    "invalidVers": "SCIM sürümü desteklenmiyor",
    "sensitive": "Hassas bilgi adreste gönderilemez",
}


# The registry's field names as SCIM attributes, for the offending attribute of an error.
ATTRIBUTES = {
    "login": "userName",
    "email": "emails",
    "person_id": "employeeNumber",
    "detsis_no": "department",
    "user_id": "id",
}


class Problem(Exception):
    """A SCIM error answer: status, scimType and a Turkish / English detail."""

    def __init__(self, status: int, detail: str, scim_type: str | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.scim_type = status, detail, scim_type


# -- discovery --


@blp.get("/ServiceProviderConfig")
def service_provider_config() -> Response:
    """What this service supports (public: it holds no registry data)."""
    config = resources.service_provider_config(request.url_root + "docs/back-office.md")
    config.meta = Meta(
        resource_type="ServiceProviderConfig", location=_base() + "/ServiceProviderConfig"
    )
    return _answer(config.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@blp.get("/ResourceTypes")
def resource_types() -> Response:
    found = [resources.type_location(t, _base()) for t in resources.resource_types()]
    return _listing([t.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for t in found])


@blp.get("/ResourceTypes/<string:name>")
def resource_type(name: str) -> Response:
    for found in resources.resource_types():
        if found.id == name:
            located = resources.type_location(found, _base())
            return _answer(located.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise Problem(404, f"Kaynak türü yok / no resource type {name!r}.")


@blp.get("/Schemas")
def schemas() -> Response:
    found = [resources.schema_location(s, _base()) for s in resources.schemas()]
    return _listing([s.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE) for s in found])


@blp.get("/Schemas/<string:schema_id>")
def schema(schema_id: str) -> Response:
    for found in resources.schemas():
        if found.id == schema_id:
            located = resources.schema_location(found, _base())
            return _answer(located.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
    raise Problem(404, f"Şema yok / no schema {schema_id!r}.")


# -- users --


@blp.get("/Users")
def list_users() -> Response:
    """The HR account's people, filtered and paged as RFC 7644 §3.4.2 says."""
    session = get_session()
    hr = _hr(session)
    accounts = provisioning.people(session, hr)
    numbers = resources.unit_numbers(session, accounts)
    links = _links()
    found: list[Any] = [resources.user_resource(a, numbers, links) for a in accounts]
    return _page(found, UserResource)


@blp.post("/Users")
def create_user() -> Response:
    session = write_session()
    hr = _hr(session)
    wanted = resources.wanted(_user(Context.RESOURCE_CREATION_REQUEST))
    user = provisioning.create(session, hr, wanted, _secret())
    session.commit()
    answer = _user_answer(session, user, Context.RESOURCE_CREATION_RESPONSE, 201)
    answer.headers["Location"] = _links().user(user.id)
    return answer


@blp.get("/Users/<int:user_id>")
def get_user(user_id: int) -> Response:
    session = get_session()
    user = provisioning.person(session, _hr(session), user_id)
    return _user_answer(session, user, Context.RESOURCE_QUERY_RESPONSE)


@blp.put("/Users/<int:user_id>")
def replace_user(user_id: int) -> Response:
    session = write_session()
    hr = _hr(session)
    provisioning.person(session, hr, user_id)  # 404 before the body is judged
    wanted = resources.wanted(_user(Context.RESOURCE_REPLACEMENT_REQUEST))
    user = provisioning.replace(session, hr, user_id, wanted, _secret())
    session.commit()
    return _user_answer(session, user, Context.RESOURCE_REPLACEMENT_RESPONSE)


@blp.patch("/Users/<int:user_id>")
def patch_user(user_id: int) -> Response:
    """The operations are applied to the account as SCIM shows it, all or none; the result is
    then what HR wants, as a replacement is."""
    session = write_session()
    hr = _hr(session)
    user = provisioning.person(session, hr, user_id)
    resource = resources.user_resource(user, resources.unit_numbers(session, [user]), _links())
    patch = PatchOp[UserResource].model_validate(_body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    names = resource.display_name, (resource.name or resources.PersonName()).formatted
    patch.patch(resource)
    resources.one_name(resource, *names)
    provisioning.replace(session, hr, user_id, resources.wanted(resource), _secret())
    session.commit()
    return _user_answer(session, user, Context.RESOURCE_PATCH_RESPONSE)


@blp.delete("/Users/<int:user_id>")
def delete_user(user_id: int) -> Response:
    """Deactivates: the account ends at once and its history stays (never erased)."""
    session = write_session()
    provisioning.deactivate(session, _hr(session), user_id, delete=True)
    session.commit()
    return Response(status=204)


# -- groups (roles) --


@blp.get("/Groups")
def list_groups() -> Response:
    session = get_session()
    hr = _hr(session)
    found: list[Any] = [_group(session, hr, role) for role in provisioning.GROUP_ROLES]
    return _page(found, Group)


@blp.get("/Groups/<string:group_id>")
def get_group(group_id: str) -> Response:
    session = get_session()
    group = _group(session, _hr(session), _role(group_id))
    return _answer(group.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))


@blp.put("/Groups/<string:group_id>")
def replace_group(group_id: str) -> Response:
    session = write_session()
    hr = _hr(session)
    role = _role(group_id)
    wanted = Group.model_validate(_body(), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    return _set_group(session, hr, role, wanted, Context.RESOURCE_REPLACEMENT_RESPONSE)


@blp.patch("/Groups/<string:group_id>")
def patch_group(group_id: str) -> Response:
    session = write_session()
    hr = _hr(session)
    role = _role(group_id)
    group = _group(session, hr, role)
    patch = PatchOp[Group].model_validate(_body(), scim_ctx=Context.RESOURCE_PATCH_REQUEST)
    patch.patch(group)
    return _set_group(session, hr, role, group, Context.RESOURCE_PATCH_RESPONSE)


def _set_group(session: Session, hr: Account, role: Role, wanted: Group, ctx: Context) -> Response:
    if wanted.display_name is not None and wanted.display_name != resources.GROUP_NAMES[role]:
        raise Problem(
            400,
            "Rollerin adı değiştirilemez / a role's name never changes (displayName).",
            "mutability",
        )
    values = [member.value or "" for member in wanted.members or []]
    provisioning.set_members(session, hr, role, values)
    session.commit()
    return _answer(_group(session, hr, role).model_dump(scim_ctx=ctx))


def _group(session: Session, hr: Account, role: Role) -> Group:
    return resources.group_resource(role, provisioning.members(session, hr, role), _links())


def _role(group_id: str) -> Role:
    for role in provisioning.GROUP_ROLES:
        if role.value == group_id:
            return role
    raise Problem(
        404, f"Grup yok / no group {group_id!r} (groups: coordinator, institution_approver)."
    )


# -- the parts --


def _hr(session: Session) -> Account:
    """The calling HR account (401 without a valid token, 403 for any other role)."""
    user = require_user()
    policy.require_hr_system(session, user)
    return user


def _secret() -> str:
    return str(current_app.config["PERSON_KEY_SECRET"])


def _base() -> str:
    return request.url_root.rstrip("/") + PREFIX


def _links() -> resources.Links:
    return resources.Links(_base())


def _body() -> dict[str, Any]:
    if request.mimetype != "application/json" and not request.mimetype.endswith("+json"):
        raise Problem(
            415,
            "İstek gövdesi application/scim+json olmalı / the body must be application/scim+json.",
            "invalidSyntax",
        )
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise Problem(
            400,
            "İstek gövdesi bir JSON nesnesi olmalı / the body must be a JSON object.",
            "invalidSyntax",
        )
    return body


def _user(ctx: Context) -> UserResource:
    resource = UserResource.model_validate(_body(), scim_ctx=ctx)
    if not resource.user_name:
        raise Problem(400, "userName zorunludur / userName is required.", "invalidValue")
    return resource


def _user_answer(session: Session, user: Account, ctx: Context, status: int = 200) -> Response:
    resource = resources.user_resource(user, resources.unit_numbers(session, [user]), _links())
    return _answer(resource.model_dump(scim_ctx=ctx, response_parameters=_parameters()), status)


def _parameters() -> ResponseParameters[Any] | None:
    attributes = request.args.get("attributes")
    excluded = request.args.get("excludedAttributes")
    if not attributes and not excluded:
        return None
    return ResponseParameters.model_validate(
        {"attributes": attributes, "excludedAttributes": excluded}
    )


class _Named(FilterVisitor[list[str]]):
    """Every attribute a filter names, lower case."""

    def visit_comparison(self, node: Any) -> list[str]:
        return [str(node.attr_path).lower()]

    def visit_present(self, node: Any) -> list[str]:
        return [str(node.attr_path).lower()]

    def visit_not(self, node: Any) -> list[str]:
        return self.visit(node.expr)

    def visit_logical_expr(self, node: Any) -> list[str]:
        return [name for term in node.terms for name in self.visit(term)]

    def visit_value_path(self, node: Any) -> list[str]:
        return [str(node.attr_path).lower()]


def _page(found: list[Any], model: Any) -> Response:
    """A ListResponse of the resources the ``filter`` keeps, from ``startIndex`` (1-based),
    at most ``count`` of them."""
    expression = request.args.get("filter")
    if expression:
        scim_filter = ScimFilter[model](expression)
        if any(name.endswith("employeenumber") for name in _Named().visit(scim_filter.ast)):
            raise Problem(
                400,
                "employeeNumber saklanmaz, ona göre süzülemez / employeeNumber is not kept and "
                "cannot be filtered on.",
                "invalidFilter",
            )
        found = [resource for resource in found if scim_filter.match(resource, strict=True)]
    start = max(_integer("startIndex", 1), 1)
    count = min(max(_integer("count", DEFAULT_COUNT), 0), resources.MAX_COUNT)
    page = found[start - 1 : start - 1 + count]
    parameters = _parameters()
    dumped = [
        resource.model_dump(scim_ctx=Context.SEARCH_RESPONSE, response_parameters=parameters)
        for resource in page
    ]
    return _listing(dumped, total=len(found), start=start)


def _listing(items: list[dict[str, Any]], *, total: int | None = None, start: int = 1) -> Response:
    """A ListResponse (RFC 7644 §3.4.2) of resources already dumped (each with the
    ``attributes`` the client asked for)."""
    return _answer(
        {
            "schemas": [str(ListResponse.__schema__)],
            "totalResults": len(items) if total is None else total,
            "startIndex": start,
            "itemsPerPage": len(items),
            "Resources": items,
        }
    )


def _integer(name: str, default: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise Problem(
            400, f"{name} bir tam sayı olmalı / {name} must be an integer.", "invalidValue"
        ) from error


def _answer(body: dict[str, Any], status: int = 200) -> Response:
    return current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=MEDIA_TYPE
    )


# -- errors: SCIM error documents, never an HTML page --


def _error(status: int, detail: str, scim_type: str | None = None) -> Response:
    error = Error(status=status, scim_type=scim_type, detail=detail)
    return _answer(error.model_dump(scim_ctx=Context.DEFAULT, exclude_none=True), status)


@blp.errorhandler(Problem)
def problem(error: Problem) -> Response:
    return _error(error.status, error.detail, error.scim_type)


@blp.errorhandler(RegistryError)
def registry_error(error: RegistryError) -> Response:
    """The registry's errors: 422 is SCIM's 400 invalidValue; a conflict is uniqueness."""
    status = int(error.status)
    fields = ", ".join(sorted(ATTRIBUTES.get(field, field) for field in error.errors or {}))
    detail = error.detail + (f" (alan / attribute: {fields})" if fields else "")
    scim_type = {422: "invalidValue", 409: "uniqueness"}.get(status)
    answer = _error(400 if status == 422 else status, detail, scim_type)
    for name, value in (error.extra.get("_headers") or {}).items():
        answer.headers[name] = value
    return answer


@blp.errorhandler(SCIMException)
def scim_error(error: SCIMException) -> Response:
    found = error.to_error()
    status = int(found.status or 400)
    turkish = SCIM_TYPES_TR.get(str(found.scim_type), "İstek geçersiz")
    return _error(status, f"{turkish} / {found.detail}", found.scim_type)


@blp.errorhandler(ValidationError)
def invalid(error: ValidationError) -> Response:
    """A body the models refuse: an unknown attribute or schema, a wrong type, a missing one."""
    first = error.errors()[0] if error.errors() else {"msg": str(error), "loc": ()}
    where = ".".join(str(part) for part in first.get("loc", ()))
    scim_type = (
        "invalidSyntax"
        if first.get("type") in ("extra_forbidden", "schema_error")
        else ("invalidValue")
    )
    detail = f"SCIM kaydı geçersiz / invalid SCIM payload: {first.get('msg')}" + (
        f" (alan / attribute: {where})" if where else ""
    )
    return _error(400, detail, scim_type)


@blp.errorhandler(IntegrityError)
def conflict(error: IntegrityError) -> Response:
    """Two writers racing for one login: the loser's change is refused whole."""
    log.warning("SCIM write refused by a constraint: %s", type(error.orig).__name__)
    return _error(
        409, "Değer başka bir kayıtta var / a unique value is already taken.", "uniqueness"
    )


@blp.app_errorhandler(NotFound)
@blp.app_errorhandler(MethodNotAllowed)
def outside_the_routes(error: HTTPException) -> Response:
    """A path or method no route of ``/scim/v2`` has is a SCIM error too (a SCIM client reads
    nothing else); anywhere else the app's own answer, unchanged."""
    if request.path != PREFIX and not request.path.startswith(PREFIX + "/"):
        return errors.render_http_exception(error)
    if isinstance(error, MethodNotAllowed):
        answer = _error(
            405,
            "Bu adreste bu yöntem desteklenmiyor / this method is not supported here "
            "(groups are the registry's fixed roles: they are not created or deleted).",
        )
        answer.headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
        return answer
    return _error(404, "Böyle bir SCIM adresi yok / no such SCIM endpoint.")


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Refusals before the view (a body too large, a control character): a SCIM error."""
    status = error.code or 400
    detail = str(error.description or "")
    if " / " not in detail:
        detail = f"İstek reddedildi / {detail or 'the request was refused.'}"
    return _error(status, detail)
