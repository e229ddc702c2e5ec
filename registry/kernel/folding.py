"""``turkish.fold`` and ``turkish.sort_key`` for bulk writes: each distinct word folded once.

Folding works character by character within words and joins the words by one space, so folding
a text word by word gives the same key as folding it whole. A bulk import repeats its words
(every directorate has a "Personel Şube Müdürlüğü", every form a "Başvuru Formu") and its names,
and folding is otherwise most of the cost of writing a record: a ``Folding`` kept for one import
folds each distinct word and keys each distinct name once.
"""

from __future__ import annotations

from registry.kernel import turkish


class Folding:
    """Memoized ``turkish.fold`` (by word) and ``turkish.sort_key`` (by text), for one bulk
    write: the memo grows with the distinct words, so it is not kept beyond it."""

    def __init__(self) -> None:
        self._words: dict[str, str] = {}
        self._keys: dict[str, str] = {}

    def fold(self, *parts: str | None) -> str:
        """``turkish.fold`` of the non-empty parts joined by a space (the ``search_text`` the
        write paths store)."""
        folded = []
        for part in parts:
            for word in (part or "").split():
                found = self._words.get(word)
                if found is None:
                    found = self._words[word] = turkish.fold(word)
                if found:
                    folded.append(found)
        return " ".join(folded)

    def sort_key(self, text: str) -> str:
        """``turkish.sort_key`` cut to the column's 600 characters, as every write path stores
        it."""
        found = self._keys.get(text)
        if found is None:
            found = self._keys[text] = turkish.sort_key(text)[:600]
        return found
