"""Stored text as people read it: one normal form, nothing invisible, no look-alike letters.

A registry that compares names must compare what people see. "Göç" typed with a combining
diaeresis, with a zero-width space inside, or with a Cyrillic "о" looks the same as the
registered "Göç" and would slip past a byte comparison as a second, different unit. So every text
a caller stores is:

* put in Unicode NFC (a decomposed "ö" becomes the one character "ö");
* stripped, with runs of whitespace collapsed to one space (single-line fields) or trailing
  spaces dropped and line breaks normalised (multi-line fields);
* refused if it holds a control character (C0/C1; tabs and line breaks only in multi-line
  fields), a format character (zero-width spaces and joiners, bidirectional overrides, the BOM,
  soft hyphens), a private-use, surrogate or unassigned code point, or a line/paragraph separator;
* refused if a word mixes letters of another script that look like Latin ones (a Cyrillic "е"
  among Latin letters): Unicode TR39's mixed-script confusable check, from the maintained
  ``confusable_homoglyphs`` data rather than a table of our own.

``name_key`` is the comparison key for "the same name": the normal form, lower-cased by Turkish
rules.
"""

from __future__ import annotations

import re
import unicodedata

from confusable_homoglyphs import confusables

from registry.kernel import turkish

_REFUSED_CATEGORIES = {
    "Cc": "denetim karakteri / control character",
    "Cf": "görünmez biçim karakteri / invisible format character",
    "Co": "özel kullanım karakteri / private-use character",
    "Cs": "geçersiz karakter / surrogate",
    "Cn": "tanımsız karakter / unassigned character",
    "Zl": "satır ayırıcı / line separator",
    "Zp": "paragraf ayırıcı / paragraph separator",
}
_MULTILINE_ALLOWED = {"\n", "\t"}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)  # runs of letters: where scripts may not mix
_SPACES = re.compile(r"\s+")
_LINE_ENDINGS = re.compile(r"\r\n?")


class TextProblem(ValueError):
    """Why a text cannot be stored; the message is Turkish / English."""


def normalize(text: str, *, multiline: bool = False) -> str:
    """The form a text is stored in (NFC, trimmed, whitespace collapsed); does not validate."""
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        return _SPACES.sub(" ", text).strip()
    text = _LINE_ENDINGS.sub("\n", text)
    return "\n".join(line.rstrip() for line in text.split("\n")).strip()


def problem(text: str, *, multiline: bool = False) -> str | None:
    """Why ``text`` may not be stored, or None. A line break inside a single-line field is a
    control character there; around it, it is only trimmed."""
    text = unicodedata.normalize("NFC", text).strip()
    if multiline:
        text = _LINE_ENDINGS.sub("\n", text)
    for position, char in enumerate(text, start=1):
        if multiline and char in _MULTILINE_ALLOWED:
            continue
        category = unicodedata.category(char)
        reason = _REFUSED_CATEGORIES.get(category)
        if reason is not None:
            return f"{position}. karakter {reason} (U+{ord(char):04X})"
    for word in _WORD.findall(text):
        # An all-ASCII word is all Latin: nothing to mix (and long texts stay cheap).
        if not word.isascii() and confusables.is_dangerous(word):
            return (
                f"'{word}' sözcüğünde başka bir alfabeden benzer harf var / the word mixes "
                "look-alike letters of another script"
            )
    return None


def clean(text: str, *, multiline: bool = False) -> str:
    """The normal form of ``text``; raises ``TextProblem`` when it may not be stored."""
    reason = problem(text, multiline=multiline)
    if reason is not None:
        raise TextProblem(reason)
    return normalize(text, multiline=multiline)


def name_key(text: str) -> str:
    """Two names are the same name when their keys are equal: normal form, Turkish lower case."""
    return turkish.lower(normalize(text))


# Characters no stored text, key, header or parameter may hold anywhere: the C0 controls but
# tab and line breaks, DEL and the C1 controls. NUL is among them: PostgreSQL refuses it in any
# text, and XML 1.0 has no way to write it.
_FORBIDDEN_ANYWHERE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def control_problem(value: str) -> str | None:
    """Why ``value`` may travel nowhere (a control character other than tab or line break), or
    None. Cheap enough to run over every parameter and every string of a request body."""
    found = _FORBIDDEN_ANYWHERE.search(value)
    if found is None:
        return None
    char = found.group()
    return (
        f"{found.start() + 1}. karakter denetim karakteri / control character (U+{ord(char):04X})"
    )
