"""Standard document names (DBYS) with the aliases coordinators write them under.

The documents every office asks for come first (identity card, residence certificate, photograph,
criminal record…: they head the Zipf ranking of what services ask for), then synthetic ones made
of a subject, a kind and a form ("Maden Ruhsatı Başvuru Formu (Yenileme)"), each with aliases in
the styles coordinators write ("Başvuru Formu (Maden)", "Maden için başvuru formu"…). Documents an
institution issues (licences, certificates, reports) belong to one institution, most of them
declaring it as their issuer; forms, petitions and declarations are the applicant's and have none.
Every folded name names one document, as the registry requires.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from benchmarks.scale.common import Plan, folded
from benchmarks.scale.units import UnitPool
from registry.catalogue.bulk import NewDocument
from registry.catalogue.models import Document, DocumentAlias, ServiceDocument
from registry.organizations.models import Organization

# (standard name, aliases, the institution that issues it or None)
COMMON: tuple[tuple[str, tuple[str, ...], str | None], ...] = (
    (
        "Kimlik Kartı",
        ("Nüfus cüzdanı fotokopisi", "T.C. kimlik kartı sureti"),
        "İçişleri Bakanlığı",
    ),
    ("Yerleşim Yeri Belgesi", ("İkametgâh belgesi", "İkametgâh ilmühaberi"), "İçişleri Bakanlığı"),
    ("Biyometrik Fotoğraf", ("Vesikalık fotoğraf",), None),
    ("Adli Sicil Kaydı", ("Sabıka kaydı", "Adli sicil belgesi"), "Adalet Bakanlığı"),
    ("Diploma", ("Diploma sureti", "Mezuniyet belgesi"), "Millî Eğitim Bakanlığı"),
    ("Pasaport", ("Pasaport fotokopisi",), "İçişleri Bakanlığı"),
    ("Nüfus Kayıt Örneği", ("Vukuatlı nüfus kayıt örneği",), "İçişleri Bakanlığı"),
    ("Sağlık Raporu", ("Hastaneden alınmış sağlık raporu",), "Sağlık Bakanlığı"),
    ("Vergi Levhası", ("Vergi levhası sureti",), "Hazine ve Maliye Bakanlığı"),
    ("Sigortalılık Hizmet Dökümü", ("SGK hizmet dökümü",), "Sosyal Güvenlik Kurumu"),
    ("Dilekçe", ("Başvuru dilekçesi",), None),
    ("İmza Sirküleri", ("İmza beyannamesi",), None),
    ("Harç Makbuzu", ("Harç dekontu",), "Hazine ve Maliye Bakanlığı"),
    ("Öğrenci Belgesi", ("Öğrenim belgesi",), "Millî Eğitim Bakanlığı"),
    ("Tapu Senedi", ("Tapu fotokopisi",), "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı"),
)
SUBJECTS: tuple[str, ...] = (
    "Maden",
    "Petrol",
    "Doğal Gaz",
    "Elektrik",
    "Su Kullanım",
    "Orman",
    "Av",
    "Balıkçılık",
    "Tarım Arazisi",
    "Hayvan Sağlığı",
    "Tohum",
    "Gübre",
    "Gıda",
    "Yem",
    "İlaç",
    "Tıbbi Cihaz",
    "Kozmetik",
    "Eczane",
    "Özel Hastane",
    "Ambulans",
    "Laboratuvar",
    "Okul Öncesi",
    "Özel Okul",
    "Dershane",
    "Yurt",
    "Burs",
    "Kredi",
    "Sınav",
    "Denklik",
    "Tercüman",
    "Bilirkişi",
    "Arabulucu",
    "Avukatlık",
    "Noterlik",
    "İcra",
    "Sicil",
    "Ticaret",
    "Kooperatif",
    "Dernek",
    "Vakıf",
    "Sendika",
    "Spor Kulübü",
    "Lisanslı Depo",
    "Gümrük",
    "Dış Ticaret",
    "İhracat",
    "İthalat",
    "Teşvik",
    "Yatırım",
    "Serbest Bölge",
    "Turizm İşletmesi",
    "Seyahat Acentesi",
    "Rehberlik",
    "Kültür Varlığı",
    "Müze",
    "Sinema",
    "Yayın",
    "Radyo",
    "Televizyon",
    "Frekans",
    "Telsiz",
    "İnternet Servis",
    "Posta",
    "Kargo",
    "Karayolu Taşıma",
    "Denizcilik",
    "Gemi",
    "Liman",
    "Havacılık",
    "Pilot",
    "Demiryolu",
    "Araç Muayene",
    "Sürücü Kursu",
    "Otopark",
    "Yapı",
    "Yapı Kullanma",
    "İskân",
    "İmar",
    "Kat Mülkiyeti",
    "Kentsel Dönüşüm",
    "Çevre",
    "Atık",
    "Emisyon",
    "Gürültü",
    "ÇED",
    "Kimyasal",
    "Patlayıcı",
    "Silah",
    "Güvenlik Görevlisi",
    "Yangın",
    "Afet",
    "Sığınak",
    "Enerji Verimliliği",
    "Yenilenebilir",
    "Lisans",
    "Tarife",
    "Sigorta",
    "Emeklilik",
    "İşsizlik",
    "İş Kazası",
    "Meslek Hastalığı",
    "Engelli",
    "Yaşlı Bakım",
    "Çocuk",
    "Koruyucu Aile",
    "Evlat Edinme",
    "Nafaka",
    "Miras",
    "Vergi",
    "Harç",
    "Damga",
    "Emlak",
    "Gayrimenkul",
    "Kira",
    "Kamulaştırma",
    "Hazine",
    "Mera",
    "Kıyı",
    "Orman İzni",
    "Su Ürünleri",
    "Arıcılık",
    "Organik Tarım",
    "Sulama",
)
KINDS: tuple[str, ...] = (
    "Ruhsatı",
    "İzin Belgesi",
    "Sertifikası",
    "Başvuru Formu",
    "Taahhütnamesi",
    "Raporu",
    "Beyannamesi",
    "Tutanağı",
    "Onay Yazısı",
    "Kayıt Belgesi",
    "Faaliyet Belgesi",
    "Uygunluk Belgesi",
    "Yeterlik Belgesi",
    "Tescil Belgesi",
    "Denetim Raporu",
    "Sicil Kaydı",
    "Kimlik Kartı",
    "Plan Onayı",
)
FORMS: tuple[str, ...] = (
    "",
    " (Yenileme)",
    " (Değişiklik)",
    " (Geçici)",
    " (Kurumsal)",
    " (Bireysel)",
    " (İl Müdürlüğü)",
    " (Merkez)",
    " (Yabancılar İçin)",
    " (Kamu Kurumları İçin)",
)
ALIAS_STYLES: tuple[Callable[[str, str, str], str], ...] = (
    lambda subject, kind, form: f"{kind} ({subject}){form}",
    lambda subject, kind, form: f"{subject} {kind.split()[0]}{form} örneği",
    lambda subject, kind, form: f"{subject} için {kind.lower()}{form}",
    lambda subject, kind, form: f"{subject} {kind} sureti{form}",
    lambda subject, kind, form: f"T.C. {subject} {kind}{form}",
)
# Which institution issues the documents of each subject (by the institution's name).
ISSUERS: dict[str, tuple[str, ...]] = {
    "Adalet Bakanlığı": (
        "Tercüman",
        "Bilirkişi",
        "Arabulucu",
        "Avukatlık",
        "Noterlik",
        "İcra",
        "Sicil",
        "Nafaka",
        "Miras",
    ),
    "Aile ve Sosyal Hizmetler Bakanlığı": (
        "Engelli",
        "Yaşlı Bakım",
        "Çocuk",
        "Koruyucu Aile",
        "Evlat Edinme",
    ),
    "Çalışma ve Sosyal Güvenlik Bakanlığı": ("Sendika", "İşsizlik"),
    "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı": (
        "Otopark",
        "Yapı",
        "Yapı Kullanma",
        "İskân",
        "İmar",
        "Kat Mülkiyeti",
        "Kentsel Dönüşüm",
        "Çevre",
        "Atık",
        "Emisyon",
        "Gürültü",
        "ÇED",
        "Kimyasal",
        "Kıyı",
    ),
    "Enerji ve Tabii Kaynaklar Bakanlığı": (
        "Maden",
        "Petrol",
        "Doğal Gaz",
        "Elektrik",
        "Enerji Verimliliği",
        "Yenilenebilir",
        "Lisans",
        "Tarife",
    ),
    "Gençlik ve Spor Bakanlığı": ("Yurt", "Burs", "Kredi", "Spor Kulübü"),
    "Hazine ve Maliye Bakanlığı": (
        "Sigorta",
        "Vergi",
        "Harç",
        "Damga",
        "Emlak",
        "Gayrimenkul",
        "Kira",
        "Kamulaştırma",
        "Hazine",
    ),
    "İçişleri Bakanlığı": (
        "Dernek",
        "Patlayıcı",
        "Silah",
        "Güvenlik Görevlisi",
        "Yangın",
        "Afet",
        "Sığınak",
    ),
    "Kültür ve Turizm Bakanlığı": (
        "Vakıf",
        "Turizm İşletmesi",
        "Seyahat Acentesi",
        "Rehberlik",
        "Kültür Varlığı",
        "Müze",
        "Sinema",
    ),
    "Millî Eğitim Bakanlığı": (
        "Okul Öncesi",
        "Özel Okul",
        "Dershane",
        "Sınav",
        "Denklik",
        "Sürücü Kursu",
    ),
    "Sağlık Bakanlığı": (
        "İlaç",
        "Tıbbi Cihaz",
        "Kozmetik",
        "Eczane",
        "Özel Hastane",
        "Ambulans",
        "Laboratuvar",
    ),
    "Sanayi ve Teknoloji Bakanlığı": ("Teşvik", "Yatırım"),
    "Sosyal Güvenlik Kurumu": ("Emeklilik", "İş Kazası", "Meslek Hastalığı"),
    "Tarım ve Orman Bakanlığı": (
        "Su Kullanım",
        "Orman",
        "Av",
        "Balıkçılık",
        "Tarım Arazisi",
        "Hayvan Sağlığı",
        "Tohum",
        "Gübre",
        "Gıda",
        "Yem",
        "Mera",
        "Orman İzni",
        "Su Ürünleri",
        "Arıcılık",
        "Organik Tarım",
        "Sulama",
    ),
    "Ticaret Bakanlığı": (
        "Ticaret",
        "Kooperatif",
        "Lisanslı Depo",
        "Gümrük",
        "Dış Ticaret",
        "İhracat",
        "İthalat",
        "Serbest Bölge",
    ),
    "Ulaştırma ve Altyapı Bakanlığı": (
        "Yayın",
        "Radyo",
        "Televizyon",
        "Frekans",
        "Telsiz",
        "İnternet Servis",
        "Posta",
        "Kargo",
        "Karayolu Taşıma",
        "Denizcilik",
        "Gemi",
        "Liman",
        "Havacılık",
        "Pilot",
        "Demiryolu",
        "Araç Muayene",
    ),
}
ISSUER_OF_SUBJECT = {subject: name for name, subjects in ISSUERS.items() for subject in subjects}
# Kinds of document the applicant fills in or signs: nobody issues them.
APPLICANT_KINDS = frozenset({"Başvuru Formu", "Taahhütnamesi", "Beyannamesi"})
DECLARED_SHARE = 0.7  # of issued documents: the issuer is recorded on the document itself


@dataclass
class Documents:
    """The documents services can ask for (by rank: the common first) and issue, by planned id
    (``Plan.first_document`` on) or, for documents already registered, by id."""

    ids: list[int] = field(default_factory=list)
    issued_by: dict[str, list[int]] = field(default_factory=dict)  # institution → documents
    aliases: int = 0
    codes: dict[int, str] = field(default_factory=dict)  # of the registered ones


def generate(
    plan: Plan,
    count: int,
    per_document: int,
    rng: random.Random,
    units: UnitPool,
    taken: set[str],
) -> Documents:
    """Plan ``count`` documents with ``per_document`` aliases each (fewer where a name is
    taken); ``taken``: folded names already registered."""
    first_id = plan.first_document
    institution_named = {name: number for number, name in units.names.items()}
    documents: list[NewDocument] = []
    found = Documents()

    def add(name: str, others: list[str], home: str | None, declared: bool, about: str) -> None:
        key = folded(name)
        if key in taken:
            return
        doc_id = first_id + len(documents)
        names = [name]
        taken.add(key)
        for other in others:
            if folded(other) not in taken:
                taken.add(folded(other))
                names.append(other)
        documents.append(NewDocument(name, tuple(names[1:]), home if declared else None, about))
        found.aliases += len(names) - 1
        found.ids.append(doc_id)
        if home is not None:
            found.issued_by.setdefault(home, []).append(doc_id)

    for name, others, issuer in COMMON:
        if len(documents) == count:
            break
        home = institution_named.get(issuer) if issuer else None
        about = f"{issuer} tarafından düzenlenir." if issuer else "Başvuru sahibi getirir."
        add(name, list(others[:per_document]), home, home is not None, about)
    combos = list(itertools.product(SUBJECTS, KINDS, FORMS))
    rng.shuffle(combos)
    numbered = ((s, k, f"{form} {n}") for n in itertools.count(2) for s, k, form in combos)
    for subject, kind, form in itertools.chain(combos, numbered):
        if len(documents) == count:
            break
        styles = rng.sample(ALIAS_STYLES, min(per_document, len(ALIAS_STYLES)))
        home = None
        if kind not in APPLICANT_KINDS:
            home = institution_named.get(ISSUER_OF_SUBJECT.get(subject, ""))
            if home is None and units.institutions:  # an institution the subjects do not know
                home = units.institutions[sum(map(ord, subject)) % len(units.institutions)]
        declared = home is not None and rng.random() < DECLARED_SHARE
        about = (
            f"{units.names[home]} tarafından düzenlenir."
            if home is not None
            else f"{subject} başvurusunda başvuru sahibinin doldurup imzaladığı belge."
        )
        add(
            f"{subject} {kind}{form}",
            [style(subject, kind, form) for style in styles],
            home,
            declared,
            about,
        )
    plan.documents.extend(documents)
    return found


def documents_of_database(session: Session) -> Documents:
    """The active documents already registered, the most asked for first; each belongs to the
    institution that declares it as its issuer (a service issuing it: not known here)."""
    uses = (
        select(ServiceDocument.document_id, func.count().label("uses"))
        .group_by(ServiceDocument.document_id)
        .subquery()
    )
    found = Documents()
    for doc_id, code, issuer in session.execute(
        select(Document.id, Document.code, Organization.detsis_no)
        .outerjoin(uses, uses.c.document_id == Document.id)
        .outerjoin(Organization, Organization.id == Document.issuer_id)
        .where(Document.status == "active")
        .order_by(func.coalesce(uses.c.uses, 0).desc(), Document.id)
    ):
        found.ids.append(doc_id)
        found.codes[doc_id] = code
        if issuer is not None:
            found.issued_by.setdefault(issuer, []).append(doc_id)
    return found


def taken_names(session: Session) -> set[str]:
    """Folded names already in use."""
    return set(session.scalars(select(DocumentAlias.folded)))
