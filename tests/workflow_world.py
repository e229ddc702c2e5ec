"""A small registry with accounts, for workflow and authorization tests."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from tests.factories import make_unit, make_user


@dataclass
class World:
    interior: str
    goc: str
    yhgm: str
    bidb: str
    labour: str
    sgk: str
    tbmm: str = ""  # added by the legislation tests (the issuer of laws)
    tokens: dict[str, str] = field(default_factory=dict)
    user_ids: dict[str, int] = field(default_factory=dict)

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def display(self, who: str) -> str:
        """How staff views name an account the audit trail refers to."""
        return f"{who} (#{self.user_ids[who]})"


def build_world(session: Session) -> World:
    interior = make_unit(session, "İçişleri Bakanlığı", category="Bakanlık")
    goc = make_unit(session, "Göç İdaresi Başkanlığı", parent=interior, category="Bağlı Kuruluş")
    yhgm = make_unit(session, "Yönetim Hizmetleri Genel Müdürlüğü", parent=goc)
    bidb = make_unit(session, "Bilgi İşlem Daire Başkanlığı", parent=yhgm)
    labour = make_unit(session, "Çalışma ve Sosyal Güvenlik Bakanlığı", category="Bakanlık")
    sgk = make_unit(
        session,
        "Sosyal Güvenlik Kurumu",
        parent=labour,
        category="İlgili Kuruluş",
        detsis_no="22620739",
    )
    world = World(interior, goc, yhgm, bidb, labour, sgk)
    for who, role, organization in [
        ("goc_coordinator", "coordinator", goc),
        ("goc_approver", "institution_approver", goc),
        ("sgk_coordinator", "coordinator", sgk),
        ("sgk_approver", "institution_approver", sgk),
        ("reviewer", "reviewer", None),
        ("reviewer2", "reviewer", None),
        ("admin", "admin", None),
        ("goc_ebys", "ebys", goc),
    ]:
        user, token = make_user(session, name=who, role=role, organization=organization)
        world.tokens[who] = token
        world.user_ids[who] = user.id
    session.commit()
    return world
