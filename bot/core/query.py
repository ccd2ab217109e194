"""A question → its content words as weighted index terms, with typos repaired, and what kind
of thing it asks for.

A word the corpus knows stands for itself (and for its comparative forms, which the stemmer
keeps apart). An unknown word is matched to the corpus's words within its typo budget: a
symmetric-deletion index (the idea behind SymSpell) finds the words that share a one-letter
deletion with it, and rapidfuzz's optimal string alignment distance keeps those within the
budget. Misspelt question words ("whne", "wht") are recognised, so the cues that read them
still work.
"""

from __future__ import annotations

import array
import functools
import io
import os
import re
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple, Protocol, TypeVar

import numpy as np
import numpy.typing as npt
from rapidfuzz import process
from rapidfuzz.distance import OSA

from bot.core.text import (
    MAX_WORD,
    QUOTATION,
    STOP_WORDS,
    TERMS,
    fold,
    stem,
    typo_budget,
    unquoted,
    words,
)

_T = TypeVar("_T")

# How much a typo's reading counts against the word typed right: one edit from it, as much
# (the reading is as sure as the rank needs; at 0.95 for words of five letters or more and
# 0.7 for shorter ones, SQuAD with typos (seeds 1-3) was 508 / 496 / 501 right, at 1 510 /
# 499 / 505; bench.heldout with typos (seeds 1, 2) 661 / 664, 660 / 666 before this and
# the one-edit English forms below; no clean answer moving); two edits from it, less.
TYPO_WEIGHT_ONE = 1.0
TYPO_WEIGHT_TWO = 0.6
# Comparative and superlative forms ("long", "longer", "longest") count for a little less,
# other members of a word's family ("economy", "economic") less again.
VARIANT_WEIGHT = 0.8
FAMILY_WEIGHT = 0.7
MAX_FAMILY = 2
# Words that name the same thing in questions about articles: a question about "the writer"
# is about the article's author.
SYNONYMS = {"writer": ("author",), "author": ("writer",), "journalist": ("author", "writer")}
SYNONYM_WEIGHT = 0.9
# How much likelier a typo that dropped or swapped letters is than one that typed a letter in
# or typed one wrong, at the same place: any of some 25 letters could have been typed there.
SLIP_ODDS = 25.0
# How much one sentence holding both a typo's candidate and another word of the question
# counts, against chance (see ``_in_context``): a pseudo-count, so that a single sentence
# barely moves the odds and many do.
CONTEXT_PRIOR = 1.0
# How much likelier than chance the question's other words must make a corpus word one
# letter from an English word the corpus lacks, for that word to be read as a typo of it.
MEANT_CONTEXT = 1.5
# A typo an edit from a stop word and from a corpus word by edits as likely ("lcke": like
# or lake) is read as the corpus word only when the question's other words make it this
# much likelier than chance: a stop word is far commoner than any corpus word. On SQuAD's
# questions with typos (seeds 1-3), reading it so where the edits differ or the company
# is this strong repairs 43 more typed words right and 2 more wrong; at 4, 48 and 6
# ("wih", "frm" taken for "wish", "form"); never, 31 and 1.
STOP_CONTEXT = 10.0
# A word the corpus knows that shares no sentence with any other word of the question is
# read as the corpus word an edit away that keeps their company this much likelier than
# chance (a typo that made another word: "bold water" for cold, "team turbines" for
# steam); TYPED_WRONG_ODDS times that where the edit typed a letter in or wrong. On
# ../shared/train's questions with typos (two seeds), 153 more typed words read as meant,
# 1 fewer; 17 of the 8,522 questions as written read otherwise, half a spelling of the
# same word ("center" as "centre"), half not ("a lot" as "a low", "tend" as "trend").
ALONE_CONTEXT = 10.0
TYPED_WRONG_ODDS = 10.0
# How many of the question's words (and of its other typos' repairs) a typo is read beside.
CONTEXT_WORDS = 8
# How many known words one unknown word may stand for.
MAX_EXPANSIONS = 3


@dataclass(frozen=True)
class QueryTerm:
    """One content word of a question and the index terms it stands for, with weights."""

    word: str
    expansions: tuple[tuple[str, float], ...]

    @property
    def known(self) -> bool:
        return bool(self.expansions)


#: A word as the index's tokenizer splits a text into them (``text.words``), unfolded.
TOKEN = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Query:
    """A parsed question: its content terms, and its text with typos corrected where the
    correction is clear (so cues such as "when" survive "whne")."""

    text: str
    terms: tuple[QueryTerm, ...]
    corrected: str
    # The text the embedding model reads: ``corrected``, and typos in words the corpus lacks
    # repaired against an English word list too.
    for_model: str = ""

    @property
    def known(self) -> list[QueryTerm]:
        return [qt for qt in self.terms if qt.known]

    def asked(self, read: Callable[[str], _T]) -> _T:
        """What ``read`` finds in the question as the corpus corrected it or, failing that,
        as the models read it, its typos repaired against English too: "hwo tlal", or "who
        sdcceeded Rollo", whose typo stays among the articles' words where none of them is
        "succeeded"."""
        return read(self.corrected) or read(self.for_reader)

    @property
    def kind(self) -> str | None:
        """What the question asks for (``question_type``), read as ``asked`` reads it."""
        return self.asked(question_type)

    @property
    def for_reader(self) -> str:
        """The question as the reader model reads it: ``for_model``, or the corrected text
        when that is empty."""
        return self.for_model or self.corrected

    @property
    def repaired(self) -> str:
        """The question as typed, each word the repair changed put right in the case it was
        typed in ("the Ludeendorff Bridge": "the Ludendorff Bridge"; "the discrete logarithm
        problm": "… problem"), as the models read it (``for_reader``): for reading the names
        and compounds it gives through typos. As typed where the words don't pair up."""
        fixed = self.for_reader.split()
        typed = [m for m in TOKEN.finditer(self.text) if len(m.group()) <= MAX_WORD]
        if len(typed) != len(fixed):
            return self.text
        out: list[str] = []
        end = 0
        for m, word in zip(typed, fixed, strict=True):
            was = m.group()
            if fold(was) == word:
                continue
            if len(was) > 1 and was.isupper():
                word = word.upper()
            elif was[0].isupper():
                word = word[:1].upper() + word[1:]
            out.append(self.text[end : m.start()] + word)
            end = m.end()
        return "".join(out) + self.text[end:]

    @property
    def readings(self) -> tuple[str, ...]:
        """The question as typed, as the corpus corrected it, and as repaired for the models:
        a cue such as "what are the" or "stand for" is looked for in each."""
        return (self.text, self.corrected, self.for_model)

    @property
    def wants_list(self) -> bool:
        """Whether the question asks for several things, through typos ("hwat are the")."""
        return any(asks_for_list(t) for t in self.readings)

    @property
    def acronyms(self) -> tuple[str, ...]:
        """The abbreviation asked about as each reading gives it: as typed first ("what does
        C2M stand for"), then as repaired ("what does bOersee mean": "obersee")."""
        found = (acronym_asked(t) for t in self.readings)
        return tuple(dict.fromkeys(a for a in found if a))

    @property
    def asks_spelt_out(self) -> bool:
        """Whether the question asks what an abbreviation stands for (``acronyms``, asked
        with ``_SPELL_OUT_Q``), through typos ("what does np stnad for")."""
        return bool(self.acronyms) and any(_SPELL_OUT_Q.search(t) for t in self.readings)

    @property
    def defines(self) -> str | None:
        """The thing the question asks to be defined (``defined_asked``), as repaired
        ("waht is a turign machine": "turing machine"), else as the corpus corrected it; never
        for an abbreviation asked to be spelled out."""
        if self.asks_spelt_out:
            return None
        return defined_asked(self.repaired) or defined_asked(self.corrected)

    @property
    def defined_as(self) -> tuple[str, ...]:
        """The names to look for the thing asked to be defined by (``defines``): with the
        kind it is asked as after it first ("what type of delta is the Rhine-Meuse": "rhine
        meuse delta", then "rhine meuse")."""
        thing = self.defines
        if thing is None:
            return ()
        kind = self.defined_kind
        return (f"{thing} {kind}", thing) if kind else (thing,)

    @property
    def defined_kind(self) -> str | None:
        """The kind the thing is asked to be defined as (``defined_kind``)."""
        return defined_kind(self.repaired) or defined_kind(self.corrected)

    @property
    def defines_someone(self) -> bool:
        """Whether the thing asked to be defined is someone ("who was Rollo")."""
        return self.defines is not None and any(
            _DEFINE_WHO.match(fold(_trimmed(t))) for t in (self.repaired, self.corrected)
        )

    @property
    def author_role(self) -> bool:
        """Whether the question asks what the article's author does, through typos."""
        return any(asks_author_role(t) for t in self.readings)

    @property
    def figure(self) -> str | None:
        """The figure the question asks for (``figure_asked``), read the same way and, failing
        that, as typed: "how tall" stays "tall" where the corpus would have read "talk"."""
        found = figure_asked(self.corrected) or figure_asked(self.for_model)
        if found == "time":
            # "whee does the water meet" is read "when", but may be "where": a time is asked
            # only of a "when" typed as such or through a typo of no other question word.
            return found if _typed_when(self.text) else None
        if found is None and (typed := figure_asked(self.text)) != "time":
            return typed
        return found


class Vocabulary(Protocol):
    """What parsing needs to know of the corpus's terms."""

    def known(self, term: str) -> bool: ...

    def written(self, word: str) -> bool: ...

    def written_together(self, first: str, second: str) -> bool: ...

    def doc_freq(self, term: str) -> int: ...

    def family(self, term: str) -> list[str]: ...

    def co_freq(self, term: str, other: str) -> int: ...

    @property
    def sentence_count(self) -> int: ...


@functools.cache
def _dictionary() -> tuple[str, ...]:
    """English words (and common names): the whole-word entries of the embedding model's
    WordPiece vocabulary, in its order (roughly the most frequent first); read once."""
    path = Path(__file__).parent / "models" / "minilm-vocab.txt"
    with path.open(encoding="utf-8") as f:
        return tuple(w for w in (line.strip() for line in f) if w.isascii() and w.isalpha())


#: A question word found here is a word, not a typo, even when the corpus lacks it: "phone"
#: must not become "Rhone".
DICTIONARY = frozenset(_dictionary())
# The most common English words (the first COMMON_WORDS of DICTIONARY, which lists them
# roughly by frequency) are typed on purpose far more often than a question word is
# mistyped into one: "goes" and "chose" are not "does" and "whose". Over ../shared/train's
# questions, clean and with typos, 22 -> 8 question words read where none was typed (the 8
# left are typos in the questions themselves: "Whic", "Whwn"), one mistyped "whose" lost.
COMMON_WORDS = 3000
_COMMON = frozenset(_dictionary()[:COMMON_WORDS])
_DICTIONARY_STEMS = frozenset(TERMS.analyze(" ".join(DICTIONARY)))


def is_english(word: str) -> bool:
    """Whether a word is an English word or a form of one ("fridges" for "fridge"): its stem
    is an English word's, but not a word of its own the word only spells another way
    ("maory" is no form of "maori")."""
    if word in DICTIONARY:
        return True
    term = stem(word)
    if len(word) < 4 or term not in _DICTIONARY_STEMS:
        return False
    if term == word:
        return True
    if len(term) <= 3:
        return False  # "usaed" is no form of "USA": a short word's forms are all listed
    # The stemmer puts back an "e" it finds dropped: "tiring" is "tire" with an ending.
    return term not in DICTIONARY or word.startswith(term[:-1] if term.endswith("e") else term)


@functools.cache
def _english() -> Lexicon:
    return Lexicon([w for w in _dictionary() if Lexicon.usable(w)])


def english(
    word: str,
    budget: int | None = None,
    stems: Iterable[str] | None = None,
    known: Callable[[str], bool] | None = None,
) -> str:
    """The English word a misspelt word most likely is (within its typo budget, or
    ``budget`` edits; with ``stems``, only a word of one of those stems), or the word
    itself: for the embedding model, which reads "ikcked" as noise. Of words as near, the
    most frequent, or with ``known`` (the corpus's stems) one the articles use: "uniiy" is
    "unify" beside "unifying", "unity" elsewhere."""
    budget = typo_budget(word) if budget is None else budget
    if not budget or word[0].isdigit():
        return word
    allowed = None if stems is None else set(stems)
    best, best_key = word, (budget + 1, True)
    for match in _english().near(word):
        if allowed is not None and stem(match) not in allowed:
            continue
        distance = OSA.distance(word, match, score_cutoff=budget)
        if distance > budget:
            continue
        key = (distance, known is not None and not known(stem(match)))
        if key < best_key:
            best, best_key = match, key
    return best


def _deletes(word: str) -> set[str]:
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def _key(variant: str) -> int:
    """A variant's place in the deletion index: a 64-bit hash that is the same in every
    process (the index is kept on disk); two variants that share one only add a candidate,
    which the edit distance then turns away."""
    data = variant.encode("utf-8")
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


class Lexicon:
    """The corpus's words, most frequent first, indexed by their one-letter deletions.

    The index is two sorted arrays (hashes of each word and of its deletions, and the word's
    position), searched with a few binary searches; ``save`` keeps them on disk and ``load``
    maps them back, so a restart does not build them again. Words added later (new
    articles) go to a small overlay until the next full build.
    """

    def __init__(self, vocabulary: Sequence[str]) -> None:
        self.words: list[str] = list(vocabulary)
        self._ids = {w: i for i, w in enumerate(self.words)}
        packed = array.array("Q")  # 8 bytes a key, not a Python int's 32
        counts = array.array("q")
        for w in self.words:
            variants = _deletes(w)
            packed.extend(map(_key, variants))
            counts.append(len(variants))
        keys = np.frombuffer(packed, dtype=np.uint64)
        owners = np.repeat(
            np.arange(len(self.words), dtype=np.int32), np.frombuffer(counts, dtype=np.int64)
        )
        order = np.argsort(keys, kind="stable")
        self._keys: npt.NDArray[np.uint64] = keys[order]
        self._owners: npt.NDArray[np.int32] = owners[order]
        self._overlay: dict[int, list[int]] = {}

    @classmethod
    def _made(
        cls,
        words: list[str],
        ids: dict[str, int],
        keys: npt.NDArray[np.uint64],
        owners: npt.NDArray[np.int32],
        overlay: dict[int, list[int]],
    ) -> Lexicon:
        """A lexicon of parts already made (kept on disk, or another lexicon's)."""
        lexicon = cls.__new__(cls)
        lexicon.words, lexicon._ids = words, ids
        lexicon._keys, lexicon._owners, lexicon._overlay = keys, owners, overlay
        return lexicon

    def save(self, folder: Path, stamp: str) -> None:
        """Keep the lexicon in ``folder`` for the index state ``stamp`` (each file written
        whole, the stamp last)."""
        folder.mkdir(parents=True, exist_ok=True)
        files: dict[str, bytes] = {}
        for name, data in (("keys.npy", self._keys), ("owners.npy", self._owners)):
            packed = io.BytesIO()
            np.save(packed, data)
            files[name] = packed.getvalue()
        files["words.txt"] = "\n".join(self.words).encode("utf-8")
        files["stamp"] = f"{stamp} {len(self.words)}".encode("ascii")
        for name, content in files.items():
            (folder / f"{name}.part").write_bytes(content)
            os.replace(folder / f"{name}.part", folder / name)

    @classmethod
    def load(cls, folder: Path, stamp: str) -> Lexicon | None:
        """The lexicon kept in ``folder`` for the index state ``stamp``; None when there is
        none, or it is of another state, or it cannot be read whole."""
        try:
            kept, count = (folder / "stamp").read_text("ascii").split()
            if kept != stamp:
                return None
            text = (folder / "words.txt").read_text(encoding="utf-8")
            keys = np.load(folder / "keys.npy", mmap_mode="r")
            owners = np.load(folder / "owners.npy", mmap_mode="r")
        except (OSError, ValueError):
            return None
        words = text.split("\n") if text else []
        if len(words) != int(count) or keys.shape != owners.shape:
            return None
        return cls._made(words, {w: i for i, w in enumerate(words)}, keys, owners, {})

    @staticmethod
    def usable(word: str) -> bool:
        """Whether a word is worth matching typos against (not a number, 3+ letters)."""
        return len(word) >= 3 and not word[0].isdigit()

    def __contains__(self, word: str) -> bool:
        return word in self._ids

    def __len__(self) -> int:
        return len(self.words)

    def extend(self, new_words: Iterable[str]) -> Lexicon:
        """A lexicon that also knows ``new_words``; this one is left as it was."""
        fresh = [w for w in dict.fromkeys(new_words) if self.usable(w) and w not in self._ids]
        if not fresh:
            return self
        other = Lexicon._made(
            [*self.words, *fresh],
            {**self._ids, **{w: len(self.words) + i for i, w in enumerate(fresh)}},
            self._keys,
            self._owners,
            {k: list(v) for k, v in self._overlay.items()},
        )
        for w in fresh:
            for key in map(_key, _deletes(w)):
                other._overlay.setdefault(key, []).append(other._ids[w])
        return other

    def near(self, word: str, limit: int = 200) -> list[str]:
        """Known words that share the word itself or a one-letter deletion of it with one of
        their own deletions: every word one edit away, and most two edits away. Most
        frequent first, so ties go to them."""
        probes = [_key(p) for p in _deletes(word)]
        keys = np.asarray(probes, dtype=np.uint64)
        lo = np.searchsorted(self._keys, keys, side="left")
        hi = np.searchsorted(self._keys, keys, side="right")
        ids = {
            int(i)
            for a, b in zip(lo.tolist(), hi.tolist(), strict=True)
            for i in self._owners[a:b]
        }
        for key in probes:
            ids.update(self._overlay.get(key, ()))
        return [self.words[i] for i in sorted(ids)[:limit]]


# Stop words long enough to be recognised through one typo ("whcih" → "which", "wht" → "what"),
# question words first, so that a tie ("hwat": what or that) goes to them.
_QUESTION_WORDS = ["what", "when", "where", "which", "whom", "whose", "does", "were"]
# The other stop words of four letters or more, the likeliest meant first where a typo is
# one edit from two ("tha": "that", not "than"; "nmae": "name", not "same"): by how often
# the 8,522 questions of ../shared/train use them, then by the dictionary's order.
_STOP_WORDS_BY_USE = (
    "many that with have from type name other most after during would much called their kind "
    "about than this more between there some into been they show being term could against also "
    "under will before must over only named them down each these call else might give within "
    "like said while should since through same doing until having upon those find describe "
    "because both towards themselves such very without doesn itself sort didn just above then "
    "know once ever gets toward rather cannot himself tell further aren again though others "
    "below explain wasn couldn says here really whether however either wouldn please neither "
    "shouldn your herself myself hadn thus quite whatever haven yourself shall weren hers "
    "whereas yours whenever hasn whoever ourselves lets wherever ought ours shan theirs "
    "yourselves mustn"
).split()
_BY_USE = {w: i for i, w in enumerate(_STOP_WORDS_BY_USE)}
_FIXABLE_STOP_WORDS = _QUESTION_WORDS + sorted(
    (w for w in STOP_WORDS if len(w) >= 4 and w not in _QUESTION_WORDS),
    key=lambda w: (_BY_USE.get(w, len(_BY_USE)), w),
)


_ASKING = frozenset([*_QUESTION_WORDS, "who", "how", "why"])
# The question words that follow another: 448 of 455 "does" and 328 of 371 "were" in
# ../shared/train's questions come after a question word, 23 of 393 "where".
_ASKED_AFTER = ("does", "were")
# What "how" asks by: a word after it that the corpus lacks and that is one edit from one
# of these is read as it ("how dlong": long, not "along"; "how eall": tall; "how mana":
# many), whatever the corpus holds.
_HOW_WORDS = [
    "many",
    "much",
    "long",
    "far",
    "old",
    "tall",
    "high",
    "deep",
    "wide",
    "big",
    "large",
    "fast",
    "heavy",
    "often",
]


def _stop_word(word: str, asked: bool, only: Sequence[str] | None = None) -> str | None:
    """The stop word (of ``only``, if given) a word not in the corpus is a typo of, if one is
    an edit away. A tie goes to a word the typo dropped or swapped letters of (``_slip``:
    "withi" is "within", not "with"; "wher" is "where"), then to a question word, unless the
    question already has one ("wht will firms ihat adapt get": "that", not a second
    "what"; "when weere": "were", which follows one, not "where"), then to the word
    questions use more (``_STOP_WORDS_BY_USE``: "tha" is "that", not "than")."""
    found = process.extract(
        word, only or _FIXABLE_STOP_WORDS, scorer=OSA.distance, score_cutoff=1, limit=None
    )
    if not found:
        return None
    nearest = min(distance for _, distance, _ in found)
    ties = [
        stop
        for stop, distance, _ in sorted(found, key=lambda f: (not _slip(word, f[0]), f[2]))
        if distance == nearest
    ]
    if asked:
        ties = (
            [stop for stop in ties if stop not in _ASKING]
            or [stop for stop in ties if stop in _ASKED_AFTER]
            or ties
        )
    return ties[0]


def _corpus_likelier(
    typo: str,
    stop: str,
    lexicon: Lexicon,
    vocab: Vocabulary,
    context: Sequence[str],
    beside: tuple[str | None, str | None] = (None, None),
) -> bool:
    """Whether a corpus word one edit from a typo is likelier the one meant than the stop
    word one edit from it. Where the articles write one of them beside the typo's
    neighbour (``beside``: the words before and after it, as repaired) and not the other,
    that one ("sase complexity": "case complexity", not "same"; "hore difficult": "more
    difficult", not "shore"). Otherwise, the corpus word's edit a dropped or swapped letter,
    the stop word's one typed in or wrong ("tiem": time, not "them"; "kown": known, not
    "down"; SLIP_ODDS likelier); or an edit at least as likely, in company the question's
    other words keep STOP_CONTEXT times as often as chance ("Lcke Constance": lake, not
    "like")."""
    candidates = list(_one_edit(typo, lexicon, vocab))
    if any(beside) and candidates:
        stop_beside = _written_beside(stop, vocab, beside)
        matched = [m for m, _ in candidates if _written_beside(m, vocab, beside)]
        if matched and not stop_beside:
            return True
        if stop_beside and not matched:
            return False
    stop_slip = _slip(typo, stop)
    for match, t in candidates:
        slipped = _slip(typo, match)
        if slipped and not stop_slip:
            return True
        if (slipped or not stop_slip) and _in_context(t, context, vocab) >= STOP_CONTEXT:
            return True
    return False


def _variants(term: str, vocab: Vocabulary) -> tuple[tuple[str, float], ...]:
    """Comparative and superlative forms the stemmer keeps apart ("long", "longest")."""
    if len(term) < 3 or term[0].isdigit():
        return ()
    forms: set[str] = set()
    for suffix in ("est", "er"):
        if term.endswith(suffix) and len(term) - len(suffix) >= 3:
            base = term[: -len(suffix)]
            forms.update({base, base[:-1] if base[-1:] == base[-2:-1] else base})
            forms.add(base + "e")
            forms.add(stem(base + "e"))
    forms.update({term + "er", term + "est", term + "r", term + "st"})
    forms.update({term + term[-1] + "er", term + term[-1] + "est"})
    forms.discard(term)
    return tuple((f, VARIANT_WEIGHT) for f in sorted(forms) if vocab.doc_freq(f) > 0)


def _kin(
    word: str, term: str, vocab: Vocabulary, weight: float = 1.0
) -> tuple[tuple[str, float], ...]:
    """The index terms a word the corpus knows (as ``term``) stands for: itself, its other
    forms, the likeliest of its family and its synonyms, each at ``weight`` times its own."""
    variants = _variants(term, vocab)
    taken = {term, *(t for t, _ in variants)}
    family = [t for t in vocab.family(term) if t not in taken]
    family.sort(key=vocab.doc_freq, reverse=True)
    kin = tuple((t, FAMILY_WEIGHT) for t in family[:MAX_FAMILY])
    same = tuple(
        (stem(s), SYNONYM_WEIGHT)
        for s in SYNONYMS.get(word, ())
        if stem(s) not in taken and vocab.known(stem(s))
    )
    return tuple((t, w * weight) for t, w in ((term, 1.0), *variants, *kin, *same))


def expand(
    word: str, lexicon: Lexicon, vocab: Vocabulary, context: Sequence[str] = ()
) -> tuple[QueryTerm, str]:
    """The index terms a question word stands for, and the word as corrected.

    A word the corpus knows stands for itself. An unknown word is matched to known words
    within its typo budget; a typo costs weight, more for two edits than one. Where several
    words are one edit away, the other words of the question (``context``, as index terms)
    help choose: "witer pollution" is "water", not "winter".
    """
    term = stem(word)
    known = vocab.known(term)
    if known and not _stem_slip(word, term, lexicon, vocab):
        if other := _out_of_company(word, term, lexicon, vocab, context):
            return QueryTerm(word, ((stem(other), TYPO_WEIGHT_ONE),)), other
        return QueryTerm(word, _kin(word, term, vocab)), word
    same = tuple((stem(s), SYNONYM_WEIGHT) for s in SYNONYMS.get(word, ()) if vocab.known(stem(s)))
    if same:
        return QueryTerm(word, same), word
    if is_english(word):
        variants = _variants(term, vocab)
        meant = _meant(word, lexicon, vocab, context)
        if meant is None:
            return QueryTerm(word, variants), word
        return QueryTerm(word, (*variants, (stem(meant), TYPO_WEIGHT_ONE))), meant
    # Words of four letters get one edit only here, for words the corpus does not know,
    # so "Rine" still finds "Rhine" while known short words never drift; words of three, a
    # dropped or swapped letter only (below).
    budget = typo_budget(word) or (1 if len(word) in (3, 4) else 0)
    found: dict[str, float] = {}
    corrected = word
    best_distance = budget + 1
    # A name with a possessive or plural "s" ("Boutrups") is one letter off before any
    # typo, and the stemmer only strips that "s" from dictionary words: try it without.
    forms = [word, word[:-1]] if word.endswith("s") and len(word) >= 6 else [word]
    for form in forms if budget and not word[0].isdigit() else ():
        near: list[tuple[int, float, str, str]] = []
        # The corpus's words, and English words an edit away whose stem the corpus has in
        # other forms: "contingnt" is "contingent" (beside "contingents"), a letter left
        # out, likelier than "continent", a letter typed wrong.
        forms_of = [m for m in _english().near(form) if OSA.distance(form, m, score_cutoff=1) <= 1]
        for match in dict.fromkeys([*lexicon.near(form), *forms_of]):
            dist = OSA.distance(form, match, score_cutoff=budget)
            t = stem(match)
            if dist <= budget and vocab.known(t):
                slipped = dist == 1 and _slip(form, match)
                if len(form) == 3 and not slipped:
                    continue  # three letters: only a slip ("lng": long), no letter typed wrong
                odds = SLIP_ODDS if slipped else 1.0
                near.append((int(dist), odds * (vocab.doc_freq(t) + 1), match, t))
        if context and len({t for dist, _, _, t in near if dist <= 1}) > 1:
            near = [
                (dist, odds * _in_context(t, context, vocab) if dist <= 1 else odds, match, t)
                for dist, odds, match, t in near
            ]
        # How likely each word of one edit is to be the one meant: how common it is, times
        # SLIP_ODDS where the typo dropped or swapped letters ("countyr" is "country" with
        # two swapped, not "county" with an "r" typed in). Words far less likely than the
        # likeliest are not searched for.
        likeliest = max((odds for dist, odds, _, _ in near if dist <= 1), default=0.0)
        for dist, odds, match, t in sorted(near, key=lambda c: (c[0], -c[1])):
            if dist <= 1:
                if odds * SLIP_ODDS < likeliest:
                    continue
                weight = TYPO_WEIGHT_ONE
            else:
                weight = TYPO_WEIGHT_TWO
            found[t] = max(found.get(t, 0.0), weight)
            if dist < best_distance:
                corrected, best_distance = match, dist

        if found:
            break
    if best_distance >= 2 and typo_budget(word) and not word[0].isdigit():
        # Two edits or more from the corpus's forms, one from another English form of one
        # of their words ("mesaurements" beside "measurement"): a typo of one edit.
        spelt = english(word, budget=1, stems=found or None)
        if spelt != word and vocab.known(stem(spelt)):
            found[stem(spelt)] = TYPO_WEIGHT_ONE
            corrected = spelt
    if not found and budget and len(word) > 3 and not word[0].isdigit():
        # The word's stem against the corpus's stems: "mepty" is two edits from "empties"
        # but one from its stem, "empti".
        for match in lexicon.near(term):
            if vocab.known(match) and OSA.distance(term, match, score_cutoff=budget) <= budget:
                found[match] = TYPO_WEIGHT_TWO
    if not found and budget and not word[0].isdigit():
        # An English word the typo is two edits from, whose stem the corpus has in other
        # forms: "measureaent" is "measurement", and the corpus says "measured" (one edit
        # from such a word was read above).
        spelt = english(word, known=vocab.known)
        if spelt != word and vocab.known(stem(spelt)):
            return QueryTerm(word, ((stem(spelt), TYPO_WEIGHT_TWO),)), spelt
    if not found:
        return QueryTerm(word, _variants(term, vocab)), word
    best = sorted(found.items(), key=lambda kv: -kv[1])[:MAX_EXPANSIONS]
    if len(best) == 1 and corrected != word:
        # One reading: the typo stands for what the word it was typed for stands for
        # ("Normanyd" for "Normandy", "Norman" too).
        ((term, weight),) = best
        return QueryTerm(word, _kin(corrected, term, vocab, weight)), corrected
    return QueryTerm(word, tuple(best)), corrected


def _stem_slip(word: str, term: str, lexicon: Lexicon, vocab: Vocabulary) -> bool:
    """Whether a word the corpus knows only by its stem is a typo of another word: no
    English word and no word of the articles as it is, a letter typed in, left out or two
    swapped from one of theirs of another stem ("woreds" has the stem of "wore", and is
    "words"; "moviing" is "moving"). A letter typed wrong is left alone: "quantify" is not
    "quantity", nor "defying" "denying". Over ../shared/train's questions with typos (two
    seeds), 71 and 75 typed words more read as meant, 1 less; of the 8,522 questions as
    written, 6 read otherwise: "censuring" as "ensuring", and "decease" (for "decrease"),
    "ricing", "Kenyas", "emigrate" (its own stem) read closer."""
    if len(word) < 4 or word in DICTIONARY or word in lexicon:
        return False
    return any(
        t != term and (len(match) != len(word) or _slip(word, match))
        for match, t in _one_edit(word, lexicon, vocab)
    )


def _out_of_company(
    word: str, term: str, lexicon: Lexicon, vocab: Vocabulary, context: Sequence[str]
) -> str | None:
    """The corpus word a word the corpus knows was typed for, where the word shares no
    sentence with any other word of the question and a corpus word an edit away keeps their
    company ALONE_CONTEXT times as often as chance would (TYPED_WRONG_ODDS times more for a
    letter typed in or wrong): "where does the bold water mix with Lake Constance" is
    "cold"; the likeliest such."""
    others = [c for c in context if c != term]
    if len(word) < 3 or word[0].isdigit() or not others:
        return None
    if any(vocab.co_freq(term, other) for other in others):
        return None
    return _likeliest_in_company(
        word, lexicon, vocab, context, ALONE_CONTEXT, ALONE_CONTEXT * TYPED_WRONG_ODDS, term
    )


def _written_beside(word: str, vocab: Vocabulary, beside: tuple[str | None, str | None]) -> bool:
    """Whether the articles write ``word`` right after the word before it or right before
    the word after it (``beside``; None where there is none worth reading)."""
    before, after = beside
    return bool(
        (before is not None and vocab.written_together(before, word))
        or (after is not None and vocab.written_together(word, after))
    )


def _meant_beside(
    word: str, lexicon: Lexicon, vocab: Vocabulary, beside: tuple[str | None, str | None]
) -> str | None:
    """The corpus word an edit from an English word the corpus lacks that the articles write
    beside the word's neighbour (``beside``), the commonest such: "the Rhino Gorge" is the
    "Rhine Gorge", "Alon Turing" "Alan Turing". None if there is none."""
    if not any(beside) or len(word) < 4:
        return None
    found = [
        (vocab.doc_freq(t), match)
        for match, t in _one_edit(word, lexicon, vocab)
        if _written_beside(match, vocab, beside)
    ]
    return max(found)[1] if found else None


def _meant(word: str, lexicon: Lexicon, vocab: Vocabulary, context: Sequence[str]) -> str | None:
    """The corpus word an English word the corpus lacks was typed for, if the question's
    other words say so: a typo can make another word ("hine" for "rhine", "mani" for
    "main", "cod" for "cold"). Only a dropped or swapped letter, and only a word that keeps
    company with the question's other words at least MEANT_CONTEXT times as often as
    chance would ("what did the hine branch off to form": "rhine"); the likeliest such."""
    if not context or len(word) < 3 or word[0].isdigit():
        return None
    return _likeliest_in_company(word, lexicon, vocab, context, MEANT_CONTEXT)


def _likeliest_in_company(
    word: str,
    lexicon: Lexicon,
    vocab: Vocabulary,
    context: Sequence[str],
    slipped: float,
    typed: float | None = None,
    other_than: str | None = None,
) -> str | None:
    """The corpus word an edit from ``word`` (of another index term than ``other_than``)
    likeliest typed for: of those the question's other words (``context``) make at least
    ``slipped`` times likelier than chance where the typo dropped or swapped a letter, and
    ``typed`` times where it typed one in or wrong (never, without it), the one whose
    sentences times that lift are most."""
    found: list[tuple[float, str]] = []
    for match, t in _one_edit(word, lexicon, vocab):
        need = slipped if _slip(word, match) else typed
        if (
            need is not None
            and t != other_than
            and (lift := _in_context(t, context, vocab)) >= need
        ):
            found.append(((vocab.doc_freq(t) + 1) * lift, match))
    return max(found)[1] if found else None


def _one_edit(word: str, lexicon: Lexicon, vocab: Vocabulary) -> Iterator[tuple[str, str]]:
    """The corpus words one edit from ``word``, each with its index term."""
    for match in lexicon.near(word):
        if OSA.distance(word, match, score_cutoff=1) == 1 and vocab.known(t := stem(match)):
            yield match, t


def _in_context(term: str, context: Sequence[str], vocab: Vocabulary) -> float:
    """How much likelier the other words of the question make a typo's candidate: for
    each, how many sentences hold both against how many would by chance, each count
    smoothed by CONTEXT_PRIOR, multiplied together (as a naive Bayes model would). Words
    found everywhere ("rhine", in articles on the Rhine) leave the odds as they are; a
    word the candidate keeps company with ("pollution", for "water") raises them."""
    total = max(vocab.sentence_count, 1)
    freq = vocab.doc_freq(term)
    odds = 1.0
    for other in context:
        if other == term:
            continue
        chance = freq * vocab.doc_freq(other) / total
        odds *= (vocab.co_freq(term, other) + CONTEXT_PRIOR) / (chance + CONTEXT_PRIOR)
    return odds


def _slip(typo: str, word: str) -> bool:
    """Whether a typo one edit from a word dropped one of its letters or swapped two next to
    each other: the edits a hurried hand makes most. A letter typed in or typed wrong is
    one of some 25 such typos at that place, so far less likely to be the one made."""
    if len(word) == len(typo) + 1:
        return True
    if len(word) != len(typo):
        return False
    diff = [i for i, (a, b) in enumerate(zip(typo, word, strict=True)) if a != b]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and typo[diff[0]] == word[diff[1]]


def _model_word(word: str, qt: QueryTerm, corrected: str, vocab: Vocabulary) -> str:
    """What the embedding model reads for a question word: the corpus's correction, unless
    it is a bare stem ("resourc" for "resourcf") that an English word of the same stem
    spells out; a typo the corpus did not spell out (a word it lacks, or one it matched only
    by a shorter stem: "measugrement") is repaired against English."""
    if corrected == word:
        itself = any(term == stem(word) for term, _ in qt.expansions)
        if word not in DICTIONARY and stem(word) == word and itself and not vocab.written(word):
            # A bare stem typed for its word ("hostag" for "hostage", the last letter left
            # out), which the articles never write: it matches the index as it is, but the
            # models read the word. Not a word they write ("franc", not "France").
            spelt = english(word, budget=1, stems=(word,))
            if spelt != word:
                return spelt
        if itself or is_english(word):
            return word
        # A word the corpus matched only by its stem ("mrry" by "marri"): the English word
        # of that stem, when one is an edit away, even in a word too short for a budget.
        if qt.known and len(word) >= 4:
            spelt = english(word, budget=1, stems=(term for term, _ in qt.expansions))
            if spelt != word:
                return spelt
        return english(word)
    if corrected in DICTIONARY:
        return corrected
    spelt = english(word)
    return spelt if spelt != word and stem(spelt) == stem(corrected) else corrected


# Shorthand people type that articles spell out. It is read as the full word where the
# corpus knows that and not the shorthand: "P vs NP" as "P versus NP". Only in lower case
# ("Saturn Vs" are rockets), and "v." is left alone (case names keep it, "Wisconsin v.
# Yoder").
SHORTHAND = {
    "vs": "versus",
    "govt": "government",
    "dept": "department",
    "intl": "international",
    "approx": "approximately",
    "yr": "year",
    "yrs": "years",
    "hrs": "hours",
    "mins": "minutes",
    "info": "information",
    # titles the news spells out: "Chief executive Ingrid Solberg"
    "ceo": "chief executive",
    "cfo": "chief financial officer",
    "coo": "chief operating officer",
    "cto": "chief technology officer",
}
_SHORTHAND = re.compile(rf"(?<![\w.-])({'|'.join(SHORTHAND)})\.?(?![\w-])", re.IGNORECASE)


_SHORTHAND_CAPITALS = frozenset({"ceo", "cfo", "coo", "cto"})


def spelt_out(text: str, vocab: Vocabulary) -> str:
    """The question with the shorthand of SHORTHAND spelt out where the corpus uses the full
    word and not the shorthand."""

    def full(m: re.Match[str]) -> str:
        short = m.group(1)
        if short != short.lower() and short.lower() not in _SHORTHAND_CAPITALS:
            return m.group()  # "Saturn Vs": only titles are written in capitals ("CEO")
        whole = SHORTHAND[short.lower()]
        if vocab.known(stem(short.lower())) or not all(
            vocab.known(stem(w)) for w in whole.split()
        ):
            return m.group()
        return whole

    return _SHORTHAND.sub(full, text)


# A capitalised word after another word of its sentence: a name, never a stop word mistyped
# ("which section of the Rhile": "rhine", not "while").
_MID_CAPITAL = re.compile(r"(?<=[^\W_] )[A-Z][^\W_]*")


# Verbs that follow "what"/"which" where no word describing the thing asked for does.
_AUXILIARIES = r"is|was|are|were|did|does|do|has|had|have|can|could|would|will"
# The words after a question word that opens a question ("what is", "where did"; "what's").
_OPENING_VERBS = frozenset((*_AUXILIARIES.split("|"), "should", "s"))
_OPENERS = ("what", "when", "where", "which", "who", "whom", "whose", "how", "why")


def _question_word_slipped(
    word: str, then: str, vocab: Vocabulary, context: Sequence[str]
) -> str | None:
    """The question word a question's first word was typed for, where that word is a word
    of its own (English or the articles'), a letter left out, typed in or two swapped from
    it (not typed wrong: "that is"), and the next word an auxiliary ("hat is", "wheat did",
    "were is", "here are") or, for a word that is no stop word ("Were the Normans …" asks
    yes or no), one the question's other words don't keep company with (STOP_CONTEXT, as
    ``_corpus_likelier``): "hat type of …". None where it is a question word already, or
    two are that near ("ho is": who or how). Over ../shared/train's questions with typos
    (two seeds), questions whose question word is lost 219 -> 27; none of the 8,522 as
    written reads otherwise."""
    if word in _OPENERS or len(word) < 3:
        return None
    if word not in DICTIONARY and not vocab.known(stem(word)):
        return None  # a typo of no word: read as the others are
    if then not in _OPENING_VERBS and (
        word in STOP_WORDS or _in_context(stem(word), context, vocab) >= STOP_CONTEXT
    ):
        return None
    near = [
        q
        for q in _OPENERS
        if OSA.distance(word, q) == 1 and (len(q) != len(word) or _slip(word, q))
    ]
    return near[0] if len(near) == 1 else None


# Verbs that say only that something happened, in a question asking when or where it did
# ("when did the event take place", "where did the crash happen"): the question's topic is
# the event, and a sentence giving its day need not repeat them.
_HAPPENED = frozenset("happen happens happened occur occurs occurred".split())
_TAKE = frozenset("take takes took taken taking".split())


def _only_happened(typed: Sequence[str], at: int, fixed: Sequence[str]) -> bool:
    """Whether the question's word at ``at`` only says that something happened ("take
    place", "happen", "occur": ``_HAPPENED``) in a question asking when or where: then it
    weighs nothing. Where the articles never use it, it counted as a word they lack, which
    reads as a question about something else ("when did the event take place" was refused
    on the seed articles, which date the event but never write "take" or "place"); where
    they do, it pulled in sentences saying "happening" of something else. Of the 40
    answerable questions asking so in the training files (../shared/train, train/), the
    answer sentences of 31 say none of these words ("Where did Super Bowl 50 take place?"
    and "The game was played on February 7, 2016, at Levi's Stadium")."""
    w = typed[at]
    if not {"when", "where"} & set(fixed):
        return False
    if _typed_for(w, _HAPPENED):
        return True
    after = typed[at + 1] if at + 1 < len(typed) else None
    before = typed[at - 1] if at > 0 else None
    return (after == "place" and _typed_for(w, _TAKE)) or (
        w == "place" and before is not None and _typed_for(before, _TAKE)
    )


def _typed_for(word: str, forms: frozenset[str]) -> bool:
    """Whether ``word`` is one of ``forms`` or, three letters or more, an edit from one:
    "occured", "hapened", "ake" (take)."""
    return word in forms or (len(word) >= 3 and any(OSA.distance(word, f) == 1 for f in forms))


def parse(text: str, lexicon: Lexicon, vocab: Vocabulary) -> Query:
    """The distinct content words of a question, expanded against the corpus."""
    text = spelt_out(text, vocab)
    seen: set[str] = set()
    out: list[QueryTerm] = []
    fixed: list[str] = []
    for_model: list[str] = []
    # The question's words the corpus knows, as index terms: the context a typo is read in
    # (the rarest CONTEXT_WORDS, which tell the most, so a long message costs no more).
    known = sorted(
        dict.fromkeys(
            term
            for w in words(text)
            if w not in STOP_WORDS and len(w) >= 3 and vocab.known(term := stem(w))
        ),
        key=vocab.doc_freq,
    )[:CONTEXT_WORDS]
    # A first reading of the words the corpus lacks: each typo is then read beside the
    # others' repairs too ("watemr flow of the Rine", "cod" beside "water" and "rhine").
    first = {
        w: expand(w, lexicon, vocab, known)
        for w in dict.fromkeys(words(text))
        if w not in STOP_WORDS and len(w) >= 3 and not vocab.known(stem(w))
    }
    repaired = {
        w: term
        for w, (_, spelt) in first.items()
        if spelt != w and vocab.known(term := stem(spelt))
    }
    named = {fold(m.group()) for m in _MID_CAPITAL.finditer(text)}
    typed = words(text)

    def beside(at: int) -> tuple[str | None, str | None]:
        """The content words either side of the word at ``at``, as repaired so far."""
        before = fixed[-1] if fixed and at > 0 else None
        after = typed[at + 1] if at + 1 < len(typed) else None
        if after is not None and after in first:
            after = first[after][1]
        return (
            None if before is None or before in STOP_WORDS or len(before) < 3 else before,
            None if after is None or after in STOP_WORDS or len(after) < 3 else after,
        )

    for at, w in enumerate(typed):
        if at == 0 and len(typed) > 1:
            w = _question_word_slipped(w, typed[1], vocab, known) or w
        if fixed and fixed[-1] == "how" and len(w) >= 3 and not vocab.known(stem(w)):
            w = _stop_word(w, asked=False, only=_HOW_WORDS) or w
        if w in STOP_WORDS or _only_happened(typed, at, fixed):
            fixed.append(w)
            for_model.append(w)
            continue
        if len(w) >= 3 and not vocab.known(stem(w)) and w not in named:
            # An English word of four letters or more may be a question word mistyped
            # ("dose": does), but is not taken for another stop word ("keen", not "been"),
            # nor for any when it is one of the most common words ("goes", "chose").
            only = _QUESTION_WORDS if len(w) >= 4 and is_english(w) else None
            stop = (
                None
                if only is not None and w in _COMMON
                else _stop_word(w, asked=any(f in _ASKING for f in fixed), only=only)
            )
            if (
                stop is not None
                and stop not in _ASKING
                and only is None
                and _corpus_likelier(
                    w, stop, lexicon, vocab, [*known, *repaired.values()], beside(at)
                )
            ):
                stop = None
            if stop is not None:
                fixed.append(stop)
                for_model.append(stop)
                continue
        others = [term for typo, term in repaired.items() if typo != w]
        if w in first and not others:
            qt, corrected = first[w]  # no other typo: read in this context already
        else:
            qt, corrected = expand(w, lexicon, vocab, [*known, *others[:CONTEXT_WORDS]])
        if (
            corrected == w
            and is_english(w)
            and not vocab.known(stem(w))
            and (meant := _meant_beside(w, lexicon, vocab, beside(at))) is not None
        ):
            # An English word the articles lack, an edit from a word they write beside
            # its neighbour: "the Rhino Gorge".
            qt = QueryTerm(w, (*qt.expansions, (stem(meant), TYPO_WEIGHT_ONE)))
            corrected = meant
        if fixed and fixed[-1] == "how" and corrected in _HOW_WORDS:
            # "how long is the Rhine" asks a length: "the longest river" states none.
            forms = {t for t, _ in _variants(stem(corrected), vocab)}
            qt = QueryTerm(qt.word, tuple(e for e in qt.expansions if e[0] not in forms))
        fixed.append(corrected)
        for_model.append(_model_word(w, qt, corrected, vocab))
        if w not in seen:
            seen.add(w)
            out.append(qt)
    return Query(text, tuple(out), " ".join(fixed), " ".join(for_model))


# -- what a question asks for ---------------------------------------------------------------

_MONEY_Q = re.compile(
    r"\b(how much (does|did|do|is|was|are|were|will|would|has|have|had) .*\b(cost|charge|pay|"
    r"spend|earn|sell|fee|price|worth|paid|fined|owe|invest|donat|borrow|lend|lent|bid)\w*"
    r"|what (?:(?:is|was|are|were) )?the (price|cost|fee)s?"
    # all seven such questions of ../shared/train ("how much had Westinghouse paid") are
    # answered with a sum
    # "what is JD's stock price", "what was the average construction salary"; not "what is
    # the comparison in price"
    r"|how much (?:money|revenue|profit|income|funding|compensation|damages|tax|taxes|rent|"
    r"tuition|debt|severance|salary|wages?|pay|fines?|capital|investment|budget)\b"
    r"|what(?:(?: is| was| are| were|['’]?s| s)(?: the| an?)?| the| an?) "
    r"(?:(?:[\w-]+ ){0,2}[\w-]+(?:['’]s| s) )?"
    r"(?:(?!(?:in|of|for|between|to|on|at|by|with|used)\b)[\w-]+ ){0,2}"
    r"(?:price|cost|fee|fare|salary|wage|revenue|profit|valuation|net worth|market value|"
    r"market cap(?:itali[sz]ation)?)s?(?! (?:range|index|scale))"
    # "what fine did the court impose": a fine is a sum (not "what fine arts")
    r"|what fines? (?:did|does|do|was|were|is|has|had|have|will|would|could)\b)"
    r"\b"
)
_NUMBER_Q = re.compile(
    r"\b(how (many|much|long|far|big|large|old|tall|high|deep|wide|fast)|what (number|"
    r"percentage|percent|amount|proportion|share|size|length|population)|by how much)\b"
)
_DATE_Q = re.compile(
    r"\b(when|what (year|century|decade|date|time|period|month|day)|which (year|century|"
    r"decade|date|month)|how long ago|since when)\b"
)
# People asked for by their role: "which pope", "which US commander", "what were the names of
# the two judges"; not "which king's army" (a thing of theirs, "king s" once the apostrophe
# is read as a space) nor "what did the king do".
_ROLES = (
    r"(?:person|people|man|men|woman|women|individuals?|king|queen|emperor|empress|pope|"
    r"bishop|archbishop|duke|duchess|earl|prince|princess|ruler|monarch|leader|commander|"
    r"admiral|president|minister|chancellor|governor|mayor|senator|politician|scientist|"
    r"mathematician|physicist|physician|doctor|chemist|biologist|geologist|engineer|inventor|"
    r"author|writer|poet|novelist|artist|painter|sculptor|composer|musician|singer|actor|"
    r"actress|architect|philosopher|explorer|judge|lawyer|advocate general|saint|monk|abbot|"
    r"priest|founder|ceo|director|player|quarterback|coach|researcher|professor|historian|"
    r"economist|officer|performer|journalist|theologian|scholar|commissioner|translator|"
    r"designer|astronomer|astronaut|comedian|analyst|referee|linebacker|kicker|fullback|"
    r"defender|navigator|missionary|ambassador|diplomat|envoy|colonel|captain|pharmacist|"
    r"botanist|alchemist|geochemist|biochemist|astrologer|activist|naturalist|surgeon|curator|"
    r"librarian|illustrator|engraver|craftsman|chairman|editor|critic|successor|predecessor|"
    # -ologist, -ographer and -smith name people only: a seismologist, a photographer, a
    # goldsmith
    r"\w+ologist|\w+ographer|\w*smith)s?"
)
_NOT_MODIFIER = rf"(?!(?:{_AUXILIARIES}|of|in|on|at|to|for|by|with|from|between|about)\b)"
_BY_ROLE_Q = re.compile(
    rf"\b(?:(?:which|what) (?:{_NOT_MODIFIER}[\w.]+ ){{0,2}}|names? of (?:the |an? )?"
    rf"(?:[\w.]+ ){{0,2}})(?P<role>{_ROLES})(?![\w'’-]| s\b)"
)
# "which people", "what persons" may be answered by a group ("non-Catholics").
_GENERIC_ROLE = re.compile(r"person|persons|people|man|men|woman|women|individuals?")
# Several of a role, uncounted, may be a group too ("which pharmacists": "pharmacists
# practicing in hospitals"); counted or named they are people ("which two sculptors").
_PLURAL_ROLE = re.compile(r"[^s]s$")
_COUNTED = re.compile(r"\b(?:two|three|four|five|both|names?)\b")
_PERSON_Q = re.compile(rf"\b(?:who|whom|whose)\b|{_BY_ROLE_Q.pattern}")
_PLACE_Q = re.compile(
    r"\b(where|what (country|city|region|place|town|area|location|river)|"
    r"which (country|city|region|place|town|area|river))\b"
)
_KINDS = (
    ("money", _MONEY_Q),
    ("number", _NUMBER_Q),
    ("date", _DATE_Q),
    ("person", _PERSON_Q),
    ("place", _PLACE_Q),
)


# Superlatives a question may ask for ("the longest tributary", "the largest castle"), and
# the words a sentence that answers one ranks things with: a superlative of its own, or
# "most", "first", "main", "only" and their like. Not "most" before "of" or a plural ("in most
# cases", "most of them": how many, not which ranks); before an adjective in -ous, -ss, -is
# or -us it ranks ("the most dangerous"). The answer sentence (or the one before it) of none
# of ../shared/train's 163 questions asking a superlative ranks only with such a "most".
_SUPERLATIVE = (
    r"(?:long|larg|bigg|fast|old|high|great|earli|small|short|low|young|new|strong|wealthi|"
    r"rich|poor|deep|tall|heavi|light|wid|clos|near|hott|cold|warm|wett|dri|bright|dens|"
    r"thick|thinn|cheap|slow|busi|common|simpl|easi|hard|saf|hug|tini|rar|fin|pur|nobl|"
    r"lat)est"
)
_SUPERLATIVE_Q = re.compile(rf"\b{_SUPERLATIVE}\b")
_RANKS = re.compile(
    rf"\b(?:{_SUPERLATIVE}|most(?! of\b| (?!\w*(?:ous|ss|is|us)\b)\w+s\b)|least|best|worst|"
    r"first|last|top|leading|main|chief|"
    r"principal|major|primary|record|maximum|minimum|only|largely|mainly|chiefly|especially|"
    r"particularly|extremely)\b"
)


def superlative(question: str) -> str | None:
    """The superlative a question asks for ("largest"), if any; not the news asked for
    ("what's the latest news about the Kraków mayor": the news, not a latest thing)."""
    m = _SUPERLATIVE_Q.search(_NEWS_ASKED.sub(" ", fold(question)))
    return m.group() if m else None


# "the latest news", "the latest on": news asked for, not a superlative.
_NEWS_ASKED = re.compile(
    r"\b(?:latest|newest) (?:news|updates?|developments?|word)\b"
    r"|\b(?:the )?(?:latest|newest) (?:on|about)\b"
)


def asks_news(question: str) -> bool:
    """Whether a question asks for the latest news on something ("what's the latest on the
    rent cap" too), so that the newest article that speaks of it answers."""
    return _NEWS_ASKED.search(fold(question)) is not None


def below_the_top(text: str) -> bool:
    """Whether a text ranks only below the top: it holds a superlative and each stands after
    an ordinal ("Peru's second-largest airline", "the third-biggest car maker")."""
    folded = fold(text)
    found = list(_SUPERLATIVE_Q.finditer(folded))
    return bool(found) and all(_ORDINAL_BEFORE.search(folded, 0, m.start()) for m in found)


# Superlatives that rank the other way, as stems: a sentence that names only "the largest"
# does not say which is the smallest, nor "the highest temperature" the lowest.
_OPPOSED = (
    ("larg|bigg|great|hug|most", "small|tini|least|fewest"),
    ("high|tall", "low"),
    ("long|tall", "short"),
    ("old", "young|new"),
    ("earli", "lat"),
    ("hott|warm", "cold|cool"),
    ("deep", "shallow"),
    ("fast|quick", "slow"),
    ("rich|wealthi", "poor"),
    ("heavi", "light"),
    ("wid|broad", "narrow"),
    ("thick", "thinn"),
    ("strong", "weak"),
    ("busi", "quiet"),
    ("common", "rar"),
    ("clos|near", "farth|furth|remot"),
    ("wett", "dri"),
    ("best", "worst"),
)
# A superlative of a figure asks for a bound, which a range states ("between 500 and 2,000").
_A_BOUND = re.compile(
    r" (?:possible )?(?:number|amount|quantity|figure|estimate|share|percentage)\b"
)
_RANK_STEM = re.compile(r"\b(most|least|fewest|best|worst|(\w+?)est)\b")


def _rank_stem(word: str) -> str:
    """A superlative's stem as _OPPOSED spells it ("largest": "larg"; "most" and "least"
    as they are)."""
    return word[:-3] if word.endswith("est") and word not in ("best", "worst") else word


def ranked_otherwise(question: str, text: str) -> str | None:
    """The superlative a question asks for ("smallest") where ``text`` ranks only the other
    way: it has a superlative opposed to it ("the largest") and none on its side ("the
    largest" and "the biggest" are on one side, "the smallest" and "the least" on the
    other); None where it asks none, or ``text`` ranks its way or not at all."""
    q = fold(question)
    found: set[str] | None = None  # the text's superlatives, read once one is asked
    for m in _RANK_STEM.finditer(q):
        if _A_BOUND.match(q, m.end()):
            continue  # "the greatest number of members": a bound, "no more than nine"
        asked = _rank_stem(m.group(1))
        for one, other in _OPPOSED:
            for side, against in ((one, other), (other, one)):
                if not re.fullmatch(side, asked):
                    continue
                if found is None:
                    found = {_rank_stem(w.group(1)) for w in _RANK_STEM.finditer(fold(text))}
                if any(re.fullmatch(side, f) for f in found):
                    return None
                if any(re.fullmatch(against, f) for f in found):
                    return m.group(1)
    return None


def asks_below_the_top(question: str) -> bool:
    """Whether a question names a rank below the top ("which is the second-largest")."""
    return _ORDINAL_WORD.search(question) is not None


# An ordinal, and one that a superlative follows: "second-largest", "3rd biggest".
_ORDINAL = r"(?:second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|\d+(?:st|nd|rd|th))"
_ORDINAL_WORD = re.compile(rf"\b{_ORDINAL}\b")
_ORDINAL_BEFORE = re.compile(rf"\b{_ORDINAL}[- ]$")


def ranks(sentence: str) -> bool:
    """Whether a sentence ranks what it speaks of: a superlative, "most", "first", "main"…"""
    return _RANKS.search(fold(sentence)) is not None


# Relations a question may ask of someone, each with the words a sentence that answers it
# states that relation with: kin ("who was William the Conqueror's wife": a kin word, a
# marriage, a birth, a family, an heir), a death ("when did Alan Turing die": a death, a
# killing, a lifespan such as "(1249–1314)"), a marriage, a burial, an invention ("who
# coined the term": invented, introduced, defined…; not a bare "by", as in "it was shown by
# Ladner"), a founding ("who founded McKinsey": founded, established, set up, started…),
# an authorship ("who wrote the Nibelungenlied": wrote, author, published, "in his book"…),
# a design ("who designed the bridge": designed, architect, built by, planned…), a succession
# ("who succeeded Rollo": succeeded, heir, throne, "after his death"…; not someone's own
# appointment, "was made Count of Tarrow in 1472") and a sale. Kin,
# inventions, foundings, authorships, designs and successions are asked with "who" only:
# "what type of father", "when were steam turbines introduced", "what did Luther write".
# How someone leaves an office, as "after his death" or "after Cnut's abdication" states a
# succession (not a bare "after": "after a brief dispute the council chose him as king").
_LEAVING = (
    r"(?:death|died|retire\w*|resign\w*|abdicat\w*|murder\w*|assassinat\w*|deposition|"
    r"deposed|exile|departure|removal|dismissal|overthrow|ouster|downfall|fall)"
)
_LIFESPAN = r"\d{3,4}\s*[–-]\s*(?:\d{1,2}\s+\w+\s+)?\d{3,4}"
# A spouse, as a question asks for one and as a sentence names one.
_SPOUSE_ASKED = r"wife|husband|spouse|widow|widower"
_SPOUSE = r"wife|wives|husbands?|spouses?|widow(?:er)?s?|consort|bride|betrothed"
_KIN = (
    rf"{_SPOUSE}|fathers?|mothers?|parents?|sons?|"
    r"daughters?|brothers?|sisters?|siblings?|uncles?|aunts?|nephews?|nieces?|cousins?|"
    r"grand(?:father|mother|son|daughter|child|children)s?|child|children|heirs?|"
    r"successors?|predecessors?|descendants?|ancestors?|family|families|dynasty|born|nee"
)
_MARRIAGE = r"marr\w*|wed|weds|wedded|wedding|divorc\w*|partners?|fianc\w*|engaged"
_DEATH = (
    r"die[sd]?|dying|death|deaths|dead|deceased|kill\w*|murder\w*|assassinat\w*|execut\w*|"
    r"perish\w*|drown\w*|slain|suicide|funeral|buri\w*|burial|mortally|succumb\w*|"
    r"casualt\w*|fatalit\w*|victims?|lives|toll|bodies|massacre\w*|slaughter\w*"
)


class Relation(NamedTuple):
    """How a question asks a relation, how a sentence states it, and whether it is asked
    only with *who* (then checked whatever the reader reads); ``written``, what states it
    too in the sentence as written, capitals and all (a design's maker named after "by")."""

    asked: re.Pattern[str]
    stated: re.Pattern[str]
    who_only: bool
    written: re.Pattern[str] | None = None


# Building that states an invention or a founding ("built", "the builders", "building the
# first …"), not the noun ("before leaving the building" states no invention).
_BUILT = r"buil(?:t|ds?|ders?|ding (?:the|a|an|his|her|its|their|of))\b"

# "By" and a name, as written: "the locomotive Salamanca by Matthew Murray", "sculpted by
# Alfred Drury" state who made it (not "by the Dunmore Foundry", which built it).
_MAKER_NAMED = re.compile(r"\bby (?:[A-Z][\w'’-]*\s+)*[A-Z][\w'’-]+")

RELATIONS: dict[str, Relation] = {
    name: Relation(
        re.compile(rf"\b(?:{asked})\b"), re.compile(rf"\b(?:{stated})\b"), who, *written
    )
    for name, asked, stated, who, *written in (
        # A spouse asked is stated only by a marriage: "who was William the Conqueror's
        # wife" and "Robert Curthose, William the Conqueror's eldest son" (kin, not a
        # spouse). Listed before "kin", whose words asked include a spouse's.
        (
            "spouse",
            _SPOUSE_ASKED,
            rf"{_MARRIAGE}|{_SPOUSE}|widow\w*",
            True,
        ),
        (
            "kin",
            rf"{_SPOUSE_ASKED}|father|mother|parents|son|daughter|brother|"
            r"sister|uncle|aunt|nephew|niece|cousin|grand(?:father|mother|son|daughter)",
            f"{_KIN}|{_MARRIAGE}",
            True,
        ),
        # What someone died of: "what did Erik Dahl die of", "the cause of his death";
        # stated by a cause, an illness, a violent end, not by a date or a place ("died on
        # Sunday at his home"). Before "death", whose words asked it shares.
        (
            "cause of death",
            r"(?:die|died|dies) (?:of|from)|cause (?:of|for) (?:his |her |their |the )?death|"
            r"what killed",
            r"caus\w*|(?:die[sd]?|death|dying)\b[^.]{0,40}?\b(?:of|from|after|in an?)|"
            r"kill\w*|drown\w*|execut\w*|murder\w*|assassinat\w*|suicide|shot|hanged|"
            r"behead\w*|poison\w*|starv\w*|complications?|illness|disease|cancer|tumou?r|"
            r"failure|attack|stroke|accident|crash\w*|infection|pneumonia|plague|fever|"
            r"overdose|wounds?|injur\w*|exhaustion|dementia|alzheimer\w*|covid\w*|virus|"
            r"tuberculosis|battle|war",
            False,
        ),
        ("death", r"die|died|dies", f"{_DEATH}|{_LIFESPAN}", False),
        ("marriage", r"marry|married|marriage|wed|wedding", f"{_MARRIAGE}|{_KIN}", False),
        (
            "burial",
            r"buried|burial|interred|grave|tomb",
            rf"{_DEATH}|graves?|tombs?|interr\w*|cemetery|mausoleum|crypt|entomb\w*|remains",
            False,
        ),
        (
            "invention",
            r"invented|invents?|inventor|coined|introduce[ds]?|devise[ds]?|pioneered",
            r"invent\w*|coin\w*|introduc\w*|devis\w*|creat\w*|develop\w*|first|"
            r"originat\w*|propos\w*|defin\w*|discover\w*|term|named|conceiv\w*|"
            rf"pioneer\w*|patent\w*|design\w*|{_BUILT}|came up|inspired",
            True,
        ),
        (
            "founding",
            r"founded|founder|founders|co-?founded|co-?founders?",
            r"(?:co-?)?found(?:ed|er|ers|ing|ation|ations)|\w*establish\w*|creat\w*|start\w*|"
            rf"set up|form\w*|organi[sz]\w*|launch\w*|incorporat\w*|{_BUILT}|open\w*|began|"
            r"begun|origin\w*|initiat\w*|institut\w*|charter\w*|develop\w*|introduc\w*|"
            r"propos\w*|pioneer\w*|invent\w*|devis\w*|conceiv\w*",
            True,
        ),
        (
            "authorship",
            r"wrote|write|writes|written|writer|author|authored|penned|composed|composer",
            r"writ\w*|wrote|author\w*|penn?ed|compos\w*|publish\w*|poet\w*|novel\w*|"
            r"playwright\w*|edit\w*|translat\w*|lyric\w*|essays?|poems?|articles?|letters?|"
            r"treatise|journal\w*|papers?|thesis|manuscript\w*|stor(?:y|ies)|reports?|"
            r"stud(?:y|ies)|surveys?|analys[ie]s|reviews?|columns?|memoirs?|biograph\w*|"
            r"songs?|hymns?|operas?|symphon\w*|scripts?|screenplays?|"
            r"(?:his|her|their) (?:\w+ )?(?:books?|works?)",
            True,
        ),
        (
            "design",
            r"designed|designer|designers|architect|architects",
            # Not by a thing being built or a design it has ("the diesel versions were built
            # from 1929", "an underglaze design"): by who designed, planned or built it. A
            # maker named after "by" states one too (``_MAKER_NAMED``).
            r"designed|designing|designers?|(?:to|from|after|on) (?:a|the|his|her|their) "
            r"designs?|designs? by|architect\w*|built by|builders?|planned|planners?|"
            r"plans? (?:by|of|for|were|drawn)|engineered|engineers?|draw\w*|drew|conceiv\w*|"
            r"created by|creators?",
            True,
            _MAKER_NAMED,
        ),
        (
            "succession",
            r"succeeded|succeed|succeeds|successor|successors|preceded|predecessor|replaced",
            r"succe\w*|predecess\w*|replac\w*|throne|reign\w*|follow\w*|"
            r"t(?:ook|aken?|akes) over|crowned|inherit\w*|delegat\w*|handed|"
            rf"after (?:[\w'’]+ ){{0,2}}{_LEAVING}|{_KIN}",
            True,
        ),
        # Who paid for something is stated by a payment, a gift, a fund or a patron ("receive
        # remuneration from"): not by who made it ("who paid for the statue" and "a bronze
        # statue by the sculptor Ilse Brannock was unveiled"). All 13 such questions answered
        # in ../shared/train's articles, train/news-train.json and train/wiki-train.json
        # have one in the answer's sentence or the one before.
        (
            "funding",
            # the verbs: "finance" and "fund" may name a minister or a body ("finance minister")
            r"paid|pays|pay for|funded|funds|financed|finances|sponsored|sponsors|bankrolled",
            r"pa(?:id|y\w*)|fund\w*|financ\w*|sponsor\w*|bankroll\w*|donat\w*|donors?|gifts?|"
            r"gave|given|cost\w*|expens\w*|subscri\w*|bequ\w*|grants?|granted|money|"
            r"contribut\w*|rais\w*|backed|backing|backers?|endow\w*|invest\w*|budget\w*|"
            r"patron\w*|commission\w*|subsid\w*|underwr\w*|scholarships?|stipends?|charit\w*|"
            r"benefact\w*|support\w*|remunerat\w*|compensat\w*|reimburs\w*|salar\w*|wages?|"
            r"fees?|earn\w*|receiv\w*|brib\w*|ransom\w*|tribute|loans?|lent|lend\w*",
            True,
        ),
        (
            "sale",
            r"sell|sells|sold|sale|bought|buy|buys|purchased?",
            r"s[eo]l[dl]\w*|sales?|b[ou]ught|buy\w*|purchas\w*|acqui\w*|paid|pay\w*|price\w*|"
            r"auction\w*|transfer\w*|ceded|handed|took over|takeover|bids?|deal|shipped|"
            r"shipments?|units|copies|revenues?",
            False,
        ),
    )
}


# The stem of each single word a relation is asked by (RELATIONS), and that word.
_ASKED_BY_STEM = {
    stem(word): word
    for relation in RELATIONS.values()
    for word in relation.asked.pattern.removeprefix(r"\b(?:").removesuffix(r")\b").split("|")
    if re.fullmatch(r"[a-z]+", word)
}


def relation_asked(question: str, who: bool) -> str | None:
    """The relation a question asks of someone (see RELATIONS), if any; ``who``: whether it
    asks who."""
    q = fold(question)
    if typed := [w for w in words(q) if w not in DICTIONARY and stem(w) in _ASKED_BY_STEM]:
        # A typo that keeps the word's stem and makes no English word reads as that word:
        # "who succeede Rollo" asks a succession.
        q = re.sub(
            rf"\b(?:{'|'.join(map(re.escape, typed))})\b",
            lambda m: _ASKED_BY_STEM[stem(m.group())],
            q,
        )
    return next(
        (
            name
            for name, relation in RELATIONS.items()
            if (who or not relation.who_only) and relation.asked.search(q)
        ),
        None,
    )


def states_relation(relation: str, sentence: str) -> bool:
    """Whether a sentence states a relation of RELATIONS ("kin": "Emma, sister of …"), by
    its words or as written (``Relation.written``: "the iron gates by Christopher Hay")."""
    stated = RELATIONS[relation]
    if stated.stated.search(fold(sentence)) is not None:
        return True
    return stated.written is not None and stated.written.search(sentence) is not None


_NOW_Q = re.compile(
    r"\b(today|tomorrow|tonight|right now|at the moment|currently|these days|this (week|"
    r"weekend|month|year)|next (week|weekend|month|year)|latest news(?! (?:on|about|from|of)\b)|"
    r"nowadays)\b"
)


def asks_about_now(question: str) -> bool:
    """Whether a question asks about the present or the future ("today", "tomorrow"), which
    dated articles can only answer where they say so themselves."""
    return _NOW_Q.search(fold(question)) is not None


def states_now(sentence: str) -> bool:
    """Whether a sentence speaks of the present ("today", "currently") in its own words: a
    "right now" someone is quoted saying does not date the sentence."""
    return asks_about_now(unquoted(sentence))


def echoes_now(question: str, sentence: str) -> bool:
    """Whether a question's words of the present ("right now") are words the sentence
    quotes someone saying, so that the question quotes them and does not ask about today:
    "who said the future is happening right now" and '… writing “the future is happening
    right now – in China.”'."""
    quoted = " ".join(fold(m.group()) for m in QUOTATION.finditer(sentence))
    asked = [m.group() for m in _NOW_Q.finditer(fold(question))]
    return bool(asked) and all(re.search(rf"\b{re.escape(a)}\b", quoted) for a in asked)


def _first_kind(question: str, kinds: tuple[tuple[str, re.Pattern[str]], ...]) -> str | None:
    """The first kind whose pattern the (case-folded) question matches."""
    q = fold(question)
    return next((kind for kind, pattern in kinds if pattern.search(q)), None)


def asks_by_role(question: str) -> bool:
    """Whether a question asks for someone by their role ("which pope", "what were the names
    of the two judges") rather than with "who"; such an answer is a name."""
    if re.search(r"\bwho", question) is not None:
        return False
    return any(
        _GENERIC_ROLE.fullmatch(role := m.group("role")) is None
        and not (_PLURAL_ROLE.search(role) and _COUNTED.search(m.group()) is None)
        for m in _BY_ROLE_Q.finditer(question)
    )


def names_a_role(question: str) -> str | None:
    """The role a question asks the name of someone by ("what were the names of the two
    judges who …": judges; "the last name of the player"), if it does."""
    m = _NAMES_OF_ROLE_Q.search(fold(question))
    return m.group("role") if m else None


_NAMES_OF_ROLE_Q = re.compile(
    r"\bnames? of (?:the |an? |his |her |their |its )?(?:[\w'’-]+ ){0,2}"
    rf"(?P<role>{_ROLES})\b"
)


# Offices someone holds somewhere, as a question asks who holds one ("who is the chief
# executive of Harbor Goods", "who is Corvanta's chief executive", "what is the name of
# Uruguay's defence minister"), and the words that state each (``office_stated``).
_OFFICES = (
    r"chief executives?|executives?|ceos?|managers?|secretar(?:y|ies)|"
    r"chair(?:man|men|woman|women|person)?|spokes(?:man|men|woman|women|person)|ministers?|"
    r"presidents?|chancellors?|governors?|mayors?|directors?|captains?|coach(?:es)?|"
    r"commissioners?|ambassadors?|editors?|curators?|deans?|rectors?|treasurers?|"
    r"prosecutors?|premiers?|lawyers?|attorneys?|"
    # posts named by what their holders do: "who is the chief economist of JD" is not
    # answered by JD Retail's CEO
    r"economists?|officers?|strategists?|analysts?|scientists?|engineers?|architects?|"
    r"historians?|conductors?"
)
# Whose office: "Corvanta's", or "corvanta s" as a question is read once corrected.
_OWNER = r"[\w'’.-]+(?: [\w'’.-]+){0,3}?(?:['’]s| s)"
_OFFICE_ASKED = (
    re.compile(
        r"\bwho (?:is|was|are|were|became|becomes|has been|had been|will be) the "
        rf"(?:[\w-]+ ){{0,2}}?(?P<office>{_OFFICES}) (?:of|at|for|in)\b"
    ),
    re.compile(rf"\bwho (?:is|was|are|were) {_OWNER} (?:[\w-]+ ){{0,2}}?(?P<office>{_OFFICES})\b"),
    # "who is the ashmoor rovers manager": the office last, after whose it is.
    re.compile(rf"\bwho (?:is|was|are|were) the (?:[\w'’.-]+ ){{1,4}}?(?P<office>{_OFFICES})$"),
    re.compile(
        rf"\bnames? of (?:the |an? |his |her |their |its |{_OWNER} )(?:[\w-]+ ){{0,2}}?"
        rf"(?P<office>{_OFFICES})\b"
    ),
)
# Words for one office, each another word for the rest: a chief executive is a CEO.
_OFFICE_WORDS: tuple[tuple[str, ...], ...] = (
    ("executive", "ceo"),
    ("chair", "chairman", "chairwoman", "chairperson", "chaired", "chairs"),
    ("spokesman", "spokeswoman", "spokesperson"),
    ("lawyer", "attorney", "counsel", "solicitor", "barrister", "advocate"),
)


def _office_also(office: str) -> tuple[str, ...]:
    """The other words for an office (``_OFFICE_WORDS``), by its stem or as asked."""
    one = stem(office)
    group = next((g for g in _OFFICE_WORDS if one in g), None)
    if group is None:
        group = next((g for g in _OFFICE_WORDS if office in g), ())
    return tuple(w for w in group if w not in (one, office))


_CHIEF_EXECUTIVE = re.compile(r"\bchief executives?\b|\bceos?\b")


def office_asked(question: str) -> str | None:
    """The office a question asks who holds ("the name of Uruguay's defence minister":
    "minister"; "who is Corvanta's chief executive": "chief executive"), if it asks so."""
    q = fold(question)
    for pattern in _OFFICE_ASKED:
        if (found := pattern.search(q)) is not None:
            office = found.group("office")
            return "chief executive" if office.startswith("chief") else office.split()[-1]
    return None


def office_stated(office: str, text: str) -> bool:
    """Whether a text names the office (``office_asked``), by its word or another for it; a
    chief executive by those words or "CEO", not by "executives" alone ("the government would
    summon Corvanta executives")."""
    if office == "chief executive":
        return _CHIEF_EXECUTIVE.search(fold(text)) is not None
    one = stem(office)
    also = {stem(w) for w in _office_also(office)}
    return any((s := stem(w)) == one or s in also for w in words(fold(text)))


def asks_who_holds(question: str) -> bool:
    """Whether a question asks who holds a role somewhere ("who is the chief executive of
    Harbor Goods", "who was the first President of the European Commission"): someone,
    never a body."""
    return _WHO_HOLDS_Q.search(fold(question)) is not None


_WHO_HOLDS_Q = re.compile(
    r"\bwho (?:is|was|are|were|became|becomes|has been|had been|will be) the (?:[\w-]+ ){0,2}?"
    rf"(?:{_ROLES}|executive|head|boss|manager|secretary|chair\w*|spokes\w*) (?:of|at|for|in)\b"
)

# Things whose instances have names, asked for with "what"/"which" and at most two words
# between ("which European country", "what political party"): the answer is a name. In
# ../shared/train's articles, all 383 such questions have an answer holding a capitalised
# word. Not "what type of company", "which country's cars" (a kind, a possession), nor "a
# sign of what amongst European countries".
_NAMED_THINGS = (
    r"country|countries|nation|nationality|city|cities|town|village|county|province|"
    r"continent|island|company|companies|firm|corporation|team|network|language|religion|"
    r"organi[sz]ation|university|college|river|treaty|museum|dynasty|empire|kingdom|"
    r"magazine|newspaper|party|month|day|planet|book|novel|film|album|song|ship|"
    # bodies and works named as such; none of the 30 ../shared/train questions asking which
    # band, agency, brand, award, prize, league, club or channel has a lowercase answer
    r"banks?|airlines?|agenc(?:y|ies)|band|brands?|awards?|prizes?|league|club|channel|"
    r"manufacturers?|"
    # a name given to something: all 8 such answers there are capitalised or quoted ("the
    # dot")
    r"nicknames?|monikers?|"
    # places asked for by more than one: "which islands do the ferries go to"
    r"islands|rivers|towns|villages|lakes?|mountains?|provinces|counties|"
    # places and events named as such: 61 of the 62 ../shared/train answers to "which
    # station / park / war / district / festival / stadium / studio / battle / street /
    # castle / airport / cathedral / sea" questions are capitalised (not "one way"); not
    # bridges, where the reader marks "the longest suspension bridge" beside "the Emmerich
    # Rhine Bridge", a right answer refused
    r"stations?|parks?|wars?|districts?|festivals?|stadiums?|studios?|battles?|streets?|"
    r"castles?|airports?|cathedrals?|volcano(?:es)?|seas?|oceans?|"
    # courts, games, genera, missions, programmes, tribes, operas and
    # institutions: all 38 ../shared/train answers to such questions are capitalised (not
    # cases: "what case complexity" asks no name; nor armies: "the papal army")
    r"court|games?|genus|missions?|programs?|programmes?|tribes|operas?|"
    r"institution"
)
_NOT_BETWEEN = (
    rf"(?!(?:type|kind|sort|genre|form|time|part|{_AUXILIARIES}|the|a|an|of|among|amongst)\b)"
)
# Asked as "what was the name of the college" (23 such questions there, all answered by a
# name), "what is the title of" a work (3, all capitalised) or "what is the regional
# nickname" (5, all capitalised or quoted) too.
_NAMED_THING_Q = re.compile(
    rf"\b(?:what|which) (?:{_NOT_BETWEEN}[\w'’-]+ ){{0,2}}(?P<thing>{_NAMED_THINGS})\b"
    r"(?! of\b|['’]s\b)"
    r"|\b(?:what|which) (?:is|was|are|were) (?:the|its|their|his|her) (?:names? of (?:the |an? )?"
    rf"(?:[\w'’-]+ ){{0,2}}(?P<named>{_NAMED_THINGS})\b|(?P<title>title)s? of\b|"
    r"(?:[\w'’-]+ )?(?P<given>nicknames?|monikers?)\b)"
)


def named_of(question: str) -> str | None:
    """The head word of what a question asks the name of in so many words: "what is the
    name of the vendor that supplied …" (vendor), "… of the footwear maker in Felgueiras"
    (maker), "… of the National Bank of Poland's governor" (governor, the possessed)."""
    m = _NAME_OF_Q.search(fold(question))
    if m is None:
        return None
    chunks = _NAME_OF_CUT.split(m.group("x"))
    owned = [c for c in chunks if _POSSESSIVE.search(c)]
    phrase = _POSSESSIVE.split(owned[0])[-1] if owned else _NAME_OF_AFTER.split(chunks[0])[0]
    found = re.findall(r"[a-z][a-z-]*", phrase)
    return found[-1] if found else None


def names_someone(head: str) -> bool:
    """Whether the head word of what a question asks the name of (``named_of``) is a
    person by what it says: kin, a man, a woman, a child, a student ("what is the name of
    Graham Whitfield's wife"), which the embedding model may place no nearer people than
    things."""
    return _SOMEONE_WORD.fullmatch(head) is not None


_NAME_OF_Q = re.compile(
    r"\b(?:what|which) (?:is|was|are|were) (?:the|its|their|his|her) names? of (?P<x>.+)"
)
# Where the thing named ends: a clause, a preposition, a verb, a comma.
_NAME_OF_CUT = re.compile(
    r"\s+(?:who|that|which|whose|where|when|in|at|of|for|on|from|to|with|by|is|was|are|were|"
    r"did|does|do|has|have|had)\b|[?,;]"
)
# Where the thing named ends within its words, after its first: a preposition or a participle
# ("the fisherman missing off Aparri", "the man found dead", "the trophy given to").
_NAME_OF_AFTER = re.compile(
    r"\s+(?:off|near|outside|inside|into|over|under|about|after|before|during|behind|between|"
    r"against|among|across|along|found|held|seen|shot|hit|left|lost|known|born|taken|given|"
    r"made|caught|built|sent|kept|brought|killed|missing|injured|arrested|charged|accused|"
    r"named|called|said|reported|jailed|rescued|hired|elected|appointed)\b"
)
_SOMEONE_WORD = re.compile(
    rf"{_KIN}|m[ae]n|wom[ae]n|boys?|girls?|child|children|persons?|people|babies|baby|"
    r"teenagers?|students?|pupils?|friends?|colleagues?"
)
# "Poland's governor", "the workers' union"; as a corrected question reads: "poland s governor".
_POSSESSIVE = re.compile(r"['’]s?\b|\s+s\b")


def asks_a_name(question: str) -> str | None:
    """The thing a question asks the name of ("nationality" in "what nationality was
    Muybridge", "college" in "what was the name of the college", "title"), if it asks one
    of _NAMED_THINGS or a title."""
    folded = fold(question)
    for m in _NAMED_THING_Q.finditer(folded):
        if _RELATIVE.search(folded[: m.start()]):
            continue  # "zones in which mountains are built … are called what": a clause
        return m.group("thing") or m.group("named") or m.group("title") or m.group("given")
    return None


# What comes before a "which" that opens a clause rather than asks: a word, then a
# preposition ("zones in which", "the city of which"); at the question's start "in which
# city" asks.
_RELATIVE = re.compile(r"\w\W+(?:in|of|to|on|at|by|for|from|with|through|under|into)\W+$")


# "Where" that asks: at the question's start, or before a verb of its own or at its end ("is
# located where?"); not a "where" that opens a clause ("the area called where two plates
# move apart", 21 of ../shared/train's 508 place questions).
_ASKS_WHERE = re.compile(
    r"^\W*(?:(?:from|to|and|or|but|so|then) )?where\b|\bwhere(?: (?:is|was|are|were|do|does|"
    r"did|can|could|would|will|should|might|may|must|has|have|had|else)\b|\W*$)"
)


def asks_where(question: str) -> bool:
    """Whether a question asks where, with "where" as its question word."""
    return _ASKS_WHERE.search(fold(question)) is not None


# A reason asked for: "why", "for what reason", "what was the reason".
_WHY_Q = re.compile(r"\bwhy\b|\bfor what reasons?\b|\bwhat (?:is|was|are|were) the reasons?\b")


def asks_why(question: str) -> bool:
    """Whether a question asks for a reason ("why did Greenland leave")."""
    return _WHY_Q.search(fold(question)) is not None


# When something began, asked as such: "when was the union established", "in what year did
# she found her firm", "when was the temple built". Its answer is a year, a decade or a
# century, never "on Tuesday" or "at dawn".
_FOUNDED_Q = re.compile(
    r"^(?:when|in what year|what year|which year)\b.*\b(?:(?:was|were)\b.*\b(?:founded|"
    r"established|built|born|created|formed|constructed|erected|incorporated|set up)|did\b.*\b"
    r"(?:found|establish|build|create|construct|erect|incorporate|set up))\b"
)


# Languages a question may ask a name in: "what is the Rhine called in Dutch", "what is the
# Irish term for private schools".
_LANGUAGE = (
    r"english|german|french|dutch|latin|greek|spanish|italian|portuguese|polish|russian|"
    r"arabic|chinese|mandarin|cantonese|japanese|korean|hindi|urdu|persian|turkish|hebrew|"
    r"swahili|mongolian|romansh|irish|welsh|gaelic|norse|sanskrit|swedish|danish|norwegian|"
    r"icelandic|finnish|hungarian|czech|slovak|ukrainian|romanian|bulgarian|serbian|croatian|"
    r"albanian|catalan|basque|galician|frisian|flemish|afrikaans|zulu|amharic|somali|hausa|"
    r"yoruba|malay|indonesian|thai|vietnamese|tagalog|bengali|punjabi|tamil|maori|hawaiian|"
    r"armenian|georgian|kurdish|pashto|tibetan|latvian|lithuanian|estonian|maltese|breton"
)
_IN_LANGUAGE_Q = re.compile(
    rf"\b(?:called|known|named?|termed|say|said|spelt|spelled|mean|means|word|term|"
    rf"translated)\b.*\bin (?P<after>{_LANGUAGE})\b|\b(?P<before>{_LANGUAGE}) "
    r"(?:name|word|term|spelling|title)s?\b"
)


def language_asked(question: str) -> str | None:
    """The language a question asks a name in, if it asks one: "dutch" in "what is the Rhine
    called in Dutch" and in "what is the Dutch name for the Rhine"."""
    found = _IN_LANGUAGE_Q.search(fold(question))
    return None if found is None else found.group("after") or found.group("before")


def asks_when_founded(question: str) -> bool:
    """Whether a question asks when something was founded, built or born ("when was the
    New Zealand Nurses Organisation established")."""
    return _FOUNDED_Q.search(fold(question).strip()) is not None


def question_type(question: str) -> str | None:
    """The kind of thing a question asks for: money, number, date, person, place or None. A
    "when" after the question's own word opens a clause of time, not what is asked: "who
    hired Tesla when he moved to New York" asks for a person (15 of ../shared/train's 8,522
    questions, every one asking the earlier word's kind)."""
    kind = _first_kind(question, _KINDS)
    if kind == "date" and (when := _WHEN.search(folded := fold(question))) is not None:
        before = folded[: when.start()]
        earlier = _first_kind(before, _WHO_WHERE)
        if earlier is not None and _DATE_Q.search(before) is None:
            return earlier
    return kind


_WHEN = re.compile(r"\bwhen\b")
_WHO_WHERE = tuple((kind, pattern) for kind, pattern in _KINDS if kind in ("person", "place"))


# Questions that ask for a figure the answer must state: a year ("in what year"), a count
# ("how many", "what is the population of"), a span of time or distance ("how long", "how
# far", "how old": any figure, a year too: "since 2001") or a measure ("how deep", "what is
# the area of": a figure with its unit; a temperature, a figure in degrees) or a time
# ("when …": a date, a period, a moment; _TIME_Q below). An answer without one is a
# sentence about the same thing, not an answer. "How much" is left out: "how much of it" is
# answered in words.
_YEAR_Q = re.compile(r"\b(what|which) (year|century|decade)\b")
_COUNT_Q = re.compile(
    r"\b(how many|what number|(what|which) (is|was|are|were) the (\w+ )?(number|population) "
    r"of)\b"
)
_SPAN_Q = re.compile(r"\bhow (long|far)\b|\bwhat (is|was) the half-life\b")
# An age: any figure or year ("born in 1942") but a time of day, a share or a sum ("how old is
# Stefan Leitner" and "conceded shortly after 9 p.m.").
_AGE_Q = re.compile(r"\bhow old\b|\b(at|of) what age\b|\bwhat age\b")
# "When …" asks for a time, which an answer states as a date, a period or a moment ("in 911",
# "in the Triassic Period", "as soon as they enter into force"), never without one; not
# "when the Rhine leaves the lake, which way does it flow", "when …, then …".
_TIME_Q = re.compile(
    r"^\W*(?:(?:since|until|till|from) )?when\b(?!.*\b(?:which|what|who|whom|where|how|then)\b)"
    r"|\bsince when\b"
)
_MEASURE_Q = re.compile(
    r"\b(how (tall|high|deep|wide|thick)|(what|which) (is|was|are|were) "
    r"the (\w+ )?(area|height|depth|width|thickness|diameter|speed|elevation|altitude|"
    r"distance|length|circumference|radius) (of|between|from|to)|at what (speed|depth|"
    r"height|altitude|elevation))\b"
)
# A temperature is a measure stated in degrees: "410 and 660 kilometres" is no answer to
# "what is the temperature of the inner core".
_TEMPERATURE_Q = re.compile(
    r"\b(how (hot|cold|warm)|(what|which) (is|was|are|were) the (\w+ )?temperatures? of|"
    r"at what temperature)\b"
)
# A weight is a measure stated in a unit of weight: "2.25 metres high" is no answer to "how
# much does it weigh"; "how much food weight" asks a weight too.
_WEIGHT_Q = re.compile(
    r"\b(how heavy|(what|which) (is|was|are|were) the (\w+ )?weight of|(how much|what) "
    r"(does|did|do|will|would|is|was) .*\bweigh|how much (\w+ )?weight)\b"
)

_FIGURES = (
    ("year", _YEAR_Q),
    ("count", _COUNT_Q),
    ("age", _AGE_Q),
    ("span", _SPAN_Q),
    ("weight", _WEIGHT_Q),
    ("temperature", _TEMPERATURE_Q),
    ("measure", _MEASURE_Q),
    ("time", _TIME_Q),
)


def _typed_when(question: str) -> bool:
    """Whether the question as typed holds "when", or a typo of it that is no other question
    word's ("wehn", not "whee", one letter from "where" too)."""
    return any(
        w == "when"
        or (
            OSA.distance(w, "when") == 1
            and not any(OSA.distance(w, other) <= 1 for other in _ASKING - {"when"})
        )
        for w in words(question)
    )


# The dimension a question asks a measure of: "how tall is the tower", "what is the depth of
# the lake". "How high" also asks of prices and rates ("how high was inflation"), so it is
# read loosely (``dimension_asked``).
_DIMENSION_Q = re.compile(
    r"\bhow (?P<how>tall|high|deep|wide|broad|thick)\b"
    r"|\b(?:what|which) (?:is|was|are|were) the (?:\w+ )?(?P<noun>height|depth|width|breadth|"
    r"thickness|elevation|altitude|diameter) of\b"
)
_DIMENSION_OF = {
    "tall": "height",
    "high": "height",
    "height": "height",
    "elevation": "height",
    "altitude": "height",
    "deep": "depth",
    "depth": "depth",
    "wide": "width",
    "broad": "width",
    "width": "width",
    "breadth": "width",
    "diameter": "width",
    "thick": "thickness",
    "thickness": "thickness",
}


def dimension_asked(question: str) -> tuple[str, bool, str] | None:
    """The dimension a question asks a measure of ("height", "depth", "width" or
    "thickness"), whether strictly (not "how high", which may ask how high a price or a rate
    is), and its name as asked ("diameter" for "what is the diameter of"); None where it
    asks none."""
    found = _DIMENSION_Q.search(question)
    if found is None:
        return None
    noun = found.group("noun")
    word = found.group("how") or noun
    dimension = _DIMENSION_OF[word]
    return dimension, word != "high", noun or dimension


def figure_asked(question: str) -> str | None:
    """The figure a question asks for, when it asks for one: "year", "count", "age",
    "span", "weight", "temperature", "measure" or "time"."""
    return _first_kind(question, _FIGURES)


_LIST_Q = re.compile(
    r"\b((what|which) (are|were)\b|(what|which) \w+s (are|were|did|do|does|have|has)\b|"
    r"(which|what) (countries|cities|places|regions|nations|states|towns|rivers|companies|"
    r"brands|people|products|languages|members)\b|\b(name|list) (the|all|some)\b|"
    r"\b(countries|cities|nations|regions|languages|members|companies|brands|products)\b)"
)
_ACRONYM_Q = re.compile(
    r"\bwhat (?:does|do|did|is|was) (?:the )?(?:abbreviation |acronym )?([a-z0-9&.-]{2,12}) "
    # "what does Obersee means", as a typo of "mean" is repaired ("measn"), or as typed
    r"(?:stands? for|short for|means?|an abbreviation for|an acronym for)\b"
    r"|\b([a-z0-9&.-]{2,12}) (?:stands for|is short for)\b"
    r"|\bwhat is the (?:full form|long form|meaning) of (?:the )?([a-z0-9&.-]{2,12})\b"
)
# Of those, the words that ask for an abbreviation's words, not for what it is: "what does
# NP stand for", "what is AFC short for", "the full form of …" (not "what does Obersee
# mean", which a sentence saying what it is may answer).
_SPELL_OUT_Q = re.compile(
    r"\b(?:stands? for|short for|abbreviation|acronym|full form|long form)\b"
)


# "What is a decision problem?", "what's NP-complete", "define reduction", "what does the term
# Pale mean": a thing asked what it is, named by up to five words and nothing after them.
_THING = r"(?P<thing>[\w'’.&-]+(?: [\w'’.&-]+){0,4})"
_DEFINE_Q = (
    re.compile(rf"^what(?:['’]s| s| is| are| was| were) (?:an? |the )?{_THING}$"),
    re.compile(rf"^(?:define|what is meant by|what do you mean by) (?:an? |the )?{_THING}$"),
    re.compile(
        rf"^what (?:does|do) (?:the (?:term|word|phrase|name) )?(?:an? |the )?{_THING} mean$"
    ),
)
# "Who was Rollo?", "who is Frédéric Chopin": someone named, asked who they are; not a role
# ("who is the mayor", "who was Tesla's nephew": a name is asked for).
_DEFINE_WHO = re.compile(rf"^who(?:['’]s| s| is| are| was| were) {_THING}$")
# "What type of delta is the Rhine-Meuse?": what it is, and the kind it is asked as.
_DEFINE_KIND = re.compile(
    r"^what (?:type|kind|sort|form) of (?P<kind>[\w'’-]+(?: [\w'’-]+){0,2}) "
    rf"(?:is|are|was|were) (?:an? |the )?{_THING}$"
)
# Words that make the rest of a question more than a thing's name: "what is the capital of
# France", "what was it like", "what are they called".
_NOT_A_THING = frozenset(
    "of in on at for by from to with about between during after before into than as like "
    "besides regarding within without against among across through toward towards over "
    "that which who whom whose when where why how what it its this these those there they "
    "he she him his her their them we you i do does did done called known used made said "
    "so not".split()
)


_DETERMINERS = frozenset({"the", "a", "an", "this", "that", "these", "those", "some", "any"})


def _trimmed(question: str) -> str:
    """A question without the spaces and marks after it ("What is P? ": "What is P")."""
    return re.sub(r"[?!.\s]+$", "", question.strip())


def defined_asked(question: str) -> str | None:
    """The thing a question asks to be defined, folded ("what is a Turing machine": "turing
    machine"); None where the question asks more of it ("what is the name of …"). "Of" and
    the like may join the capitalised words of a name ("what was the Duchy of Normandy").
    Asked who someone is, only a name: typed in capitals ("who was Rollo", not "who was the
    duke"), or in lower case of no English word ("who was rollo", not "who was
    president")."""
    typed = _trimmed(question)
    q = fold(typed)
    for pattern in (*_DEFINE_Q, _DEFINE_WHO, _DEFINE_KIND):
        found = pattern.match(q)
        if found is None:
            continue
        thing = found.group("thing")
        said = thing.split()  # as typed, where folding kept every character in place
        if len(q) == len(typed):
            said = typed[found.start("thing") : found.end("thing")].split()
        if pattern is _DEFINE_WHO and (
            said[0].lower() in _DETERMINERS
            or "'" in thing
            or "’" in thing
            or (not said[0][:1].isupper() and any(is_english(w) for w in thing.split()))
        ):
            # a role, someone's relation, or words typed in lower case that may be one
            # ("who was president"); "who was rollo" is a name all the same
            return None
        for i, word in enumerate(thing.split()):
            if word in _NOT_A_THING and not (
                0 < i < len(said) - 1 and said[i - 1][:1].isupper() and said[i + 1][:1].isupper()
            ):
                return None
        return thing if any(c.isalnum() for c in thing) else None
    return None


def defined_kind(question: str) -> str | None:
    """The kind a question asks a thing to be defined as, folded ("what type of delta is the
    Rhine-Meuse": "delta"), where it does (``defined_asked``)."""
    if defined_asked(question) is None:
        return None
    found = _DEFINE_KIND.match(fold(_trimmed(question)))
    return None if found is None else found.group("kind")


# Words that ask what someone does, and (``role_typo``) are recognised through one typo.
_ROLE_WORDS = ("job", "role", "position", "occupation", "profession", "employer")
_ROLE_Q = re.compile(
    rf"\b({'|'.join(_ROLE_WORDS)}|title|work for|works for|do for a living|who is)\b"
)
_AUTHOR_REF = re.compile(r"\b(author|writer|journalist)\b")


def asks_role(question: str) -> bool:
    """Whether a question asks what someone does ("what is Lei Xu's job", "who is Lei Xu",
    "what does Lei Xu do")."""
    q = fold(question)
    return _ROLE_Q.search(q) is not None or _DOES_Q.search(q) is not None


def role_typo(word: str) -> bool:
    """Whether a word no article uses is a role word mistyped ("jobb"): an edit away from
    one, and no English word itself."""
    return (
        len(word) > 3
        and not is_english(word)
        and process.extractOne(word, _ROLE_WORDS, scorer=OSA.distance, score_cutoff=1) is not None
    )


_DOES_Q = re.compile(r"\bwhat (does|did) .+ do\b|\bwho'?s\b")


def asks_author_role(question: str) -> bool:
    """Whether a question asks what the article's author does ("what job does the writer
    hold"): the closing note usually says."""
    q = fold(question)
    return _AUTHOR_REF.search(q) is not None and _ROLE_Q.search(q) is not None


def asks_for_list(question: str) -> bool:
    """Whether a question asks for several things ("which countries", "what are the …")."""
    return _LIST_Q.search(fold(question)) is not None


# "what is C2M?", "what's an NGO": an abbreviation alone asked what it is; it is one if typed
# in capitals, or if it mixes letters and figures ("c2m").
_WHAT_IS_ALONE = re.compile(
    r"^\s*(?i:what(?:['’]s| is| are) (?:an? |the )?)([A-Za-z0-9&]{2,8}?)(?:s)?\s*\??\s*$"
)


def acronym_asked(question: str) -> str | None:
    """The abbreviation a question asks to be spelled out ("what does C2M stand for", and
    "what is C2M?")."""
    alone = _WHAT_IS_ALONE.match(question)
    if alone is not None:
        word = alone.group(1)
        mixed = any(c.isdigit() for c in word) and any(c.isalpha() for c in word)
        if mixed or (word.isupper() and sum(c.isalpha() for c in word) >= 2):
            return fold(word)
    found = _ACRONYM_Q.search(fold(question))
    if found is None:
        return None
    word = next(g for g in found.groups() if g)
    return word if any(c.isalpha() for c in word) else None


# "Wrote that" followed by a clause reports what someone wrote ("who wrote that imperialism
# is the highest stage of capitalism"), and "by whom" asks for an author only beside a word
# of writing ("by whom is European law applied" does not): of the 8,522 training questions,
# 11 were answered from an article's metadata, all of them about its text, 6 for these.
_WRITING = r"(written|wrote|writes|published|penned|authored|posted)"
#: The verbs "who …" asks an article's author with; answer.py reads what follows them.
# "write": "wrbte" repaired; "who reported on JD at the HP and SAP event": a reporter's
# article (no question of the training files asks who reported on anything else).
AUTHORING = r"(?:wrote|writes|authored|penned|published|write|reported on)"
_CLAUSE_AFTER_THAT = (
    r"(?! that\s+(?!(article|articles|piece|post|story|essay|report|text|paper|book)\b)\w+\s+\w)"
)
# An article named by a few words before the word for it: "the new infrastructure article".
_NAMED_ARTICLE = r"(the |this |that )?([\w'’-]+ ){0,5}?(article|post|piece)"
_AUTHOR_Q = re.compile(
    rf"\b(who {AUTHORING}{_CLAUSE_AFTER_THAT}"
    r"|(who is|who's|who was) the (author|writer)|author of|writer of|written by"
    # "which journalist wrote the HP event post", "who is the … article by", "whose article"
    rf"|(which|what) (journalist|writer|author|reporter) {AUTHORING} {_NAMED_ARTICLE}"
    rf"|who (is|was) {_NAMED_ARTICLE} (written )?by|whose (article|post|piece) is"
    rf"|wrote (it|this|that)(?!\s+\w)|{_WRITING}\b.*\bby whom|by whom\b.*\b{_WRITING}|byline"
    r"|the author)\b"
)
_DATE_META_Q = re.compile(
    r"\b(when (was|were|is|did) .*\b(published|written|posted|released|come out|appear|dated)"
    rf"|publication date|publish(ed|ing)? date|date of {_NAMED_ARTICLE}"
    r"|(article|post|piece)(['’] ?| )s (publication |publishing )?date"  # "article s date" too
    rf"|(when|what (date|day|year|month)) (is|was) {_NAMED_ARTICLE} from"
    rf"|(what|which) (date|day|year|month) (is|was|were|did) {_NAMED_ARTICLE} "
    r"(published|written|posted|released|come out|appear|dated)"
    r"|how old is (it|this|that|the article))\b"
)
_SOURCE_Q = re.compile(r"\b(source|link|url|original (article|text)|where can i read)\b")
_SUMMARY_Q = re.compile(
    r"\b(summar(y|ise|ize|izing|ising)|tl;?dr|gist|overview|recap"
    # "what is the new infrastructure article about", "what does the HP event post say"
    rf"|what(['’]?s| s| is| was) {_NAMED_ARTICLE} about"
    rf"|what does {_NAMED_ARTICLE} (say|cover|discuss|talk about))\b"
)

# A message that asks for more of what was just answered, and nothing else: "tell me more",
# "go on", "more details please". (A question that names something, "tell me more about
# the robots", is asked as a question.)
_MORE_Q = re.compile(
    r"^(?:(?:please |can you |could you )?(?:tell me|say|give me|show me) (?:a bit |some )?more"
    r"|more|go on|keep going|continue|elaborate|more (?:details?|info(?:rmation)?)|details"
    r"|(?:and )?what else)(?: please)?$"
)

# A message that only greets, thanks or takes leave: it gets the like back, not a search.
_SMALL_TALK = (
    (
        "hello",
        re.compile(
            r"^(?:hi+|hello+|hey+|hiya|howdy|yo|greetings|good (?:morning|afternoon|evening|day)"
            r"|(?:hi|hello|hey) there)(?: bot| there)?$"
        ),
    ),
    (
        "thanks",
        re.compile(
            r"^(?:(?:ok(?:ay)?|great|perfect|cool|nice|awesome|brilliant),? )?"
            r"(?:thanks?|thank you|thx|ty|cheers|many thanks|much appreciated)"
            r"(?: (?:a lot|so much|very much|again|a bunch))?(?: bot)?$"
        ),
    ),
    ("bye", re.compile(r"^(?:bye+|goodbye|good bye|see (?:you|ya)(?: later)?|bye bye|later)$")),
)


# A request to hear about something, not a question with an answer in a few words.
_OPEN_Q = re.compile(
    r"^(?:please |can you |could you )?(?:tell me (?:more |something |a bit )?about|"
    r"what about|talk (?:to me )?about|anything (?:on|about)|"
    r"give me (?:an? )?(?:overview|rundown) of|what do you know about|"
    r"(?:what(?: is|'s| s| are)? )?(?:the )?(?:latest|newest) (?:(?:news|updates?|developments?) "
    r"(?:on|about|from|of)|on|about))\b"
)


# A question asking what someone said: "what did the mayor say", "what did Holm tell the
# council", "what did she say about the plan"; not what was said of something ("what did
# Boutrup say we underestimate", whose answer is a part of the quotation).
_WHAT_SAID_Q = re.compile(
    r"\bwhat (?:did|does|do|has|had|have) (?P<who>(?:[\w'’-]+ ){1,6}?)"
    r"(?:say|said|tell|told|write|wrote|add|added|claim|claimed|argue|argued|warn|warned)"
    r"(?: (?:the |them|him|her|us|reporters|\w+ (?=about|on|when|after))\w*)?"
    r"(?P<about> (?:about|on|regarding|when|after|at|in) .*)?$"
)


def asks_what_said(text: str) -> bool:
    """Whether a question asks what someone said, so that a quotation is its answer."""
    return _WHAT_SAID_Q.search(text) is not None


def said_by(text: str) -> str | None:
    """Who a question asking what someone said names as saying it ("prosecutor nadia
    benali" of "what did prosecutor nadia benali say"), if it asks that."""
    found = _WHAT_SAID_Q.search(text)
    return None if found is None else found.group("who").strip()


def a_title(word: str) -> bool:
    """Whether a word of someone's name is a role or a title rather than the name ("prime",
    "minister", "judge", "father", "dr"): who a question names by it may be anyone so
    called."""
    return (
        word in _TITLES
        or re.fullmatch(_ROLES, word) is not None
        or re.fullmatch(_OFFICES, word) is not None
    )


_TITLES = frozenset(
    (
        "mr mrs ms miss dr sir dame lord lady father sister brother rev reverend prime "
        "vice deputy chief senior junior former acting interim foreign transport finance "
        "health education defence defense interior justice culture trade labour labor "
        "detective superintendent inspector sergeant corporal commodore lieutenant general "
        "major rear head lawmaker spokesperson"
    ).split()
)


def said_about(text: str) -> str | None:
    """What a question asking what someone said asks it of ("about meeting the students" of
    "what did mariana echeverria say about meeting the students"), if it asks of anything."""
    found = _WHAT_SAID_Q.search(text)
    return None if found is None or found.group("about") is None else found.group("about").strip()


def asks_openly(text: str) -> bool:
    """Whether a question asks to hear about something ("tell me about the robots") rather
    than for a fact, so that no words of the answer are marked as the answer."""
    return _OPEN_Q.search(_bare(text)) is not None


def opened_on(text: str) -> str:
    """What a question asking to hear about something asks about ("the rhine" of "tell me
    about the Rhine"), or "" where it asks no such thing."""
    bare = _bare(text)
    found = _OPEN_Q.search(bare)
    return "" if found is None else bare[found.end() :].strip()


def asks_whose_writing(text: str) -> bool:
    """Whether a question asks what someone wrote: "what did Lei Xu write (about)", "what has
    she written", "which articles are by Ella Kidron", "articles by Lei Xu". Whether the
    someone is an author of the articles is the catalog's to say."""
    bare = _bare(text)
    return not bare.startswith("who") and _WRITING_Q.search(bare) is not None


# "what/which … did/has/does … write", "articles (written) by", "Lei Xu's articles"; not
# "who wrote it".
_WRITING_Q = re.compile(
    r"\b(?:what|which)\b.*\b(?:did|has|have|does|do|is|are)\b.*"
    r"\b(?:write|wrote|written|writes|author(?:ed)?|penned|published)\b"
    r"|\b(?:articles?|stories|story|pieces?|posts?|columns?|reports?|essays?|writing)\b"
    r"(?: \w+){0,2} by\b"
    r"|\w'?s (?:articles?|stories|pieces?|posts?|columns?|reports?|essays?|writing)\b"
)


def asks_latest(text: str) -> str | None:
    """ "articles" or "article" where a message asks only for the newest articles ("what
    are the latest articles", "latest news", "what's new", "anything new?"; "what is the
    newest article"), None otherwise: "who wrote the latest article" and "what is the latest
    news on the rent cap" ask for something in them."""
    said = _bare(text).replace("'s", " is").split()
    if not said or not _NEWEST.intersection(said) or not _LATEST_WORDS.issuperset(said):
        return None
    return "article" if {"article", "story", "piece", "post"}.intersection(said) else "articles"


_NEWEST = frozenset("latest newest new recent recently".split())
_LATEST_WORDS = _NEWEST | frozenset(
    """what whats is are was were the a an any anything some me show list give tell see
    have has there been your you got most last articles article news stories story posts
    post pieces piece headlines headline today this week please added published in""".split()
)


def names_the_newest(text: str) -> bool:
    """Whether a question names an article as the newest ("who wrote the latest article",
    "summarize the newest story"), not by its words: "latest" and "new" are no title's."""
    return _THE_NEWEST.search(_bare(text)) is not None


_THE_NEWEST = re.compile(
    r"\b(?:latest|newest|most recent|last|new)\s+(?:article|story|piece|post)\b"
)


def asks_yes_or_no(text: str) -> bool:
    """Whether a question asks yes or no: it opens with a verb ("is JD profitable", "did the
    Normans invade Ireland", "are there crocodiles in the Rhine") and asks for nothing else:
    no question word anywhere ("do you know who …"), no choice ("is it abstract or
    concrete"), not put to the bot ("can you tell me the robot's name"). Its answer is a
    sentence that settles it, not words within one."""
    said = _bare(text).split()
    return (
        len(said) > 1
        and said[0] in _YES_NO_OPENERS
        and said[1] not in ("you", "u")
        and _WH_WORDS.isdisjoint(said)
        and "or" not in said
    )


_WH_WORDS = frozenset(_OPENERS)
# The verbs that open a question asking yes or no, "n't" forms as ``_bare`` leaves them.
_YES_NO_OPENERS = frozenset(
    (
        *_AUXILIARIES.split("|"),
        *"should shall may might must".split(),
        *(f"{verb}n't" for verb in "is are was were did does do has have had could would".split()),
        *"can't cannot won't shouldn't".split(),
    )
)


def asks_a_question(text: str) -> bool:
    """Whether a message is put as a question, by a question word or a question mark,
    rather than as a topic to look up ("delivery robots")."""
    return text.rstrip().endswith("?") or not _ASKING.isdisjoint(_bare(text).split())


def asks_more(text: str) -> bool:
    """Whether a message asks only for more of the article just answered from."""
    return bool(_MORE_Q.match(_bare(text)))


def small_talk(text: str) -> str | None:
    """ "hello", "thanks" or "bye" when a message is only that, else None."""
    bare = _bare(text)
    return next((kind for kind, pattern in _SMALL_TALK if pattern.match(bare)), None)


def _bare(text: str) -> str:
    """A message lowercased, its punctuation, emoji and extra spaces gone."""
    return " ".join(re.sub(r"[^\w\s']", " ", text.lower()).split())


#: Words that name the article itself rather than its content ("who wrote *it*").
ARTICLE_WORDS = frozenset(
    "article articles piece post story essay report text paper it this that".split()
)
#: Words of questions about an article's metadata, not about what it says.
META_WORDS = frozenset(
    """wrote write writes written author authored writer penned published publish publication
    date dated posted released source link url summary summarize summarise summarized gist
    overview recap tldr article piece post story essay report reported text original read come
    appear""".split()
)
#: Words of a question asking what someone wrote that ask for nothing in the articles.
WRITING_WORDS = META_WORDS | frozenset(
    "else other another all any recent recently latest newest new list show find give tell "
    "about".split()
)


@functools.cache
def _meta_words() -> tuple[str, ...]:
    """The words of metadata questions, sorted."""
    return tuple(sorted(META_WORDS | ARTICLE_WORDS))


@functools.cache
def _meta_forms() -> dict[str, tuple[str, ...]]:
    """The words of metadata questions by their stems."""
    forms: dict[str, list[str]] = {}
    for word in _meta_words():
        forms.setdefault(stem(word), []).append(word)
    return {k: tuple(v) for k, v in forms.items()}


def meta_spelled(text: str) -> str:
    """The text with each word no dictionary has whose stem is that of a word of metadata
    questions spelt as the nearest such word: a typo that keeps the stem ("articl",
    "publishe") is not repaired, the word being known to the corpus by its stem, but the
    patterns of ``meta_kind`` read whole words."""
    forms = _meta_forms()
    out = []
    for word in text.split():
        found = forms.get(stem(word)) if word not in DICTIONARY else None
        if found and word not in found:
            word = min(found, key=lambda f: (OSA.distance(word, f), -len(f)))
        out.append(word)
    return " ".join(out)


def meta_retyped(query: Query) -> str:
    """The question as corrected, but with each word typed a letter left out, typed in or
    two swapped from exactly one word of metadata questions spelt as that word, where no
    dictionary has it and the articles don't write it: "who worte the new infrastructure
    pece" (wrote, piece), "when did it coem out" (the corpus's typo repair reads "coem" as
    the "com" of "JD.com"), "what adte was it published". Not a letter typed wrong, which
    makes other words ("mink", a word of the articles, is not "link"). As corrected where
    the typed question and the corrected one don't have a word for a word."""
    typed = words(query.text)
    fixed = query.corrected.split()
    if len(typed) != len(fixed):
        return query.corrected
    written = {qt.word for qt in query.terms if qt.expansions[:1] == ((stem(qt.word), 1.0),)}
    out = []
    for t, f in zip(typed, fixed, strict=True):
        if len(t) >= 4 and t not in DICTIONARY and t not in written:
            near = [m for m in _meta_words() if OSA.distance(t, m) == 1 and _slipped(t, m)]
            if len(near) == 1:
                f = near[0]
        out.append(f)
    return " ".join(out)


def _slipped(typed: str, word: str) -> bool:
    """Whether ``typed``, an edit from ``word``, left a letter out, typed one in or swapped
    two, rather than typed one wrong."""
    return len(typed) != len(word) or sorted(typed) == sorted(word)


# An author no article has: a study's ("the lead author", "a co-author") or that of a work the
# article speaks of ("the author of the music study", "… of the book"), unless the question
# names the article too.
_WORK_AUTHOR = re.compile(
    r"\b(?:(?:lead|senior|first|last|principal|main|chief|corresponding|co-?) ?authors?"
    r"|authors? of (?:the |this |that |a |an )?(?:[\w'’-]+ ){0,3}?"
    r"(?:study|studies|research|survey|trial|book|novel|thesis|poem|play|song|law|bill|"
    r"treaty|constitution|declaration|manifesto|letter|plan|proposal))\b"
)
_NAMES_ARTICLE = re.compile(r"\b(?:article|post|piece|story|blog)\b")


def meta_kind(corrected: str) -> str | None:
    """Whether a question asks for an article's summary, author, date or source."""
    for kind, pattern in (
        ("summary", _SUMMARY_Q),
        ("author", _AUTHOR_Q),
        ("date", _DATE_META_Q),
        ("source", _SOURCE_Q),
    ):
        if pattern.search(corrected):
            if kind == "author" and _works_author(corrected):
                return None
            return kind
    return None


def _works_author(corrected: str) -> bool:
    """Whether a question asking for an author asks for one of a study or a work the article
    speaks of rather than the article's: "who is the lead author of the music study"."""
    return bool(_WORK_AUTHOR.search(corrected)) and not _NAMES_ARTICLE.search(corrected)
