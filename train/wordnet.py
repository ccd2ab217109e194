"""Synonyms from WordNet's database files, for training the reader on questions worded
otherwise than their answer sentence (``train.reader --reword-share``).

The files are Debian's ``wordnet-base`` (``apt-get install wordnet-base``: WordNet 3.0, under
Princeton's WordNet licence, which allows use and redistribution with its notice); they are
read at training time only and never shipped. A word is taken to its base forms as WordNet's
own "morphy" does (the exception lists, then the suffix rules), and its synonyms are the other
words of its commonest senses.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

FOLDER = Path("/usr/share/wordnet")
PARTS = ("noun", "verb", "adj", "adv")
_PART_OF = {"n": "noun", "v": "verb", "a": "adj", "s": "adj", "r": "adv"}

# WordNet's suffix rules per part of speech: (ending, replaced by).
_RULES = {
    "noun": (
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ),
    "verb": (
        ("s", ""),
        ("ies", "y"),
        ("es", "e"),
        ("es", ""),
        ("ed", "e"),
        ("ed", ""),
        ("ing", "e"),
        ("ing", ""),
    ),
    "adj": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "adv": (),
}


class WordNetMissing(RuntimeError):
    """WordNet's files are not where they were looked for."""


class WordNet:
    def __init__(self, folder: Path = FOLDER) -> None:
        if not (folder / "index.noun").is_file():
            raise WordNetMissing(
                f"no WordNet database in {folder}: install it with "
                "'apt-get install wordnet-base', or train without --reword-share"
            )
        # word -> the byte offsets of its senses in data.<part>, commonest first
        self.index: dict[str, dict[str, list[int]]] = {p: {} for p in PARTS}
        self.exceptions: dict[str, dict[str, list[str]]] = {p: {} for p in PARTS}
        self.data: dict[str, bytes] = {}
        for part in PARTS:
            for line in (folder / f"index.{part}").read_text(encoding="latin-1").splitlines():
                if line.startswith(" "):
                    continue  # the licence at the top
                fields = line.split()
                pointers = int(fields[3])
                senses = int(fields[2])
                offsets = fields[4 + pointers + 2 :][:senses]
                self.index[part][fields[0]] = [int(o) for o in offsets]
            exc = folder / f"{part}.exc"
            if exc.is_file():
                for line in exc.read_text(encoding="latin-1").splitlines():
                    inflected, *bases = line.split()
                    self.exceptions[part][inflected] = bases
            self.data[part] = (folder / f"data.{part}").read_bytes()

    def base_forms(self, word: str) -> list[tuple[str, str]]:
        """The (part of speech, base form) pairs WordNet knows ``word`` as: "handed" is
        the verb "hand", "geese" the noun "goose"."""
        word = word.lower()
        found: list[tuple[str, str]] = []
        for part in PARTS:
            forms = [word, *self.exceptions[part].get(word, [])]
            if word not in self.index[part]:  # "species" is not a plural of "specie"
                forms += [
                    word[: -len(end)] + new for end, new in _RULES[part] if word.endswith(end)
                ]
            for form in dict.fromkeys(forms):
                if form and form in self.index[part] and (part, form) not in found:
                    found.append((part, form))
        return found

    def _line(self, part: str, offset: int) -> list[str]:
        data = self.data[part]
        return data[offset : data.index(b"\n", offset)].decode("latin-1").split()

    def _synset(self, part: str, offset: int) -> list[str]:
        return _lemmas(self._line(part, offset))

    def _other_words(
        self,
        forms: list[tuple[str, str]],
        senses: int,
        own: set[str],
        related: Callable[[str, int, str], list[str]],
    ) -> list[str]:
        """The words ``related(part, offset, form)`` gives for each of these base forms'
        ``senses`` commonest senses, commonest first, with spaces for WordNet's underscores,
        each once and none of ``own``."""
        out: list[str] = []
        for part, form in forms:
            for offset in self.index[part][form][:senses]:
                for lemma in related(part, offset, form):
                    text = lemma.replace("_", " ")
                    if lemma not in own and text not in out:
                        out.append(text)
        return out

    def antonyms(self, word: str, senses: int = 1) -> list[str]:
        """The words WordNet gives as ``word``'s opposites in its ``senses`` commonest senses
        in each part of speech it is ("shallow" of "deep", "secondary" of "primary",
        "exclude" of "includes"), never one of its own synonyms in any sense. A question with
        one put for the word it shares with its answer sentence asks what that sentence does
        not state."""
        forms = self.base_forms(word)
        own = {word.lower(), *(f for _, f in forms)}
        for part, form in forms:
            for offset in self.index[part][form]:
                own.update(self._synset(part, offset))
        return self._other_words(forms, senses, own, self._opposites)

    def _opposites(self, part: str, offset: int, form: str) -> list[str]:
        """The words a synset's antonym pointers ("!") lead to from ``form``: such a pointer
        is between two words (its source/target field, "0000" for whole synsets)."""
        line = self._line(part, offset)
        lemmas = _lemmas(line)
        at = 4 + 2 * len(lemmas)
        found = []
        for k in range(int(line[at])):
            symbol, target, pos, ends = line[at + 1 + 4 * k : at + 5 + 4 * k]
            if symbol != "!" or _PART_OF.get(pos) != part:
                continue
            source, to = int(ends[:2], 16), int(ends[2:], 16)
            if source and lemmas[source - 1] != form:
                continue
            theirs = self._synset(part, int(target))
            found += [theirs[to - 1]] if to else theirs
        return found

    def synonyms(self, word: str, senses: int = 1) -> list[str]:
        """The other words of ``word``'s ``senses`` commonest senses in each part of
        speech it is, with spaces for WordNet's underscores, commonest sense first."""
        forms = self.base_forms(word)
        own = {word.lower(), *(f for _, f in forms)}
        return self._other_words(forms, senses, own, lambda part, at, _: self._synset(part, at))


def _lemmas(line: list[str]) -> list[str]:
    """The words of a synset, from its line of data.<part> split at spaces."""
    return [line[4 + 2 * i].split("(")[0].lower() for i in range(int(line[3], 16))]
