"""The letterhead rule: how a unit is named on a letter, as the sender's letterhead (antet) and as
a recipient's addressee (muhatap) lines, following the 2020 regulation on official correspondence.
Pure functions of a ``Chain``; ``registry.ebys.facts`` computes them once per unit and day.

Letterhead: ``T.C.``; the institution in capitals; the unit in Title Case, as registered. A
bağlı/ilgili/ilişkili body is preceded by its ministry (``İÇİŞLERİ BAKANLIĞI`` / ``Göç İdaresi
Başkanlığı``). A provincial unit of a ministry or of an attached body writes under its provincial
administration (``T.C.`` / ``İZMİR VALİLİĞİ`` / ``İl Göç İdaresi Müdürlüğü``), the province
dropped from its name since the valilik line names it. The unit line is the main unit the sender
belongs to (the unit right under the institution, or the provincial unit), as letters show it.
A registered letterhead replaces all of this.

Addressee: the recipient institution's registered name in capitals and in the dative
(``GÖÇ İDARESİ BAŞKANLIĞINA``), the unit in parentheses on the next line when the recipient is
a unit of it; a provincial unit is addressed through its provincial administration
(``İZMİR VALİLİĞİNE`` / ``(İl Göç İdaresi Müdürlüğü)``).

The dative is the rule of ``registry.kernel.turkish``, unless an exception is registered for the
unit's type in the unit-type table (the national contract's two fields: the ending cut from the
name and the text added): a name that ends with the registered ending is written with it, any
other by the rule (``addressee_line``).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType

from registry.ebys.chain import ATTACHED, Chain, Link
from registry.kernel import turkish
from registry.kernel.reference import province_name


def letterhead(chain: Chain) -> list[str]:
    unit = chain.unit
    if unit.letterhead:
        return list(unit.letterhead)
    lines = ["T.C."]
    if chain.belongs_to_local_administration():
        assert chain.local_administration is not None
        head = chain.provincial_head()
        assert head is not None
        lines.append(turkish.upper(chain.local_administration[-1].name))
        lines.append(_without_province(head))
        return lines
    institution = chain.institution
    if institution.category in ATTACHED:
        ministry = chain.ministry_of_institution()
        if ministry is not None:
            lines.append(turkish.upper(ministry.name))
            lines.append(institution.name)
            lines.extend(_main_unit(chain))
            return lines
    lines.append(turkish.upper(institution.name))
    lines.extend(_main_unit(chain))
    return lines


# Registered addressee exceptions: a unit type's name → (the ending cut, the text added).
AddresseeExceptions = Mapping[str, tuple[str, str]]
NO_EXCEPTIONS: AddresseeExceptions = MappingProxyType({})


def addressee(chain: Chain, exceptions: AddresseeExceptions = NO_EXCEPTIONS) -> list[str]:
    unit = chain.unit
    if chain.belongs_to_local_administration():
        assert chain.local_administration is not None
        administration = chain.local_administration[-1]
        return [_addressee_of(administration, exceptions), f"({_without_province(unit)})"]
    institution = chain.institution
    if institution is unit:
        return [_addressee_of(unit, exceptions)]
    return [_addressee_of(institution, exceptions), f"({unit.name})"]


def _addressee_of(link: Link, exceptions: AddresseeExceptions) -> str:
    return addressee_line(link.name, link.unit_type, exceptions)


def _main_unit(chain: Chain) -> list[str]:
    below = chain.links[chain.institution_index + 1 :]
    return [below[0].name] if below else []


def addressee_line(
    name: str, unit_type: str | None = None, exceptions: AddresseeExceptions = NO_EXCEPTIONS
) -> str:
    """A registered name as an addressee line: in the dative, in Turkish capitals. An exception
    registered for ``unit_type`` comes first (its ending cut, its text added) when the name ends
    with that ending; otherwise, and for every other name, the rule."""
    registered = exceptions.get(unit_type) if unit_type else None
    if registered is not None:
        cut, add = registered
        if name.endswith(cut):
            return turkish.upper(name[: len(name) - len(cut)] + add)
    return _dative_in_capitals(name)


@functools.lru_cache(maxsize=65_536)
def _dative_in_capitals(name: str) -> str:
    """Kept per name: every unit of an institution is addressed through its name."""
    return turkish.upper(turkish.dative(name))


def _without_province(link: Link) -> str:
    """``İzmir İl Göç İdaresi Müdürlüğü`` → ``İl Göç İdaresi Müdürlüğü`` (the valilik names the
    province); other names are kept as registered."""
    province = province_name(link.province_code)
    if province and turkish.fold(link.name).startswith(turkish.fold(province) + " "):
        rest = link.name[len(province) + 1 :].strip()
        if rest:
            return rest
    return link.name
