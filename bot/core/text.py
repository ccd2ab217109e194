"""Words and sentences: tokenising, stemming, stop words and sentence splitting.

Everything that decides what a "term" is lives here, so the index and the question side can
never disagree about it.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import tantivy

# Function words that carry no topic. Question words are here too; the answer module reads
# them from the raw question before they are dropped.
STOP_WORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be because been
    before being below between both but by can cannot could couldn did didn do does doesn doing
    don down during each either else ever few for from further get gets got had hadn has hasn
    have haven having he her here hers herself him himself his how however i if in into is isn
    it its itself just let lets like many may me might more most much must mustn my myself
    neither no nor not now of off on once one only or other others ought our ours ourselves out
    over own per quite rather really said same say says shall shan she should shouldn since so
    some such than that the their theirs them themselves then there these they this those
    though through thus to too toward towards under until up upon us very was wasn we were
    weren what whatever when whenever where whereas wherever whether which while who whoever
    whom whose why will with within without won would wouldn yet you your yours yourself
    yourselves s t d ll m re ve y tell me please know give show find explain describe
    called call name named term kind type sort
    """.split()
)

# Words are maximal runs of letters and digits, lower-cased and folded to ASCII, at most
# MAX_WORD letters: what tantivy's simple tokenizer with these filters makes of a text. The
# index and the question side both use these analyzers, so they can never disagree on a term.
MAX_WORD = 40


def _analyzer(*filters: tantivy.Filter) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    for flt in (
        tantivy.Filter.remove_long(MAX_WORD + 1),
        tantivy.Filter.lowercase(),
        tantivy.Filter.ascii_fold(),
        *filters,
    ):
        builder = builder.filter(flt)
    return builder.build()


#: Every word of a text, folded ("China’s" → "china", "s").
WORDS = _analyzer()
#: The content words, unstemmed: the vocabulary typos are matched against.
SURFACE = _analyzer(tantivy.Filter.custom_stopword(sorted(STOP_WORDS)))
#: The index terms: content words, stemmed with Snowball's English stemmer.
TERMS = _analyzer(
    tantivy.Filter.custom_stopword(sorted(STOP_WORDS)), tantivy.Filter.stemmer("english")
)
_STEM = _analyzer(tantivy.Filter.stemmer("english"))


def normalize(text: str) -> str:
    """Text as the bot reads it: NFKC (full-width letters, ligatures and compatibility forms
    as their plain twins), one kind of line break, and no invisible format characters
    (zero-width spaces and joiners, bidi controls, stray byte-order marks), which would
    otherwise split or hide words."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = unicodedata.normalize("NFKC", text)
    if not text.isascii():
        text = "".join(
            " " if ch in _INVISIBLE_SPACES else ch
            for ch in text
            if unicodedata.category(ch) != "Cf" or ch in _KEPT_FORMAT
        )
    return text


# Format characters that join emoji or scripts are kept; spaces that are not spaces become
# spaces, so "robots\u2009in\u2009Wuhan" keeps three words.
_KEPT_FORMAT = frozenset("\u200d")
_INVISIBLE_SPACES = frozenset("\u00a0\u2007\u2009\u202f")


def fold(text: str) -> str:
    """Lower-case and strip accents, so "Hervé" and "herve" meet."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of a text, stop words included, in order."""
    return WORDS.analyze(text)


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """The index term of a folded word: Snowball's English stemmer, as the index runs it."""
    stems = _STEM.analyze(word)
    return stems[0] if len(stems) == 1 else word


def terms(text: str) -> list[str]:
    """The content terms of a text, stemmed, in order, stop words dropped."""
    return TERMS.analyze(text)


# Abbreviations after which a full stop does not end a sentence.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft vs etc e.g i.e c ca approx no nos vol fig al inc ltd co
    corp jan feb mar apr jun jul aug sep sept oct nov dec gen col lt sgt rev hon gov pres u.s
    u.k a.d b.c
    """.split()
)
_BOUNDARY_RE = re.compile(
    r"([.!?…]+[\"'”’)\]]*(?:\[[^\]]{1,20}\])*)(\s+)(?=[\"'“‘(\[]?[A-Z0-9\u00C0-\u024F\u0400-\u04FF])"
)


_INITIALS_RE = re.compile(r"(?:[a-z]\.)+[a-z]")


def split_sentences(paragraph: str) -> list[str]:
    """Split a paragraph into sentences whose concatenation (with spaces) is the paragraph."""
    sentences: list[str] = []
    start = 0
    for match in _BOUNDARY_RE.finditer(paragraph):
        end = match.end(1)
        if match.group(1) == ".":
            stop = match.start(1)
            space = max(paragraph.rfind(" ", start, stop), start - 1)
            last_word = paragraph[space + 1 : stop].casefold().lstrip("(\"'“‘[")
            if (
                last_word in _ABBREVIATIONS
                or (len(last_word) == 1 and last_word.isalpha())  # an initial: "J. R. Smith"
                or _INITIALS_RE.fullmatch(last_word) is not None  # "u.s" in "U.S."
            ):
                continue
        piece = paragraph[start:end].strip()
        if piece:
            sentences.append(piece)
        start = match.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


# Words in quotation marks, what someone said (the words inside are group 1 or 2).
QUOTATION = re.compile(r"\"([^\"]*)\"|“([^”]*)”")


def unquoted(text: str) -> str:
    """A text without the words it quotes someone saying."""
    return QUOTATION.sub(" ", text)


# A news dateline opening an article's first paragraph: the place in capitals, perhaps its
# state or a date after a comma and the agency in brackets, then a dash ("HARBOUR TOWN —",
# "BEIJING, Oct. 3 (Reuters) -", "SAN FRANCISCO, Calif. —").
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de\u0100-\u017f"  # "A CORUÑA", "ŁÓDŹ"
_DATELINE = re.compile(
    rf"(?P<place>[{_UPPER}](?:[{_UPPER}'’.&-]+|(?=\s+[{_UPPER}]))"
    rf"(?:\s+[{_UPPER}][{_UPPER}'’.&-]+){{0,3}})"
    r"(?:,\s+[A-Z][\w.]+(?:\s+[A-Z][\w.]+)?)?"
    r"(?:,\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"(?:\s+\([^()]{1,40}\))?"
    r"\s+[—–-]{1,2}"
)
_WORDS_AFTER = re.compile(r"\s+\S")


def _dateline_at(text: str, *, alone: bool) -> re.Match[str] | None:
    """The dateline ``text`` opens with (is, ``alone``; else followed by the paragraph's
    words), with a place of three letters or more ("US —" is none)."""
    found = _DATELINE.fullmatch(text) if alone else _DATELINE.match(text)
    if found is None or (not alone and not _WORDS_AFTER.match(text, found.end())):
        return None
    return found if sum(c.isalpha() for c in found.group("place")) >= 3 else None


def dateline(paragraph: str) -> str | None:
    """The dateline a paragraph opens with ("HARBOUR TOWN —"), or None. Its place is the
    article's, not the first sentence's: split off, it no longer makes every question
    naming the place match that sentence."""
    found = _dateline_at(paragraph, alone=False)
    return found.group() if found is not None else None


def dateline_place(paragraph: str) -> str | None:
    """The place of the dateline a paragraph opens with, in title case ("Harbour Town")."""
    found = _dateline_at(paragraph, alone=False)
    return found.group("place").title() if found is not None else None


def is_dateline(sentence: str) -> bool:
    """Whether a sentence is a dateline split off its paragraph's first sentence (asked of
    every candidate: a sentence that ends in no dash is not read further)."""
    return sentence[-1:] in "—–-" and _dateline_at(sentence, alone=True) is not None


# A sentence that opens with one of these (after any connective) leans on the one before it
# for its subject: "It was commissioned by Odo", "But those who do so will …".
_BACK_REFERENCES = frozenset(
    """it its he his him she her they their them this these that those such both either
    neither latter former""".split()
)
_CONNECTIVES = frozenset(
    """but and yet so also however moreover furthermore additionally besides still thus
    therefore hence then meanwhile instead nevertheless nonetheless consequently indeed
    likewise similarly otherwise""".split()
)
_CONNECTIVE_PHRASES = ("in addition", "as a result", "for example", "for instance", "in fact")


def leans_back(sentence: str) -> bool:
    """Whether a sentence opens with a word that points back to the sentence before it (a
    pronoun, "this", "those"), possibly after a connective ("However, it …")."""
    lead = fold(sentence.lstrip(" \"'“‘(["))
    for phrase in _CONNECTIVE_PHRASES:
        if lead.startswith(phrase):
            lead = lead[len(phrase) :]
            break
    first = _FIRST_WORDS_RE.findall(lead[:60])
    if first and first[0] in _CONNECTIVES:
        lead = lead.lstrip(" ,")[len(first[0]) :]
        first = first[1:]
    if _AGED_SUBJECT.match(lead):  # "The 47-year-old said …": whoever was named before
        return True
    if first[:1] == ["the"]:  # "the latter", "the former"
        first = first[1:]
    return bool(first) and first[0] in _BACK_REFERENCES


_AGED_SUBJECT = re.compile(r"\s*,?\s*the \d{1,3}[- ]years?[- ]old\b")


_FIRST_WORDS_RE = re.compile(r"[a-z]+")
_OPENING_CONNECTIVES = _CONNECTIVES | frozenset(
    """additionally consequently accordingly afterwards finally further lastly later
    nevertheless similarly subsequently too""".split()
)


# A quotation attributed to a pronoun ("…,” she said) needs the person named before it.
_PRONOUN_SAID = re.compile(
    r"[\"”’]\s*,?\s*(she|he|they|it)\s+(said|says|added|adds|explained|noted|told|wrote|"
    r"asked|argued|stressed|continued)\b"
)


def dangles(sentence: str) -> bool:
    """Whether a sentence cannot open a text: it points back ("She", "This", "Those who")
    or continues one ("However", "Additionally", "In addition")."""
    if leans_back(sentence) or _PRONOUN_SAID.search(fold(sentence)):
        return True
    lead = fold(sentence.lstrip(" \"'“‘(["))
    if any(lead.startswith(phrase) for phrase in _CONNECTIVE_PHRASES):
        return True
    first = _FIRST_WORDS_RE.findall(lead[:40])
    return bool(first) and first[0] in _OPENING_CONNECTIVES


def typo_budget(word: str) -> int:
    """How many edits a word may carry and still match (Meilisearch's rule of thumb)."""
    if len(word) >= 9:
        return 2
    if len(word) >= 5:
        return 1
    return 0
