"""XML renderings of API answers, built with lxml.

Element names follow the national e-Yazışma standard where one fits (``KKK`` for the DETSİS number,
``Adi``, ``IletisimBilgisi`` with ``Telefon``, ``EPosta``, ``KepAdresi`` …); other fields become the
CamelCase of their JSON name, so a JSON answer and its XML twin always carry the same data.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from lxml import etree

NAMESPACE = "urn:kaysis:registry:v1"

ELEMENT_NAMES: dict[str, str] = {
    "detsis_no": "KKK",
    "name": "Adi",
    "short_name": "KisaAdi",
    "english_name": "IngilizceAdi",
    "contact": "IletisimBilgisi",
    "phone": "Telefon",
    "fax": "Faks",
    "email": "EPosta",
    "web": "WebAdresi",
    "address": "Adres",
    "kep_addresses": "KepAdresleri",
    "province": "Il",
    "district": "Ilce",
    "parent": "UstKKK",
    "institution": "KurumKKK",
    "category": "Kategori",
    "unit_type": "BirimTuru",
    "level": "Duzey",
    "status": "Durum",
    "valid_from": "GecerlilikBaslangici",
    "valid_to": "GecerlilikBitisi",
    "path": "Yol",
    "predecessors": "Oncekiler",
    "successors": "Sonrakiler",
    "version": "SurumNo",
    "has_certificate": "SifrelemeSertifikasiVar",
    "corresponds_externally": "DisYazismaYapar",
    "active": "Aktif",
    "code": "Kod",
    "depth": "Derinlik",
    "children": "AltBirimler",
    "versions": "Surumler",
    "event": "Olay",
    "reason": "Gerekce",
    "changes": "Degisiklikler",
    "lines": "Satirlar",
    "letterhead": "Antet",
    "addressee": "Muhatap",
    "phrase": "Ifade",
    "courtesy": "ArzRica",
    "signatories": "Imzacilar",
    "surname": "Soyadi",
    "title": "Unvan",
    "delegation": "Yetki",
    "rank": "Sira",
    "sender": "GonderenKKK",
    "sender_contact": "GonderenIletisimBilgisi",
    "kep": "KepAdresi",
    "info_person": "BilgiIcin",
    "recipients": "Alicilar",
    "certificate": "SifrelemeSertifikasi",
    "pem": "Pem",
    "sha256_fingerprint": "Sha256Parmakizi",
    "subject": "Sahibi",
    "issuer": "Yayinci",
    "serial_number": "SeriNo",
    "not_before": "GecerlilikBaslangici",
    "not_after": "GecerlilikBitisi",
    "expired": "SuresiDolmus",
    "inherited_from": "DevralinanKKK",
    "owner": "SahibiKKK",
    "kind": "Tur",
    "closed": "Kapali",
}

# The element of one item in a list, by the list's JSON name.
ITEM_NAMES: dict[str, str] = {
    "kep_addresses": "KepAdresi",
    "path": "Birim",
    "predecessors": "KKK",
    "successors": "KKK",
    "children": "KurumKurulus",
    "items": "KurumKurulus",
    "versions": "Surum",
    "lines": "Satir",
    "letterhead": "Satir",
    "addressee": "Satir",
    "signatories": "Imzaci",
    "recipients": "Alici",
    "DagitimListeleri": "DagitimListesi",
}


# Characters XML 1.0 cannot carry at all. New input never holds them (registry.kernel.text and
# the HTTP guard refuse them); a record stored before that rule is still rendered, with U+FFFD
# in their place, rather than failing every XML answer that includes it.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def safe_parser() -> etree.XMLParser:
    """A parser for untrusted XML: no entities expanded, no DTD loaded, no network, no huge
    trees (a DOCTYPE is still read: callers refuse one)."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def xml_text(value: str) -> str:
    """``value`` with the characters XML cannot hold replaced by U+FFFD."""
    return _NOT_XML.sub("\ufffd", value)


def element_name(key: str) -> str:
    return ELEMENT_NAMES.get(key) or "".join(part.capitalize() for part in key.split("_"))


def to_xml(root: str, data: Any) -> bytes:
    """Serialise JSON-shaped data under ``root``; ``None`` values become empty, nil-marked tags."""
    element = etree.Element(f"{{{NAMESPACE}}}{root}", nsmap={None: NAMESPACE})
    _fill(element, data, root)
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _fill(element: Any, value: Any, key: str) -> None:
    if isinstance(value, dict):
        for child_key, child_value in value.items():
            child = etree.SubElement(element, f"{{{NAMESPACE}}}{element_name(child_key)}")
            _fill(child, child_value, child_key)
    elif isinstance(value, list):
        item_name = ITEM_NAMES.get(key, "Oge")
        for item in value:
            child = etree.SubElement(element, f"{{{NAMESPACE}}}{item_name}")
            _fill(child, item, item_name)
    elif value is None:
        element.set("{http://www.w3.org/2001/XMLSchema-instance}nil", "true")
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, datetime | date):
        element.text = value.isoformat()
    else:
        element.text = xml_text(str(value))
