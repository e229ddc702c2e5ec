"""The SCIM resources (RFC 7643) of the registry's accounts, and what the service announces.

The models are scim2-models' (pydantic): a User with the enterprise extension, a Group, the
discovery documents. What each attribute means here:

- ``userName`` is the back-office login (ASCII, lower case); ``name``/``displayName`` the name;
  ``emails`` one work address; ``externalId`` the HR system's own id; ``active`` false once the
  person has left.
- ``employeeNumber`` (enterprise extension) is the personnel number. The registry keeps only
  the person key made of ``<institution DETSİS>/<number>`` (``accounts/persons.py``), so it is
  write-only: never returned, never filtered on.
- ``department`` (enterprise extension) is the DETSİS number of the person's unit;
  ``organization`` the DETSİS number of the unit's institution (optional in requests; when
  given it must be that institution).
- ``groups`` (read-only) is the role: a Group per role HR grants, its ``id`` the role's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from scim2_models import (
    AnyExtension,
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ComplexAttribute,
    Email,
    EnterpriseUser,
    ETag,
    Extension,
    Filter,
    Group,
    GroupMember,
    GroupMembership,
    Meta,
    Mutability,
    Patch,
    Reference,
    Required,
    Resource,
    ResourceType,
    Returned,
    Schema,
    ServiceProviderConfig,
    Sort,
    Uniqueness,
    User,
)
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import Role
from registry.accounts.models import User as Account
from registry.organizations.models import Organization
from registry.scim.provisioning import GROUP_ROLES, Wanted


class PersonName(ComplexAttribute):
    """The parts of a name the registry keeps."""

    formatted: str | None = None
    family_name: str | None = None
    given_name: str | None = None


class Personnel(Extension):
    """The enterprise extension as the registry keeps it (RFC 7643 §4.3, three attributes)."""

    __schema__ = EnterpriseUser.__schema__

    employee_number: Annotated[str | None, Mutability.write_only, Returned.never] = None
    # derived from the department: a request's value is ignored
    organization: Annotated[str | None, Mutability.read_only] = None
    department: str | None = None


class Person(Resource[AnyExtension]):
    """The core User (RFC 7643 §4.1) as the registry keeps it: the attributes below and no
    other, so a client never sends a value that would be silently dropped (an unknown one is
    400), and ``/Schemas``, made from this model, says exactly what is kept."""

    __schema__ = User.__schema__

    user_name: Annotated[str | None, Uniqueness.server, Required.true] = None
    name: PersonName | None = None
    display_name: str | None = None
    active: bool | None = None
    emails: list[Email] | None = None
    groups: Annotated[list[GroupMembership] | None, Mutability.read_only] = None


UserResource = Person[Personnel]
ENTERPRISE = str(EnterpriseUser.__schema__)
GROUP_NAMES = {
    Role.COORDINATOR: "Kurum Koordinatörü",
    Role.INSTITUTION_APPROVER: "Kurum Onaycısı",
}
MAX_COUNT = 500  # resources per page of a list


@dataclass(frozen=True)
class Links:
    """Absolute addresses of this service, from the request (for ``meta.location``)."""

    base: str  # ".../scim/v2"

    def user(self, user_id: int) -> str:
        return f"{self.base}/Users/{user_id}"

    def group(self, role: Role) -> str:
        return f"{self.base}/Groups/{role.value}"


def unit_numbers(session: Session, accounts: list[Account]) -> dict[int, str]:
    """DETSİS numbers of the accounts' units and institutions, in one query."""
    ids = {a.organization_id for a in accounts} | {a.scope_institution_id for a in accounts}
    ids.discard(None)
    if not ids:
        return {}
    rows = session.execute(
        select(Organization.id, Organization.detsis_no).where(Organization.id.in_(ids))
    )
    return {org_id: number for org_id, number in rows}


def user_resource(account: Account, numbers: dict[int, str], links: Links) -> UserResource:
    role = Role(account.role)
    resource = UserResource(
        schemas=[str(User.__schema__), ENTERPRISE],
        id=str(account.id),
        external_id=account.external_id,
        user_name=account.login,
        name=PersonName(
            formatted=account.name,
            given_name=account.given_name,
            family_name=account.family_name,
        ),
        display_name=account.name,
        active=account.active and account.deactivated_at is None,
        emails=[Email(value=account.email, type=Email.Type.work, primary=True)]
        if account.email
        else None,
        groups=[
            GroupMembership(
                value=role.value,
                display=GROUP_NAMES[role],
                ref=Reference(links.group(role)),
                type="direct",
            )
        ]
        if role in GROUP_ROLES and account.deactivated_at is None
        else None,
        meta=Meta(
            resource_type="User",
            created=account.created_at,
            last_modified=account.deactivated_at or account.created_at,
            location=links.user(account.id),
        ),
    )
    resource[Personnel] = Personnel(
        department=numbers.get(account.organization_id or 0),
        organization=numbers.get(account.scope_institution_id or 0),
    )
    return resource


def wanted(resource: UserResource) -> Wanted:
    """What HR asks for, from a User it sent (``schemas`` and types already checked)."""
    name = resource.name or PersonName()
    formatted = name.formatted or " ".join(
        part for part in (name.given_name, name.family_name) if part
    )
    emails = resource.emails or []
    email = next((e for e in emails if e.primary), emails[0] if emails else None)
    extension = resource[Personnel]
    return Wanted(
        login=resource.user_name or "",
        # SCIM makes the name optional; the registry shows one for every account: the login
        name=formatted or resource.display_name or resource.user_name or "",
        given_name=name.given_name,
        family_name=name.family_name,
        email=str(email.value) if email and email.value else None,
        external_id=resource.external_id,
        active=resource.active is not False,
        unit=extension.department if extension else None,
        employee_number=extension.employee_number if extension else None,
    )


def one_name(resource: UserResource, display_name: str | None, formatted: str | None) -> None:
    """The registry keeps one name, shown as both ``displayName`` and ``name.formatted``: after
    a PATCH, the one that changed is the name."""
    name = resource.name or PersonName()
    if resource.display_name != display_name and name.formatted == formatted:
        name.formatted = resource.display_name
        resource.name = name
    elif name.formatted != formatted and resource.display_name == display_name:
        resource.display_name = name.formatted


def group_resource(role: Role, holders: list[Account], links: Links) -> Group:
    group = Group(
        id=role.value,
        display_name=GROUP_NAMES[role],
        members=[
            GroupMember(
                value=str(a.id), display=a.name, ref=Reference(links.user(a.id)), type="User"
            )
            for a in holders
        ]
        or None,
        meta=Meta(resource_type="Group", location=links.group(role)),
    )
    return group


# -- discovery (RFC 7644 §4) --


def service_provider_config(documentation: str) -> ServiceProviderConfig:
    return ServiceProviderConfig(
        documentation_uri=Reference(documentation),
        patch=Patch(supported=True),
        bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_COUNT),
        change_password=ChangePassword(supported=False),
        sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[
            AuthenticationScheme(
                type=AuthenticationScheme.Type.oauthbearertoken,
                name="Bearer token",
                description=(
                    "Kurumun İK hesabının anahtarı (registry users create --role hr) / the "
                    "bearer token of the institution's hr account."
                ),
                primary=True,
            )
        ],
    )


def resource_types() -> list[ResourceType]:
    users = ResourceType.from_resource(UserResource)
    users.description = "Kurum personelinin hesapları / the institution's people's accounts"
    groups = ResourceType.from_resource(Group)
    groups.description = "Roller / roles (coordinator, institution_approver)"
    return [users, groups]


def schemas() -> list[Schema]:
    """The schemas as the models give them, with what the attributes mean here."""
    user, enterprise, group = Person.to_schema(), Personnel.to_schema(), Group.to_schema()
    user.name, user.description = "User", "Kurum personeli / an institution's people"
    enterprise.name = "EnterpriseUser"
    for attribute in enterprise.attributes or []:
        if attribute.name == "employeeNumber":
            attribute.description = (
                "Sicil numarası: yalnızca kişi anahtarı saklanır / the personnel number: only "
                "the person key is kept, so it is never returned."
            )
        elif attribute.name == "department":
            attribute.description = "Birimin DETSİS numarası / the unit's DETSİS number."
        elif attribute.name == "organization":
            attribute.description = "Kurumun DETSİS numarası / the institution's DETSİS number."
    return [user, enterprise, group]


def schema_location(schema: Schema, base: str) -> Schema:
    schema.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{schema.id}")
    return schema


def type_location(resource_type: ResourceType, base: str) -> ResourceType:
    resource_type.meta = Meta(
        resource_type="ResourceType", location=f"{base}/ResourceTypes/{resource_type.id}"
    )
    return resource_type
