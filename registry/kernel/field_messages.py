"""Field messages in Turkish and English: marshmallow's own messages are English only.

Every refusal names its field with a message a civil servant reads first in Turkish ("Türkçe /
English", as the registry's own messages are written). The validators' standard sentences are
matched here and given their Turkish half; a message that already has one, or that no pattern
knows, is kept as it is. ``is_library_message`` tells the pages that prefer a field-specific
sentence of their own (the citizen's complaint form) which messages came from the library.
"""

from __future__ import annotations

import re

SEPARATOR = " / "

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(english), turkish)
    for english, turkish in (
        (r"Missing data for required field\.", "Bu alan zorunludur"),
        (r"Field may not be null\.", "Bu alan boş bırakılamaz"),
        (r"Unknown field\.", "Bilinmeyen alan"),
        (r"Not a valid string\.", "Metin olmalıdır"),
        (r"Not a valid integer\.", "Tam sayı olmalıdır"),
        (r"Not a valid number\.", "Sayı olmalıdır"),
        (r"Not a valid boolean\.", "Doğru ya da yanlış (true/false) olmalıdır"),
        (r"Not a valid date\.", "Geçerli bir tarih değil (YYYY-AA-GG)"),
        (r"Not a valid datetime\.", "Geçerli bir tarih ve saat değil"),
        (r"Not a valid time\.", "Geçerli bir saat değil"),
        (r"Not a valid email address\.", "Geçerli bir e-posta adresi değil"),
        (r"Not a valid URL\.", "Geçerli bir web adresi (URL) değil"),
        (r"Not a valid UUID\.", "Geçerli bir UUID değil"),
        (r"Not a valid list\.", "Liste olmalıdır"),
        (r"Not a valid mapping type\.", "Nesne (alan: değer) olmalıdır"),
        (r"Invalid input type\.", "Geçersiz değer türü"),
        (r"Invalid value\.", "Geçersiz değer"),
        (r"String does not match expected pattern\.", "Beklenen biçimde değil"),
        (r"Must be one of: (?P<choices>.*)\.", "Şunlardan biri olmalıdır: {choices}"),
        (r"Length must be (?P<equal>\d+)\.", "Uzunluğu {equal} olmalıdır"),
        (
            r"Length must be between (?P<min>\d+) and (?P<max>\d+)\.",
            "Uzunluğu {min} ile {max} arasında olmalıdır",
        ),
        (r"Shorter than minimum length (?P<min>\d+)\.", "En az {min} uzunlukta olmalıdır"),
        (r"Longer than maximum length (?P<max>\d+)\.", "En çok {max} uzunlukta olabilir"),
        (
            r"Must be greater than or equal to (?P<min>\S+) and less than or equal to "
            r"(?P<max>\S+)\.",
            "{min} ile {max} arasında olmalıdır",
        ),
        (r"Must be greater than or equal to (?P<min>\S+)\.", "En az {min} olmalıdır"),
        (r"Must be less than or equal to (?P<max>\S+)\.", "En çok {max} olabilir"),
        (r"Must be greater than (?P<min>\S+)\.", "{min} değerinden büyük olmalıdır"),
        (r"Must be less than (?P<max>\S+)\.", "{max} değerinden küçük olmalıdır"),
    )
)


def bilingual(message: str) -> str:
    """``message`` as "Türkçe / English" when it is one of the validators' English sentences."""
    if SEPARATOR in message:
        return message
    for pattern, turkish in _PATTERNS:
        found = pattern.fullmatch(message)
        if found:
            return f"{turkish.format(**found.groupdict())}{SEPARATOR}{message}"
    return message


def is_library_message(message: str) -> bool:
    """Whether ``message`` is a validator's standard sentence (English, or given Turkish here)."""
    english = message.split(SEPARATOR, 1)[1] if SEPARATOR in message else message
    return any(pattern.fullmatch(english) for pattern, _ in _PATTERNS)
