"""Turkish text rules: case mapping, title case, search folding, collation and the dative case.

Python's ``str.upper``/``str.lower`` follow English rules (``"i".upper() == "I"``,
``"İ".lower() == "i̇"`` with a combining dot), its default string order puts ``ç`` after ``z``,
and official letters need the addressee in the dative case with Turkish vowel harmony. Every
module of the registry that touches Turkish text goes through these functions so the rules live
in one place.

Why this module is long: it is one rule set, the Turkish language's, and its parts lean on each
other: the dative needs the vowel classes, the case mapping and the all-capitals test that title
case and folding use, and its word lists (abbreviations, possessive heads, loanwords) are data
written one per cell. Split, the dative would reach into another module's private rules, and a
reader would have two places to look for "how does the registry treat Turkish text".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping

__all__ = [
    "ABBREVIATION_READINGS",
    "KNOWN_ABBREVIATIONS",
    "dative",
    "fold",
    "is_abbreviation",
    "lower",
    "sort_key",
    "title",
    "title_of_capitals",
    "upper",
]

_DOTTED_I_ABOVE = "\u0307"

_BACK_VOWELS = frozenset("aıouâû")
_FRONT_VOWELS = frozenset("eiöüî")
_VOWELS = _BACK_VOWELS | _FRONT_VOWELS


# --------------------------------------------------------------------------------------------
# Case mapping
# --------------------------------------------------------------------------------------------


def upper(text: str) -> str:
    """Upper-case ``text`` the Turkish way: ``i`` → ``İ`` and ``ı`` → ``I``.

    Everything else goes through ``str.upper`` so non-Turkish letters (``ß`` → ``SS``) keep
    their usual behaviour. The input is NFC-normalised first so decomposed letters map as one.
    """
    text = unicodedata.normalize("NFC", text)
    return text.replace("i", "İ").replace("ı", "I").upper()


def lower(text: str) -> str:
    """Lower-case ``text`` the Turkish way: ``İ`` → ``i`` and ``I`` → ``ı``.

    The input is NFC-normalised first, so a decomposed ``I`` + U+0307 becomes ``İ`` and then
    ``i``; the result never contains a combining dot above an ``i`` (which ``str.lower`` would
    produce for ``İ`` and which breaks matching and display).
    """
    text = unicodedata.normalize("NFC", text)
    text = text.replace("İ", "i").replace("I", "ı").lower()
    if _DOTTED_I_ABOVE in text:
        # A dot that could not be composed (e.g. after a lower-case i or ı) only repeats the dot.
        text = re.sub("[iı]" + _DOTTED_I_ABOVE, "i", text)
    return text


def _is_all_caps(text: str) -> bool:
    """True when ``text`` has cased letters and none of them is lower case."""
    letters = [ch for ch in text if ch.isalpha()]
    return (
        bool(letters)
        and all(not ch.islower() for ch in letters)
        and any(ch.isupper() for ch in letters)
    )


# --------------------------------------------------------------------------------------------
# Title case
# --------------------------------------------------------------------------------------------

_PARTICLES = frozenset({"ve", "ile", "veya", "için", "de", "da", "ki"})
_ROMAN_NUMERALS = frozenset({"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"})
_DEFAULT_KEEP = ("T.C.",)
_APOSTROPHES = "'’"
_WORD_EDGE = re.compile(r"^(\W*)(.*?)(\W*)$", re.DOTALL)


def _capitalize_part(part: str) -> str:
    """Capitalise one hyphen-free piece: first letter via ``upper``, the rest via ``lower``.

    A piece that starts with a digit (``2nci``) is only lower-cased: ``2Nci`` would be wrong.
    """
    for i, ch in enumerate(part):
        if ch.isalpha():
            return part[:i] + upper(ch) + lower(part[i + 1 :])
        if ch.isdigit():
            break
    return lower(part)


def _capitalize_word(word: str) -> str:
    """Capitalise each hyphen-separated piece (``Ar-Ge``); text after an apostrophe stays lower."""
    return "-".join(_capitalize_part(piece) for piece in word.split("-"))


def title(text: str, keep: Collection[str] = ()) -> str:
    """Turkish Title Case for institution and unit names (``İl Göç İdaresi Müdürlüğü``).

    Every word gets a Turkish capital initial and Turkish lower case after it; hyphenated
    parts are capitalised separately (``Ar-Ge``); suffixes after an apostrophe stay lower case
    (``Türkiye'nin``). The conjunctions/particles ``ve, ile, veya, ya da, için, de, da, ki`` stay
    lower case unless they open the name. Words listed in ``keep`` (matched case-insensitively,
    written as given there, e.g. ``TÜBİTAK``, ``SGK``) and, by default, ``T.C.`` and the upper-case
    Roman numerals I–X are kept verbatim, because abbreviations must not become ``Sgk``.
    Whitespace is preserved.
    """
    keep_map = {lower(k): k for k in (*_DEFAULT_KEEP, *keep)}
    pieces = re.split(r"(\s+)", unicodedata.normalize("NFC", text))
    words = [i for i, piece in enumerate(pieces) if piece and not piece.isspace()]
    out = list(pieces)
    for position, index in enumerate(words):
        token = pieces[index]
        if token in _ROMAN_NUMERALS or lower(token) in keep_map:
            out[index] = keep_map.get(lower(token), token)
            continue
        match = _WORD_EDGE.match(token)
        assert match is not None  # the pattern matches every string
        lead, core, trail = match.groups()
        core_lower = lower(core)
        if core in _ROMAN_NUMERALS:
            new_core = core
        elif core_lower in keep_map:
            new_core = keep_map[core_lower]
        elif position > 0 and core_lower in _PARTICLES:
            new_core = core_lower
        elif (
            position > 0
            and core_lower == "ya"
            and position + 1 < len(words)
            and lower(pieces[words[position + 1]]).strip(".,;:") == "da"
        ):
            new_core = core_lower
        else:
            new_core = _capitalize_word(core)
        out[index] = lead + new_core + lower(trail)
    return "".join(out)


def title_of_capitals(text: str, keep: Collection[str] = ()) -> str:
    """Title case for a name typed all in capitals, as KMS and institutions' lists write them.

    Unlike :func:`title`, it must guess what the capitals hid: acronyms are kept as written
    (a word with no vowel ``TCDD``, a known abbreviation, ``P&I``, a hyphenated word with such a
    part ``SHY-FUA``), and when the text has no ``İ`` at all it was typed on a keyboard without
    Turkish capitals, so each ``I`` is ``i`` or ``ı`` by the vowel before it (``GEZI`` → ``Gezi``,
    ``YABANCILAR`` → ``Yabancılar``; ``i`` when no vowel comes before it).
    """
    text = unicodedata.normalize("NFC", text)
    typed_without_dots = "İ" not in text
    pieces = re.split(r"(\s+)", text)
    acronyms: list[str] = list(keep)
    for index, piece in enumerate(pieces):
        core = piece.strip(".,;:()[]\"'’")
        if not core or piece.isspace():
            continue
        if _is_acronym(core):
            acronyms.append(core)
        elif typed_without_dots and "I" in piece:
            pieces[index] = _dots_by_harmony(piece)
    return title("".join(pieces), keep=acronyms)


def _is_acronym(core: str) -> bool:
    """A capitals-only word that is an abbreviation, not a word written in capitals."""
    if "&" in core or core in KNOWN_ABBREVIATIONS:
        return True
    for part in core.split("-"):
        letters = lower("".join(ch for ch in part if ch.isalpha()))
        if len(letters) >= 2 and not any(ch in _VOWELS for ch in letters):
            return True
    return False


def _dots_by_harmony(word: str) -> str:
    """Each ``I`` of a word typed without Turkish capitals as ``İ`` after a front vowel (or
    none), as ``I`` after a back vowel: the vowel harmony of Turkish suffixes."""
    out: list[str] = []
    previous: str | None = None
    for ch in word:
        lowered = lower(ch)
        if ch == "I":
            ch = "I" if previous in _BACK_VOWELS else "İ"
            lowered = lower(ch)
        if lowered in _VOWELS:
            previous = lowered
        out.append(ch)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# Search folding
# --------------------------------------------------------------------------------------------

_FOLD_TABLE = str.maketrans(
    {"ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i", "û": "u"}
)


def fold(text: str) -> str:
    """Reduce ``text`` to an accent- and case-free key: ``"GÖÇ İdaresi"`` → ``"goc idaresi"``.

    Users type without Turkish letters (``gocmen`` for ``göçmen``), so the key Turkish-lowers,
    maps ``ç ğ ı ö ş ü â î û`` to ASCII, strips every other combining mark, case-folds (``ß`` →
    ``ss``) and turns every run of non-alphanumeric characters into one space. ``ı`` and ``i``
    both become ``i``: that loss is intended, it is what makes ``ISPARTA`` match ``isparta``.
    """
    text = lower(text).translate(_FOLD_TABLE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


# --------------------------------------------------------------------------------------------
# Collation
# --------------------------------------------------------------------------------------------

_TURKISH_UNITS = {"ç": "c1", "ğ": "g1", "ı": "i0", "i": "i1", "ö": "o1", "ş": "s1", "ü": "u1"}
_SEPARATOR_UNIT = "  "


def _collation_atoms(text: str) -> list[str]:
    """Turkish-lower ``text`` and NFKD-decompose every non-Turkish, non-ASCII character."""
    atoms: list[str] = []
    for ch in lower(text):
        if ch in _TURKISH_UNITS or ch.isascii():
            atoms.append(ch)
            continue
        for part in unicodedata.normalize("NFKD", ch):
            atoms.append(part.lower() if part.isascii() else part)
    return atoms


def _collation_unit(ch: str) -> str | None:
    """The unit for one atom; ``None`` means "separator", ``""`` means "ignore"."""
    unit = _TURKISH_UNITS.get(ch)
    if unit is not None:
        return unit
    if "a" <= ch <= "z" or "0" <= ch <= "9":
        return ch + "0"
    if ch.isascii():
        return None  # whitespace, punctuation, symbols, controls
    if unicodedata.category(ch).startswith("M"):
        return ""  # accents of decomposed letters: â sorts as a
    digit = unicodedata.decimal(ch, None)
    if digit is not None:
        return f"{digit}0"
    if ch.isalpha():
        folded = ch.casefold()
        if folded != ch and folded.isascii() and folded.isalpha():
            return "".join(letter + "0" for letter in folded)  # ß → ss
        return "{" + f"{ord(ch):06x}"
    return None


def sort_key(text: str) -> str:
    """An ASCII string whose plain code-point order is Turkish alphabetical order.

    Python ``<``, SQLite ``BINARY`` and PostgreSQL ``COLLATE "C"`` compare the key byte by byte,
    so ordering by it gives ``a b c ç d e f g ğ h ı i j k l m n o ö p r s ş t u ü v y z`` in any
    database without an ICU collation. Case is ignored (the text is Turkish-lowered first).

    Encoding: the text becomes a sequence of *units*, each a fixed string chosen by its first
    character:

    * a run of whitespace/punctuation/symbols → ``"  "`` (two spaces); leading and trailing
      runs are dropped;
    * a digit (any script) → the ASCII digit + ``"0"``;
    * a letter → its ASCII base letter + a rank digit: ``"0"`` for the plain letter, ``"1"`` for
      the Turkish letter sorted right after it (``c0 c1`` = c ç, ``g0 g1`` = g ğ, ``i0 i1`` = ı i,
      ``o0 o1`` = o ö, ``s0 s1`` = s ş, ``u0 u1`` = u ü). Other accented letters (``â``, ``é``)
      are NFKD-decomposed and sort as their base letter (``kâr`` and ``kar`` get equal keys);
      ``ß`` becomes ``ss``;
    * any other letter (Greek, Cyrillic, ``ø``…) → ``"{"`` + its code point as 6 lower-case hex
      digits, so it sorts after ``z`` in code-point order.

    Why the order is right: every unit's first character tells its kind and therefore its
    length (space → 2, digit → 2, ``a``–``z`` → 2, ``{`` → 7), so two keys agree up to a unit
    boundary and first differ inside the same unit position. There, the first characters order
    the kinds as separator (0x20) < digit (0x30–0x39) < letter (0x61–0x7A) < other (0x7B); within
    letters the base letter decides, and for the same base the rank digit puts the Turkish
    letter after the plain one; hex digits ``0-9a-f`` are in code-point order. If one key is a
    prefix of the other, the shorter one sorts first, so ``Ak`` < ``Ak Parti`` < ``Akçay``.
    Digits compare one by one (``10`` < ``2``), as in a dictionary, not numerically.
    """
    units: list[str] = []
    pending_separator = False
    for atom in _collation_atoms(text):
        unit = _collation_unit(atom)
        if unit is None:
            pending_separator = bool(units)
            continue
        if not unit:
            continue
        if pending_separator:
            units.append(_SEPARATOR_UNIT)
            pending_separator = False
        units.append(unit)
    return "".join(units)


# --------------------------------------------------------------------------------------------
# Dative case (yönelme hâli)
# --------------------------------------------------------------------------------------------

#: How abbreviations are pronounced when the heuristic in :func:`_reads_as_word` is wrong for
#: them; the value is the pronunciation in lower-case Turkish that drives the suffix.
ABBREVIATION_READINGS: Mapping[str, str] = {
    "TÜRKSAT": "türksat",
    "TOBB": "tob",
    "MEB": "meb",
}

#: All-capital names always treated as abbreviations, including ones of six or more letters
#: that would otherwise look like a capitalised word (``SAYIŞTAY`` is a word, ``TÜBİTAK`` is not).
KNOWN_ABBREVIATIONS: frozenset[str] = frozenset(
    {
        "AFAD", "ASELSAN", "BDDK", "BOTAŞ", "DHMİ", "DİSK", "EPDK", "HAVELSAN", "KOSGEB", "KVKK",
        "MEB", "MİT", "MÜSİAD", "PTT", "ROKETSAN", "SGK", "SPK", "TBMM", "TCDD", "THY", "TOBB",
        "TOKİ", "TRT", "TÜBİTAK", "TÜİK", "TÜRKAK", "TÜRKSAT", "TÜSİAD", "UNESCO", "UNICEF",
        "YÖK", "İŞKUR",
    }
    | set(ABBREVIATION_READINGS)
)  # fmt: skip

_LETTER_NAMES = {
    "a": "a", "b": "be", "c": "ce", "ç": "çe", "d": "de", "e": "e", "f": "fe", "g": "ge",
    "ğ": "yumuşak ge", "h": "he", "ı": "ı", "i": "i", "j": "je", "k": "ka", "l": "le", "m": "me",
    "n": "ne", "o": "o", "ö": "ö", "p": "pe", "r": "re", "s": "se", "ş": "şe", "t": "te",
    "u": "u", "ü": "ü", "v": "ve", "y": "ye", "z": "ze", "q": "kü", "w": "çift ve", "x": "iks",
}  # fmt: skip

#: Word-final consonant pairs that a Turkish speaker pronounces (``DİSK`` is read "disk").
_CODA_CLUSTERS = frozenset(
    {"rk", "rt", "rp", "rç", "rs", "lk", "lt", "lp", "lç", "nk", "nt", "nç", "st", "şt", "sk",
     "ks", "kt", "ft", "mp"}
)  # fmt: skip

#: Last words that take "n" after their final vowel: third-person possessive heads of names.
_POSSESSIVE_HEADS = frozenset(
    {
        "ajansı", "akademisi", "bakanlığı", "bankası", "başkanlığı", "belediyesi", "birimi",
        "birliği", "dairesi", "enstitüsü", "fakültesi", "federasyonu", "genelkurmayı", "grubu",
        "hastanesi", "heyeti", "idaresi", "kaymakamlığı", "koleji", "komisyonu", "komutanlığı",
        "konfederasyonu", "konseyi", "kulübü", "kurulu", "kurumu", "lisesi", "mahkemesi",
        "meclisi", "merkezi", "müdürlüğü", "müşavirliği", "ofisi", "odası", "okulu",
        "rektörlüğü", "sekreterliği", "teşkilatı", "valiliği", "vakfı", "yüksekokulu",
        "üniversitesi", "şirketi", "şubesi",
    }
)  # fmt: skip

#: Single-word endings that mark a possessive form even without a preceding word.
_POSSESSIVE_ENDINGS = (
    "ğı", "ği", "ğu", "ğü", "sı", "si", "su", "sü", "ları", "leri",
)  # fmt: skip

#: Vowel-final roots that only look possessive (``İkinci Ordu`` → ``İkinci Orduya``).
_NON_POSSESSIVE_ROOTS = frozenset({"ordu", "kapı", "köprü", "sergi"})

#: Loanwords ending in a "soft" l or t that take front suffixes despite a back last vowel.
_FRONT_EXCEPTIONS = frozenset(
    {"alkol", "gol", "hal", "hâl", "ihtimal", "istiklal", "kabul", "kontrol", "petrol",
     "protokol", "rol", "saat", "santral", "sembol", "terminal", "usul"}
)  # fmt: skip

_SOFTENING_ENDINGS = ("lık", "lik", "luk", "lük")

_ONES = ("", "bir", "iki", "üç", "dört", "beş", "altı", "yedi", "sekiz", "dokuz")
_TENS = ("", "on", "yirmi", "otuz", "kırk", "elli", "altmış", "yetmiş", "seksen", "doksan")
_SCALES = ("", "bin", "milyon", "milyar", "trilyon", "katrilyon")


def _last_vowel(word: str) -> str | None:
    """The last Turkish vowel of an already Turkish-lowered word, if any."""
    for ch in reversed(word):
        if ch in _VOWELS:
            return ch
    return None


def _harmony_vowel(word: str) -> str:
    """``a`` after a back last vowel, ``e`` after a front one (lowered input)."""
    if word in _FRONT_EXCEPTIONS:
        return "e"
    vowel = _last_vowel(word)
    return "a" if vowel in _BACK_VOWELS else "e"


def _suffix_by_sound(pronunciation: str) -> str:
    """``a/e`` after a consonant, ``ya/ye`` after a vowel: the suffix heard after a sound."""
    vowel = _harmony_vowel(pronunciation)
    return ("y" + vowel) if pronunciation[-1:] in _VOWELS else vowel


def _number_word(digits: str) -> str:
    """The last spoken word of a number (``2000`` → ``bin``, ``40`` → ``kırk``)."""
    number = int(digits)
    if number == 0:
        return "sıfır"
    scale = 0
    while number % 1000 == 0:
        number //= 1000
        scale += 1
    if scale:
        return _SCALES[min(scale, len(_SCALES) - 1)]
    group = number % 1000
    if group % 10:
        return _ONES[group % 10]
    if group % 100:
        return _TENS[group // 10 % 10]
    return "yüz"


def _reads_as_word(letters: str) -> bool:
    """Whether a lower-cased abbreviation is pronounced as a word (``tübitak``) or spelled.

    Read as a word when it has at least 3 letters, contains a vowel, does not start with two
    consonants, has no run of three consonants, and, if it ends in two consonants, has at least
    4 letters and ends in a cluster Turkish allows at the end of a word (``disk``).
    """
    if len(letters) < 3 or not any(ch in _VOWELS for ch in letters):
        return False
    pattern = "".join("v" if ch in _VOWELS else "c" for ch in letters)
    if pattern.startswith("cc") or "ccc" in pattern:
        return False
    if pattern.endswith("cc"):
        return len(letters) >= 4 and letters[-2:] in _CODA_CLUSTERS
    return True


def _pronounce_abbreviation(token: str) -> str:
    """Lower-case Turkish pronunciation of an abbreviation, used only to choose its suffix."""
    reading = ABBREVIATION_READINGS.get(token.rstrip("."))
    if reading is not None:
        return reading
    letters = lower("".join(ch for ch in token if ch.isalpha()))
    if _reads_as_word(letters):
        return letters
    return "".join(_LETTER_NAMES.get(ch, ch) for ch in letters)


def is_abbreviation(name: str) -> bool:
    """Whether :func:`dative` treats the last token of ``name`` as an abbreviation.

    The last token must be written in capitals (digits, dots and hyphens allowed) and be:
    in :data:`KNOWN_ABBREVIATIONS`; or without any vowel (``SGK``) or a single letter; or, when
    it is the whole name, at most 5 letters long or containing ``.``/``-``/digits (``AFAD``,
    ``TÜRK-İŞ``); or, after words that are not all capitals, at most 5 letters long. A longer
    single capitalised word (``SAYIŞTAY``) and any word of a multi-word all-capitals name
    (``İÇİŞLERİ BAKANLIĞI``) are institution names, not abbreviations.
    """
    core, _ = _split_tail(unicodedata.normalize("NFC", name).strip())
    before, token = _split_last_token(core)
    return _token_is_abbreviation(token, before)


def _token_is_abbreviation(token: str, before: str) -> bool:
    """The rule of :func:`is_abbreviation` for an already split token."""
    letters = "".join(ch for ch in token if ch.isalpha())
    if not letters or not _is_all_caps(letters):
        return False
    bare = token.rstrip(".")
    if token in KNOWN_ABBREVIATIONS or bare in KNOWN_ABBREVIATIONS:
        return True
    lowered = lower(letters)
    if len(letters) == 1 or not any(ch in _VOWELS for ch in lowered):
        return True
    if not before.strip():
        marked = any(ch in ".-" or ch.isdigit() for ch in token)
        return len(letters) <= 5 or marked
    return len(letters) <= 5 and not _is_all_caps(before)


def _split_tail(text: str) -> tuple[str, str]:
    """Split off what follows the last word: punctuation, or a trailing ``(…)`` remark."""
    parenthetical = re.search(r"\s*\([^()]*\)\W*$", text)
    if parenthetical and text[: parenthetical.start()].strip():
        head, tail = text[: parenthetical.start()], text[parenthetical.start() :]
    else:
        head, tail = text, ""
    end = len(head)
    while end and not head[end - 1].isalnum():
        end -= 1
    core, trail = head[:end], head[end:]
    # Keep the final dot of a dotted abbreviation (``T.C.``) with the abbreviation.
    if trail.startswith(".") and re.search(r"(?:^|\s)(?:\w\.)+\w$", core):
        core, trail = core + ".", trail[1:]
    return core, trail + tail


def _split_last_token(core: str) -> tuple[str, str]:
    """Split ``core`` into everything before its last whitespace-separated token and the token."""
    match = re.search(r"\S+$", core)
    if match is None:
        return core, ""
    start = match.start()
    while start < len(core) and not core[start].isalnum():
        start += 1  # an opening parenthesis or quote belongs to what comes before
    return core[:start], core[start:]


def _dative_of_word(token: str, before: str) -> str:
    """Dative of an institution-name word: suffix joined without an apostrophe."""
    word = re.split(r"[-'’]", token)[-1]
    lowered = lower(word)
    if not any(ch in _VOWELS for ch in lowered):
        return token + "'" + _suffix_by_sound(_pronounce_abbreviation(token))
    caps = _is_all_caps(word)
    vowel = _harmony_vowel(lowered)
    if lowered[-1] in _VOWELS:
        multi_word = bool(before.strip())
        possessive = (
            lowered in _POSSESSIVE_HEADS
            or lowered.endswith(_POSSESSIVE_ENDINGS)
            or (multi_word and lowered[-1] in "ıiuü" and lowered not in _NON_POSSESSIVE_ROOTS)
        )
        suffix = ("n" if possessive else "y") + vowel
        stem = token
    elif lowered.endswith(_SOFTENING_ENDINGS) and len(lowered) > 3:
        # -lık/-lik/-luk/-lük always soften before a vowel: Başkanlık → Başkanlığa.
        suffix = vowel
        stem = token[:-1] + ("Ğ" if caps else "ğ")
    else:
        suffix = vowel
        stem = token
    return stem + (upper(suffix) if caps else suffix)


def dative(name: str) -> str:
    """The dative case (``-e hâli``) of an institution/unit name or abbreviation.

    Official letters address the recipient in the dative (``İÇİŞLERİ BAKANLIĞINA``). Rules:

    * harmony by the last vowel: back ``a ı o u â û`` → ``a``, front ``e i ö ü î`` → ``e``;
    * consonant-final words add ``a/e`` (``Sayıştaya``); ``-lık/-lik/-luk/-lük`` soften the
      ``k`` (``Genel Sekreterliğe``); no other softening is written;
    * vowel-final words add ``na/ne`` after a possessive ending — a known head such as
      ``Bakanlığı``/``Kurulu``, a word ending in ``ğı sı si su sü ları leri…``, or, in a name of
      two or more words, a last word ending in ``ı i u ü`` — and ``ya/ye`` otherwise;
    * institution names take no apostrophe; the suffix is in capitals when the last word is;
    * abbreviations (see :func:`is_abbreviation`) take an apostrophe and a lower-case suffix by
      pronunciation: read as a word (``TÜBİTAK'a``, ``TOKİ'ye``) or letter by letter with
      Turkish letter names, K = "ka", H = "he" (``SGK'ya``, ``TBMM'ye``);
      :data:`ABBREVIATION_READINGS` overrides the guess; a final number is read aloud
      (``TRT 1'e``);
    * surrounding whitespace is dropped; trailing punctuation and a trailing ``(…)`` remark are
      kept after the inflected word (``Göç İdaresi Başkanlığına (GİB)``).

    Place and person names are not recognised: they would need an apostrophe (``Ankara'ya``).
    """
    text = unicodedata.normalize("NFC", name).strip()
    core, tail = _split_tail(text)
    before, token = _split_last_token(core)
    if not token:
        return text
    if token[-1].isdigit():
        digits = re.search(r"\d+$", token)
        assert digits is not None
        inflected = token + "'" + _suffix_by_sound(_number_word(digits.group()))
    elif _token_is_abbreviation(token, before):
        inflected = token + "'" + _suffix_by_sound(_pronounce_abbreviation(token.rstrip(".")))
    else:
        inflected = _dative_of_word(token, before)
    return before + inflected + tail
