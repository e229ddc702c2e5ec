"""DETSİS: units, their tree and their history (read-only here; writes are change requests).

The use cases (``registry.organizations.tree``) return views of versions; the representations
below are what the schemas of ``schemas/organizations.py`` dump, key by key, as JSON or XML.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypedDict

from flask.views import MethodView

from registry.accounts import policy
from registry.accounts import service as accounts
from registry.accounts.auth import current_user
from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.ebys import identifiers
from registry.http.api import Blueprint
from registry.http.pages import offset_of
from registry.http.representations import negotiated
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput
from registry.kernel.reference import CATEGORIES, UNIT_TYPES, province_name
from registry.organizations import tree
from registry.organizations.models import Contact, OrganizationVersion
from schemas.organizations import (
    AtQuerySchema,
    HistorySchema,
    OrganizationListQuerySchema,
    OrganizationSchema,
    PathEntrySchema,
    SubtreeNodeSchema,
    SubtreeQuerySchema,
)

blp = Blueprint(
    "organizations",
    __name__,
    url_prefix="/api/v1/organizations",
    description="Devlet teşkilatı (DETSİS): birimler, ağaç ve tarihçe",
)

__all__ = ["blp", "unit_representation"]


class Province(TypedDict):
    code: int  # plate code, 1–81
    name: str | None


class UnitRepresentation(TypedDict):
    """A unit as published (``OrganizationSchema``)."""

    detsis_no: str
    name: str
    short_name: str | None
    english_name: str | None
    parent: str | None
    institution: str
    category: str | None
    unit_type: str | None
    level: str
    province: Province | None
    district: str | None
    contact: Contact
    kep_addresses: list[dict[str, Any]]  # as registered: {address, active}
    has_certificate: bool
    letterhead: list[str] | None
    corresponds_externally: bool
    status: str
    valid_from: date
    valid_to: date | None
    version: int
    predecessors: list[str]
    successors: list[str]
    path: list[tree.PathEntry]  # dumped by ``PathEntrySchema``: detsis_no and name


class SubtreeRepresentation(TypedDict):
    """A unit and the units under it, nested (``SubtreeNodeSchema``)."""

    detsis_no: str
    name: str
    short_name: str | None
    unit_type: str | None
    level: str
    status: str
    depth: int
    children: list[SubtreeRepresentation]


class VersionRepresentation(TypedDict):
    """One version in a unit's history (``HistoryEntrySchema``), as anyone sees it."""

    version: int
    event: str
    valid_from: date
    valid_to: date | None
    reason: str | None
    name: str
    parent: str | None
    status: str
    changes: dict[str, list[Any]]
    recorded_at: datetime


class People(TypedDict):
    """Who recorded, submitted and approved a version: for authorized callers only."""

    recorded_by: str | None
    submitted_by: str | None
    approved_by: str | None
    request_id: int | None
    audit_seq: int | None


class VersionWithPeople(VersionRepresentation, People):
    """A version as an authorized caller sees it."""


class HistoryRepresentation(TypedDict):
    """``HistorySchema``: the versions, oldest first, and the links to other units."""

    detsis_no: str
    versions: list[VersionRepresentation]  # some with ``People`` too
    predecessors: list[str]
    successors: list[str]


def unit_representation(view: tree.UnitView) -> UnitRepresentation:
    version = view.version
    return UnitRepresentation(
        detsis_no=view.detsis_no,
        name=version.name,
        short_name=version.short_name,
        english_name=version.english_name,
        parent=view.parent_no,
        institution=view.institution_no,
        category=version.category,
        unit_type=version.unit_type,
        level=version.level,
        province=_province(version),
        district=version.district,
        contact=version.contact,
        kep_addresses=version.kep_addresses or [],
        has_certificate=bool(version.certificate_pem),
        letterhead=version.letterhead,
        corresponds_externally=version.corresponds_externally,
        status=version.status,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        version=version.version,
        predecessors=view.predecessors,
        successors=view.successors,
        path=view.path,
    )


def _province(version: OrganizationVersion) -> Province | None:
    if version.province_code is None:
        return None
    return Province(code=version.province_code, name=province_name(version.province_code))


def _subtree_representation(node: tree.SubtreeNode) -> SubtreeRepresentation:
    return SubtreeRepresentation(
        detsis_no=node.detsis_no,
        name=node.version.name,
        short_name=node.version.short_name,
        unit_type=node.version.unit_type,
        level=node.version.level,
        status=node.version.status,
        depth=node.depth,
        children=[_subtree_representation(child) for child in node.children],
    )


def _version_representation(
    entry: tree.HistoryEntry,
    provenance: dict[int, AuditEntry] | None,
    names: dict[str, str] | None = None,
) -> VersionRepresentation:
    """A version as the caller may see it: with who changed it only when ``provenance`` (the
    audit entries by version number) is given, since that is personal data."""
    version = entry.version
    public = VersionRepresentation(
        version=version.version,
        event=version.event,
        valid_from=version.valid_from,
        valid_to=version.valid_to,
        reason=version.reason,
        name=version.name,
        parent=entry.parent_no,
        status=version.status,
        changes=entry.changes,
        recorded_at=version.recorded_at,
    )
    if provenance is None:
        return public
    people = _people(version, provenance.get(version.version))
    return VersionWithPeople(**public, **_named(people, names or {}))


def _named(people: People, names: dict[str, str]) -> People:
    """Account references (``hesap:12 kişi:…``) as "Name (#12)": staff read names, the rows
    keep ids (issue 19)."""

    def named(ref: str | None) -> str | None:
        return names.get(ref, ref) if ref else ref

    return People(
        recorded_by=named(people["recorded_by"]),
        submitted_by=named(people["submitted_by"]),
        approved_by=named(people["approved_by"]),
        request_id=people["request_id"],
        audit_seq=people["audit_seq"],
    )


def _people(version: OrganizationVersion, entry: AuditEntry | None) -> People:
    """Who submitted and approved a version: for authorized callers only (personal data)."""
    return People(
        recorded_by=version.recorded_by,
        submitted_by=entry.submitted_by if entry else version.recorded_by,
        approved_by=entry.approved_by if entry else None,
        request_id=entry.request_id if entry else None,
        audit_seq=entry.seq if entry else None,
    )


def _window(pagination: Any) -> tuple[int, int]:
    """(offset, limit) of the requested page."""
    return offset_of(pagination), pagination.page_size


def _unit_page(views: list[tree.UnitView], total: int, pagination: Any) -> Any:
    pagination.item_count = total
    return negotiated(
        [unit_representation(v) for v in views],
        OrganizationSchema(many=True),
        "KurumKurulusListesi",
    )


def _at(args: dict[str, Any]) -> date:
    return args.get("at") or today()


@blp.route("")
class Organizations(MethodView):
    @blp.arguments(OrganizationListQuerySchema, location="query")
    @blp.response(200, OrganizationSchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """List units, in Turkish alphabetical order, filtered by name, parent, category…"""
        for name, vocabulary in (("category", CATEGORIES), ("unit_type", UNIT_TYPES)):
            if args.get(name) and args[name] not in vocabulary:
                raise InvalidInput(
                    f"Bilinmeyen {name} / unknown {name}.",
                    errors={name: [f"one of: {', '.join(vocabulary)}"]},
                )
        if args.get("kutuk_no"):  # the reverse lookup of an old ledger number (issue 22)
            numbers = identifiers.numbers_with_kutuk_no(get_session(), args["kutuk_no"], _at(args))
            found = [tree.get_unit(get_session(), n, _at(args)) for n in numbers]
            return _unit_page(found, len(found), pagination_parameters)
        filters = tree.UnitFilter(**{k: v for k, v in args.items() if k != "at"})
        views, total = tree.list_units(
            get_session(), filters, _at(args), *_window(pagination_parameters)
        )
        return _unit_page(views, total, pagination_parameters)


@blp.route("/<string:detsis_no>")
class OrganizationDetail(MethodView):
    @blp.arguments(AtQuerySchema, location="query")
    @blp.response(200, OrganizationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """One unit, as it is today or as it stood on ``at``"""
        view = tree.get_unit(get_session(), detsis_no, _at(args))
        return negotiated(unit_representation(view), OrganizationSchema(), "KurumKurulus")


@blp.route("/<string:detsis_no>/children")
class OrganizationChildren(MethodView):
    @blp.arguments(AtQuerySchema, location="query")
    @blp.response(200, OrganizationSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.paginate()
    def get(self, args: dict[str, Any], detsis_no: str, pagination_parameters: Any) -> Any:
        """Direct sub-units, in Turkish alphabetical order"""
        views, total = tree.children(
            get_session(), detsis_no, _at(args), *_window(pagination_parameters)
        )
        return _unit_page(views, total, pagination_parameters)


@blp.route("/<string:detsis_no>/ancestors")
class OrganizationAncestors(MethodView):
    @blp.arguments(AtQuerySchema, location="query")
    @blp.response(200, PathEntrySchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """Parent units up to the root, root first"""
        entries = tree.ancestors(get_session(), detsis_no, _at(args))
        return negotiated(entries, PathEntrySchema(many=True), "UstBirimler")


@blp.route("/<string:detsis_no>/subtree")
class OrganizationSubtree(MethodView):
    @blp.arguments(SubtreeQuerySchema, location="query")
    @blp.response(200, SubtreeNodeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """The unit and its sub-units down to ``depth`` levels, nested"""
        node = tree.subtree(get_session(), detsis_no, args["depth"], _at(args))
        return negotiated(_subtree_representation(node), SubtreeNodeSchema(), "KurumKurulus")


@blp.route("/<string:detsis_no>/history")
class OrganizationHistory(MethodView):
    @blp.response(200, HistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, detsis_no: str) -> Any:
        """Every version of the unit, oldest first, with what each changed"""
        session = get_session()
        history = tree.history(session, detsis_no)
        provenance: dict[int, AuditEntry] | None = None
        names: dict[str, str] = {}
        if policy.may_see_audit(session, current_user(), tree.organization_id(session, detsis_no)):
            provenance = {
                entry.after["version"]: entry
                for entry in audit.entries_for(session, "organization", detsis_no)
                if entry.after and "version" in entry.after
            }
            names = accounts.describe_refs(
                session,
                [e.version.recorded_by for e in history.entries]
                + [ref for e in provenance.values() for ref in (e.submitted_by, e.approved_by)],
            )
        data = HistoryRepresentation(
            detsis_no=detsis_no,
            versions=[_version_representation(e, provenance, names) for e in history.entries],
            predecessors=history.predecessors,
            successors=history.successors,
        )
        return negotiated(data, HistorySchema(), "Tarihce")
