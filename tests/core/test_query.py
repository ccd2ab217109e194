"""Query analysis: what the lexical engine and the embedding model each read of a typed
question."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.query import (
    TYPO_WEIGHT_ONE,
    Lexicon,
    Query,
    _stem_slip,
    acronym_asked,
    asks_a_question,
    asks_about_now,
    asks_latest,
    asks_openly,
    asks_what_said,
    asks_whose_writing,
    asks_yes_or_no,
    defined_asked,
    echoes_now,
    english,
    is_english,
    meta_retyped,
    meta_spelled,
    names_the_newest,
    office_asked,
    office_stated,
    parse,
    ranked_otherwise,
    ranks,
    relation_asked,
    spelt_out,
    states_relation,
    superlative,
)
from bot.core.text import stem

CORPUS = [
    *("resource", "type", "normandy", "measure", "time", "space", "rhine"),
    *("rhone", "married"),
]


class Terms:
    """The vocabulary of a small corpus, as the index gives it: stemmed terms."""

    def __init__(self, words: list[str]) -> None:
        self.terms = {stem(w) for w in words}
        self.words = set(words)

    def known(self, term: str) -> bool:
        return term in self.terms

    def written(self, word: str) -> bool:
        return word in self.words

    def written_together(self, first: str, second: str) -> bool:
        return f"{first} {second}" in self.phrases

    phrases: frozenset[str] = frozenset()

    def doc_freq(self, term: str) -> int:
        return 3 if term in self.terms else 0

    def family(self, term: str) -> list[str]:
        return [term] if term in self.terms else []

    def co_freq(self, term: str, other: str) -> int:
        return 0

    @property
    def sentence_count(self) -> int:
        return 1000


def _parse(question: str) -> Query:
    terms = Terms(CORPUS)
    return parse(question, Lexicon(sorted(terms.terms)), terms)


def test_a_typo_corrected_to_a_stem_reaches_the_model_as_a_word() -> None:
    query = _parse("what type of resourcf")
    assert stem("resource") in query.corrected.split()  # the index reads the stem
    assert query.for_model.split()[-1] == "resource"  # the model reads the word


def test_a_typo_matched_only_by_a_shorter_stem_is_spelt_out_for_the_model() -> None:
    query = _parse("how is time measugrement done")
    assert "measurement" in query.for_model.split()
    assert "measugrement" not in query.for_model


@pytest.mark.parametrize(
    ("question", "meant", "term"),
    [
        # Two edits from the corpus's "measure" and "resource", one from their plurals.
        ("how is time mesaures done", "measures", "measur"),
        ("what type of resoucres", "resources", "resourc"),
    ],
)
def test_a_typo_of_a_form_the_corpus_lacks_counts_as_one_edit(
    question: str, meant: str, term: str
) -> None:
    query = _parse(question)
    assert meant in query.corrected.split()
    (typo,) = (qt for qt in query.terms if term in dict(qt.expansions))
    assert typo.expansions == ((term, TYPO_WEIGHT_ONE),)


def test_words_the_corpus_has_reach_the_model_unchanged() -> None:
    query = _parse("where does the rhine meet space")
    assert query.for_model == "where does the rhine meet space"


def test_a_name_only_the_corpus_knows_is_corrected_from_the_corpus() -> None:
    assert "normandy" in _parse("where is nfrmandy").for_model.split()


def test_a_short_typo_matched_by_a_stem_reaches_the_model_as_that_stem_s_word() -> None:
    # "mrry" is matched to the corpus's "marri" (married) only through its stem; the
    # model reads "marry", not the noise "mrry".
    assert _parse("who did emma mrry").for_model.split()[-1] == "marry"


def _parse_in(question: str, corpus: list[str]) -> Query:
    terms = Terms(corpus)
    return parse(question, Lexicon(sorted(terms.terms)), terms)


def test_a_bare_stem_typed_reaches_the_model_as_its_word() -> None:
    # "hostag" (the "e" left out) is the index's own term for "hostage": it matches as
    # typed, and the model reads the word.
    query = _parse_in("who was the hostag", ["hostage", "king"])
    assert query.terms[0].expansions[0][0] == stem("hostage")
    assert query.for_model == "who was the hostage"
    # A word the articles write as it is typed stays as typed: "franc" is no "France".
    assert _parse_in("what is the franc worth", ["franc", "worth"]).for_model.endswith(
        "franc worth"
    )


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("fridges", True),
        ("tiring", True),  # the stemmer's "tire"
        ("invent", True),
        ("maory", False),  # the stem "maori" is a word it is no form of
        ("franc", True),  # not "France" with its "e" left out
    ],
)
def test_a_word_is_english_when_it_is_a_form_of_an_english_word(word: str, expected: bool) -> None:
    assert is_english(word) is expected


def test_a_typo_of_english_words_as_near_is_the_one_the_articles_use() -> None:
    # "maory" is one edit from "mary" and from "marry"; beside "married", it is "marry".
    assert english("maory", known=lambda term: term == stem("married")) == "marry"
    query = _parse_in("who did emma maory", ["emma", "married"])
    assert query.for_model == "who did emma marry"
    assert stem("married") in dict(query.terms[1].expansions)


def test_a_typo_may_be_an_english_form_of_a_word_the_articles_write_otherwise() -> None:
    # "contingnt" is "contingent" with a letter left out (the articles say "contingents"),
    # likelier than "continent" with one typed wrong.
    query = _parse_in("may the running time be contingnt", ["contingents", "continent", "running"])
    assert query.corrected.split()[-1] == "contingent"
    assert query.terms[-1].expansions[0][0] == stem("contingents")


def test_a_word_is_no_form_of_a_short_word_it_only_begins_with() -> None:
    # "usaed" is "used" mistyped, not "USA" with an ending.
    assert not is_english("usaed")
    assert _parse_in("what is frequently usaed", ["used", "frequently"]).corrected.endswith("used")


class Phrased(Terms):
    """A vocabulary that also knows which words its articles write side by side."""

    def __init__(self, words: list[str], phrases: list[str]) -> None:
        super().__init__(words)
        self.phrases = frozenset(phrases)


def _parse_beside(question: str, words: list[str], phrases: list[str]) -> Query:
    terms = Phrased(words, phrases)
    return parse(question, Lexicon(sorted(terms.terms)), terms)


@pytest.mark.parametrize(
    ("question", "read"),
    [
        # A typo an edit from a stop word and a corpus word: the one written beside the
        # next word.
        ("what represents sase complexity", "case complexity"),
        ("which bound is hore difficult", "more difficult"),
        # An English word the articles lack, an edit from one written beside its
        # neighbour.
        ("how was the Rhino Gorge formed", "rhine gorge"),
    ],
)
def test_a_typo_is_read_as_the_word_the_articles_write_beside_its_neighbour(
    question: str, read: str
) -> None:
    words = ["case", "complexity", "shore", "difficult", "bound", "rhine", "gorge", "formed"]
    phrases = ["case complexity", "more difficult", "rhine gorge"]
    assert read in _parse_beside(question, words, phrases).corrected
    # Without the articles writing them so, the typo is read as before.
    assert read not in _parse_beside(question, words, []).corrected


def test_a_repaired_typo_stands_for_what_its_word_stands_for() -> None:
    # "wrtier" is "writer", and a question about the writer is about the author.
    (typo,) = _parse_in("who is the wrtier", ["writer", "author"]).terms
    assert dict(typo.expansions).keys() == {stem("writer"), stem("author")}


def test_a_common_english_word_is_taken_as_typed() -> None:
    # "phone" is one edit from the corpus's "Rhone", but an English word: meant as typed.
    phone = _parse("which phone should i buy").terms[0]
    assert phone.word == "phone" and not phone.known
    assert _parse("which phone should i buy").for_model == "which phone should i buy"


class TestKeptLexicon:
    """The typo lexicon kept beside the index: loaded back for the same index state, and
    never trusted for another one or when a file is cut short."""

    WORDS = ("ferry", "fjord", "reindeer", "cheese", "harbour", "cranes")

    def test_a_kept_lexicon_finds_what_the_built_one_finds(self, tmp_path: Path) -> None:
        built = Lexicon(list(self.WORDS))
        built.save(tmp_path, "state-1")
        kept = Lexicon.load(tmp_path, "state-1")
        assert kept is not None and kept.words == built.words == list(self.WORDS)
        for typo in ("fery", "rendeer", "harbor", "chese", "xyzzy"):
            assert kept.near(typo) == built.near(typo)
        grown = kept.extend(["tromso"])
        assert "tromso" in grown and "tromso" not in kept  # the overlay, over kept arrays
        assert "tromso" in grown.near("tromsoe") and "tromso" not in kept.near("tromsoe")

    def test_another_state_or_a_cut_file_is_not_used(self, tmp_path: Path) -> None:
        Lexicon(list(self.WORDS)).save(tmp_path, "state-1")
        assert Lexicon.load(tmp_path, "state-2") is None
        words = tmp_path / "words.txt"
        words.write_text("\n".join(self.WORDS[:3]), encoding="utf-8")
        assert Lexicon.load(tmp_path, "state-1") is None
        assert Lexicon.load(tmp_path / "nothing-here", "state-1") is None


def test_a_second_question_word_is_not_read_into_a_typo() -> None:
    # "ihat" is an edit from both "what" and "that"; the question already asks "what".
    assert _parse("wht will firms ihat adapt get").corrected.split()[:4] == [
        "what",
        "will",
        "firms",
        "that",
    ]
    assert _parse("ihat time is it").corrected.startswith("what ")


def test_cues_for_the_ranking_are_read_through_typos() -> None:
    assert _parse("hwat are the types of resource").wants_list
    assert not _parse("hwat is the type of resource").wants_list
    assert _parse("whta does c2m stnad for").acronyms == ("c2m",)
    assert _parse("whta does c2m stnad for").asks_spelt_out
    assert not _parse("what does c2m mean").asks_spelt_out  # its meaning may be what it is
    assert _parse("waht job does the wrtier have").author_role


def test_a_typo_the_corpus_cannot_spell_out_is_matched_through_english() -> None:
    # The corpus has "measure", four edits from "measureaent"; English has "measurement",
    # one edit away, whose stem the corpus knows.
    (term,) = _parse("measureaent").terms
    assert term.expansions and term.expansions[0][0] == stem("measure")
    assert _parse("measureaent").corrected == "measurement"


def test_an_english_word_is_not_taken_for_a_stop_word_but_for_a_question_word() -> None:
    # Neither word is in the corpus: "keen" is not "been", "bought" not "ought"; "dose" in
    # the place of a question word is "does".
    assert _parse("what were the guests keen to learn").corrected.split()[4] == "keen"
    assert _parse("who bought the rights").corrected.split()[1] == "bought"
    assert _parse("what dose the measure say").corrected.split()[1] == "does"


@pytest.mark.parametrize(
    "question",
    [
        "when did the measure take place",
        "where did the measure take place",
        "when did the measure happen",
        "where was the measure taking place",
        "when has the measure occurred",
        "when did the measure ake place",  # typed as people type them
        "when was the measure occured",
    ],
)
def test_words_that_only_say_something_happened_weigh_nothing_when_asked_when_or_where(
    question: str,
) -> None:
    """Asked when or where, "take place", "happen" and "occur" say only that the thing
    asked of happened: no term, nothing the articles must hold."""
    query = _parse(question)
    assert [qt.word for qt in query.terms] == ["measure"]
    assert query.corrected == question  # read as typed, typo repair and all


@pytest.mark.parametrize(
    ("question", "kept"),
    [
        ("what happened to the measure", "happened"),  # what happened is what is asked
        ("when did the measure take time", "take"),  # not "take place"
        ("which place did the rhine take", "place"),
    ],
)
def test_those_words_stay_terms_in_other_questions(question: str, kept: str) -> None:
    assert kept in [qt.word for qt in _parse(question).terms]


def test_a_stop_word_typo_between_two_reads_as_the_one_it_dropped_a_letter_of() -> None:
    # "withi" is one edit from "with" (a letter typed in) and "within" (one dropped): a
    # hurried hand drops letters far more often. Likewise "wher" is "where", not "when".
    assert _parse("was the river fully withi the empire").corrected.split()[4] == "within"
    assert _parse("wher does the river end").corrected.split()[0] == "where"
    # No tie, no change: "wht" is only "what" a dropped letter away.
    assert _parse("wht does the river end").corrected.split()[0] == "what"


def test_a_stop_word_typo_between_two_reads_as_the_one_questions_use() -> None:
    # "tha" dropped a letter of "that" and of "than": questions say "that" far more often.
    assert _parse("did the report say tha the river rose").corrected.split()[4] == "that"
    # "nmae" swapped two of "name"'s letters and is one substitution from "same".
    assert _parse("nmae the river that ends in the sea").corrected.split()[0] == "name"
    # After a question word, "weere" is the "were" that follows one, not a second "where".
    assert _parse("when weere the dams built").corrected.split()[:2] == ["when", "were"]
    assert _parse("wehre is the river").corrected.split()[0] == "where"


def test_a_common_word_the_corpus_lacks_is_no_question_word_mistyped() -> None:
    # "goes" and "chose" are one edit from "does" and "whose", and the corpus lacks both;
    # people type them on purpose. A rarer word there may still be a typo ("dose": does).
    assert _parse("where the river goes to the sea").corrected.split()[3] == "goes"
    assert _parse("which town chose the river").corrected.split()[2] == "chose"
    assert _parse("what dose the river carry").corrected.split()[1] == "does"


class Counted(Terms):
    """A vocabulary whose words are in as many documents as ``counts`` says."""

    def __init__(self, counts: dict[str, int]) -> None:
        super().__init__(list(counts))
        self.counts = {stem(w): n for w, n in counts.items()}

    def doc_freq(self, term: str) -> int:
        return self.counts.get(term, 0)


def _expanded(question: str, counts: dict[str, int]) -> Query:
    terms = Counted(counts)
    return parse(question, Lexicon(sorted(counts, key=lambda w: -counts[w])), terms)


def test_a_typo_is_read_as_the_likeliest_word_one_edit_away() -> None:
    # "countyr" is "county" with an "r" typed in, or "country" with two letters swapped:
    # a swap is the likelier slip, though "county" is the commoner word here.
    query = _expanded("which countyr was it", {"county": 12, "country": 4})
    assert "country" in query.for_model.split()
    (term,) = query.terms
    assert [t for t, _ in term.expansions] == [stem("country"), stem("county")]
    # Far less likely, "county" is not searched for at all.
    query = _expanded("which countyr was it", {"county": 2, "country": 4})
    assert [t for t, _ in query.terms[0].expansions] == [stem("country")]
    # Much commoner, a word a letter typed wrong away still wins: "rhinj" is "rhine", not
    # the Dutch "rhijn" of one paragraph.
    query = _expanded("where does the rhinj flow", {"rhine": 400, "rhijn": 2})
    assert "rhine" in query.for_model.split()
    # As common, both are searched for.
    query = _expanded("what is the rhinj", {"rhine": 40, "rhijn": 20})
    assert {t for t, _ in query.terms[0].expansions} == {stem("rhine"), stem("rhijn")}


def test_a_three_letter_typo_is_never_repaired_as_a_letter_typed_wrong() -> None:
    # A word of four letters with one dropped is three: "lng" is "long".
    query = _expanded("how lng is the rhine", {"long": 5, "rhine": 9})
    assert query.for_model == "how long is the rhine"
    assert [t for t, _ in query.terms[0].expansions] == [stem("long")]
    # A letter typed wrong in three is anyone's guess: "bax" stays as typed.
    query = _expanded("where is the bax", {"box": 5})
    assert "bax" in query.corrected.split()
    assert not query.terms[0].known


class Together(Counted):
    """A vocabulary that also knows how many sentences hold two of its words together."""

    def __init__(self, counts: dict[str, int], pairs: dict[tuple[str, str], int]) -> None:
        super().__init__(counts)
        self.pairs = {frozenset((stem(a), stem(b))): n for (a, b), n in pairs.items()}

    def co_freq(self, term: str, other: str) -> int:
        return self.pairs.get(frozenset((term, other)), 0)


def _read_in_context(question: str, counts: dict[str, int], pairs: dict) -> Query:
    terms = Together(counts, pairs)
    return parse(question, Lexicon(sorted(counts, key=lambda w: -counts[w])), terms)


def test_a_typo_is_read_as_the_word_the_question_s_other_words_keep_company_with() -> None:
    counts = {"water": 30, "winter": 10, "pollution": 6, "contributed": 8}
    # Alone, "witer" is likelier "winter" with a letter dropped than "water" with one
    # typed wrong.
    query = _read_in_context("what is witer", counts, {})
    assert query.corrected == "what is winter"
    # Beside "pollution" and "contributed", which keep company with "water" and never with
    # "winter", it is "water".
    pairs = {("water", "pollution"): 5, ("water", "contributed"): 3}
    query = _read_in_context("what contributed to witer pollution", counts, pairs)
    assert query.corrected == "what contributed to water pollution"
    assert query.terms[1].expansions[0][0] == stem("water")


def test_a_typo_is_read_beside_the_other_typos_repairs() -> None:
    # "oRman" is "roman" (two letters swapped) or "norman" (one dropped), and "norman" is
    # commoner; but the question's other typo, "boundayr", is "boundary", which keeps
    # company with "roman" only.
    counts = {"norman": 80, "roman": 12, "boundary": 6, "stop": 5}
    pairs = {("roman", "boundary"): 5}
    query = _read_in_context("when did the orman boundayr stop", counts, pairs)
    assert query.corrected == "when did the roman boundary stop"


def test_an_english_word_the_corpus_lacks_is_read_as_the_corpus_word_its_context_wants() -> None:
    # "hine" is an English word, but a question about branches of the Rhine meant "rhine".
    counts = {"rhine": 100, "branch": 18, "hindi": 3}
    query = _read_in_context("where did the hine branch", counts, {("rhine", "branch"): 10})
    assert query.corrected == "where did the rhine branch"
    assert stem("rhine") in [t for t, _ in query.terms[0].expansions]
    # Without such company it stays the word that was typed.
    query = _read_in_context("where did the hine branch", counts, {})
    assert query.corrected == "where did the hine branch"


def test_a_typo_one_edit_from_a_stop_word_and_a_corpus_word_is_read_as_the_likelier() -> None:
    counts = {"time": 40, "known": 12, "lake": 20, "constance": 15, "flow": 9, "west": 6}
    # A swapped or dropped letter against one typed wrong: "tiem" is "time", not "them";
    # "kown" is "known", not "down".
    query = _read_in_context("at what tiem was it kown", counts, {})
    assert query.corrected == "at what time was it known"
    # Both typed wrong: the stop word, unless the question's other words keep company with
    # the corpus word far more often than chance ("Lcke Constance").
    assert _read_in_context("what flows lcke water", counts, {}).corrected.split()[2] == "like"
    pairs = {("lake", "constance"): 12, ("lake", "flow"): 6}
    query = _read_in_context("what does flow from lcke constance", counts, pairs)
    assert query.corrected == "what does flow from lake constance"
    # Both a dropped letter, and no company: the stop word ("frm": from, not "form").
    counts["form"] = 30
    assert _read_in_context("frm the lake", counts, {}).corrected.split()[0] == "from"


def test_a_capitalised_typo_inside_the_sentence_is_a_name_not_a_stop_word() -> None:
    counts = {"rhine": 100, "section": 8, "factories": 5}
    # "rhile" is a letter typed wrong from "while" and from "rhine" alike, and "while" is
    # taken in lower case; capitalised after another word, it names something.
    lower = _read_in_context("which section of the rhile has factories", counts, {})
    assert lower.corrected == "which section of the while has factories"
    named = _read_in_context("which section of the Rhile has factories", counts, {})
    assert named.corrected == "which section of the rhine has factories"
    # The sentence's first word may be a question word mistyped, capital or not.
    assert _read_in_context("Whta section has factories", counts, {}).corrected.startswith(
        "what section"
    )


@pytest.mark.parametrize(
    ("sentence", "ranked"),
    [
        ("The Rhine is the longest river in Germany.", True),
        ("Misconduct by teachers, especially sexual misconduct, is scrutinised.", True),
        ("The rocks from the Moon are extremely old.", True),
        ("It built many fine castles, including Trim Castle.", False),
        ("It is the most famous bridge and the most dangerous road.", True),
        ("Most of the lakes freeze.", False),
        ("Algorithms solve the problem in reasonable times in most cases.", False),
    ],
)
def test_a_sentence_ranks_with_a_superlative_or_a_word_that_singles_out(
    sentence: str, ranked: bool
) -> None:
    assert ranks(sentence) is ranked


def test_a_relation_asked_of_someone_is_read_with_what_states_it() -> None:
    assert relation_asked("Who was Edgar Atheling's father?", who=True) == "kin"
    # Kin and inventions are asked with "who" only: "what type of father".
    assert relation_asked("Mohammad Iqbal was what type of father?", who=False) is None
    assert relation_asked("When did Alan Turing die?", who=False) == "death"
    assert states_relation("death", "Zhu Shijie (1249–1314) solved equations")
    assert states_relation("death", "From the death of Augustus in AD 14")
    assert states_relation("death", "The flood of 1953 claimed 1,836 lives")
    assert not states_relation("death", "the definition of Turing machines by Alan Turing in 1936")
    assert states_relation("kin", "the marriage of Emma, sister of Duke Richard II")
    # A spouse is a marriage, not any kin: a son states no wife.
    assert relation_asked("Who was William the Conqueror's wife?", who=True) == "spouse"
    assert not states_relation("spouse", "Robert Curthose, William the Conqueror's eldest son")
    assert states_relation("spouse", "King Malcolm III of Scotland married Edgar's sister")
    assert states_relation("spouse", "Matilda, his queen consort, ruled Normandy")
    assert not states_relation("sale", "Richard left Messina with a large fleet")
    assert relation_asked("Who founded Microsoft?", who=True) == "founding"
    assert relation_asked("What is Kenya a founding member of?", who=False) is None
    assert states_relation("founding", "Bill Gates and Paul Allen co-founded it in 1975")
    # "Found" as in "find" states no founding.
    assert not states_relation("founding", "the court found that Microsoft's use of the term")
    # Authorships, designs and successions, asked with "who".
    assert relation_asked("Who wrote the Nibelungenlied?", who=True) == "authorship"
    assert relation_asked("What did Luther write about the Jews?", who=False) is None
    assert states_relation("authorship", "Thomas Piketty in his book Capital argues that")
    assert not states_relation("authorship", "immortalized in the book, A Bridge Too Far")
    assert states_relation("authorship", "A January 2014 report by Oxfam claims that")
    assert relation_asked("Who was the architect of the bridge?", who=True) == "design"
    assert states_relation("design", "The bridge was built by Gustave Eiffel's company")
    # A maker named after "by" states it; a thing built, or the design it has, does not.
    assert states_relation(
        "design", "the only embellishment being the iron gates by Christopher Hay"
    )
    assert states_relation("design", "Queen Victoria above the arches, sculpted by Alfred Drury.")
    assert not states_relation("design", "diesel versions were built from 1929")
    assert not states_relation("design", "the best-selling pattern, an underglaze design of roses")
    assert not states_relation("design", "the Tolle Fever House, which was built downstream")
    assert relation_asked("Who succeeded Rollo?", who=True) == "succession"
    assert states_relation("succession", "Murphy delegated his position as president to Burke")
    assert not states_relation("succession", "the treaty between Charles III and Rollo")
    # Someone's own appointment states no succession to them, nor does a bare "after"; a
    # departure does.
    for own in (
        "Manz, who was made Count of Tarrow in 1472, is commemorated by a statue",
        "In 1881 Tremmelby was appointed governor, an office he held for eight years.",
        "after a brief dispute the council chose Lord Edwin Greyle as king",
    ):
        assert not states_relation("succession", own)
    assert states_relation("succession", "After Cnut's death in 1035, Harold became king")
    assert states_relation("succession", "after his retirement the post went to Anna Berg")
    assert states_relation("succession", "She was followed in the office by her deputy")
    # Who paid for something: a payment, a gift, a fund or a patron states it; who made it
    # does not.
    assert relation_asked("Who paid for the statue of Agnes Tolland?", who=True) == "funding"
    assert relation_asked("Who funded the probe?", who=True) == "funding"
    assert relation_asked("How large were the probe's funds?", who=False) is None
    assert states_relation("funding", "The tour was funded by a shipping company")
    assert states_relation("funding", "a scholarship from the merchant Anders Holmqvist")
    assert not states_relation("funding", "a bronze statue by the sculptor Ilse Brannock")
    # A building, the noun, states no making; building something, or its builders, do.
    assert not states_relation("invention", "she had called him before leaving the building")
    assert not states_relation("founding", "staff were evacuated from the building")
    assert states_relation("invention", "credited with building the first telephone")
    assert states_relation("founding", "the builders of the cathedral")


@pytest.mark.parametrize(
    ("question", "office"),
    [
        ("Who is the chief executive of Andes Pacific Copper?", "chief executive"),
        ("Who is Corvanta's chief executive?", "chief executive"),
        ("What is the name of Uruguay's defence minister?", "minister"),
        ("who is bulgaria s culture minister", "minister"),  # as corrected
        ("who is the ceo of JD?", "ceo"),
        ("Who was the captain of the Nakuru Lions in 2020?", "captain"),
        ("who is the ashmoor rovers manager", "manager"),
        ("Who is Jeroen V.'s lawyer?", "lawyer"),
        # a post named by what its holder does
        ("Who is the chief economist of JD?", "economist"),
        ("Who was the chief engineer of the bridge?", "engineer"),
        # No office: a relation, a role that is no office, or no one asked.
        ("Who was the head of the jury?", None),
        ("Who chairs the committee?", None),
        ("What did the chief executive say?", None),
        ("Who was the first player to score?", None),
    ],
)
def test_an_office_asked_is_its_last_word(question: str, office: str | None) -> None:
    assert office_asked(question) == office


def test_an_office_is_stated_by_its_word_or_another_for_it() -> None:
    assert office_stated("chief executive", "Its CEO, Maria Duarte, said the mine would open.")
    assert not office_stated("chief executive", "The government will summon Corvanta executives")
    assert office_stated("ceo", "Liu Qiangdong, the chief executive of JD, said")
    assert office_stated("chairman", "The jury, chaired by Luísa Montenegro, gave its award")
    assert office_stated("minister", "The ministers met on Monday.")
    assert office_stated("lawyer", "His counsel, Ana Reis, said he would appeal.")
    # A ministry is no minister; the owner of a mine is no chief executive.
    assert not office_stated("minister", "Bulgaria's Ministry of Culture said in a statement")
    assert not office_stated("chief executive", "The mine's owner, Andes Pacific Copper, warned")


@pytest.mark.parametrize(
    ("question", "relation"),
    [
        # A typo that keeps the stem and makes no English word: the word meant.
        ("Who succeede Rollo as ruler of Normandy?", "succession"),
        ("Who founde Microsoft?", "founding"),
        # The verb as people type it, in the present tense.
        ("Who introduce the big O notation?", "invention"),
        ("Who invents such machines?", "invention"),
        # "Found" is a word of its own (to find): no founding asked.
        ("Who found the treasure?", None),
        ("Who was the first to write it down?", "authorship"),
    ],
)
def test_a_relation_is_read_through_typos_and_tenses(question: str, relation: str | None) -> None:
    assert relation_asked(question, who=True) == relation


def test_shorthand_is_spelt_out_where_the_articles_spell_it_out() -> None:
    spelt = Terms(["versus", "problem", "government", "information"])
    assert spelt_out("how much for solving P vs NP", spelt) == "how much for solving P versus NP"
    assert spelt_out("who leads the govt. now", spelt) == "who leads the government now"
    assert "versus" in _parse_with(spelt, "P vs. NP problem").corrected.split()
    # Where the articles write the shorthand themselves, or never the full word, it stays.
    assert spelt_out("P vs NP", Terms(["vs", "versus"])) == "P vs NP"
    assert spelt_out("P vs NP", Terms(["problem"])) == "P vs NP"
    # Nor is a word that merely begins like one touched, nor a case name's "v.".
    assert spelt_out("the info-box and Roe v. Wade", spelt) == "the info-box and Roe v. Wade"
    assert spelt_out("more info", spelt) == "more information"
    # Only in lower case: "Saturn Vs" are rockets.
    assert spelt_out("what happened to the Saturn Vs", spelt) == "what happened to the Saturn Vs"
    # A title, in capitals too, where the articles spell it out ("Chief executive Ingrid
    # Solberg") and never write it short.
    titled = Terms(["chief", "execut", "nordwind"])
    assert (
        spelt_out("who is the CEO of Nordwind", titled) == "who is the chief executive of Nordwind"
    )
    assert spelt_out("who is the ceo", Terms(["ceo", "chief", "execut"])) == "who is the ceo"


def _parse_with(terms: Terms, question: str) -> Query:
    return parse(question, Lexicon(sorted(terms.terms)), terms)


def test_the_measure_how_asks_by_stands_for_no_superlative() -> None:
    """ "How long is the Rhine" asks a length: "long" is not matched to "longest" (the
    longest river states none) nor "longer"; elsewhere in a question it still is."""
    terms = Terms(["long", "longest", "longer", "river", "rhine", "tall", "tallest"])
    for question in ("how long is the rhine", "how tall is it"):
        (asked,) = [qt for qt in _parse_with(terms, question).terms if qt.word in ("long", "tall")]
        assert [t for t, _ in asked.expansions] == [asked.word], (question, asked)
    (other,) = [qt for qt in _parse_with(terms, "which river is long").terms if qt.word == "long"]
    assert {"longest", "longer"} <= {t for t, _ in other.expansions}


def test_the_word_after_how_is_read_as_what_how_asks_by() -> None:
    """A typo right after "how" that is one edit from "long", "tall", "many"… is that word,
    even where the corpus would read it as another ("along") or knows none of them; a word
    the corpus knows, or one far from all of them, is left to the usual repair."""
    assert _parse("how dlong is the rhine").corrected.startswith("how long ")
    assert _parse("how eall is the rhone").figure == "measure"
    assert _parse("how mana types of resource").figure == "count"
    assert _parse("how space is measured").corrected.startswith("how space ")
    assert not _parse("how bzzzt is the rhine").corrected.startswith("how long")


@pytest.mark.parametrize(
    ("question", "abbreviation"),
    [
        ("what does C2M stand for", "c2m"),
        ("what is C2M?", "c2m"),
        ("what's an NGO", "ngo"),
        ("what are NGOs", "ngo"),
        ("what is c2m", "c2m"),
        ("what is 5G", "5g"),
        ("what is Tesla", None),  # a name, not capitals
        ("what is it", None),
        ("what is jd", None),  # lower case, no figure: a word
        ("what is C2M used for", None),  # asks something else of it
        # the verb's form as a typo's repair gives it ("measn": means), or as typed
        ("what does Obersee means", "obersee"),
        ("what does NATO stands for", "nato"),
    ],
)
def test_an_abbreviation_asked_alone_is_asked_to_be_spelled_out(
    question: str, abbreviation: str | None
) -> None:
    assert acronym_asked(question) == abbreviation


@pytest.mark.parametrize(
    ("question", "thing"),
    [
        ("What is a Turing machine?", "turing machine"),
        ("what's NP-complete", "np-complete"),
        ("What are decision problems?", "decision problems"),
        ("define reduction", "reduction"),
        ("what does the term Pale mean?", "pale"),
        ("What was the Duchy of Normandy?", "duchy of normandy"),  # "of" within a name
        # more is asked of it than what it is
        ("what is the capital of France", None),
        ("What is the name of the castle?", None),
        ("what was it like", None),
        ("what are they called", None),
        ("what is JD doing in Wuhan", None),
        # someone named, asked who they are; not a role
        ("Who was Rollo?", "rollo"),
        ("who is Lei Xu", "lei xu"),
        ("Who was the duke?", None),
        ("Who was Tesla's nephew?", None),
        ("who was limited by Denver's defense", None),
        ("who was rollo", "rollo"),  # in lower case, no English word: a name all the same
        ("who was president", None),  # in lower case, an English word: maybe a role
        ("What type of Delta is the Rhine-Meuse?", "rhine-meuse"),
        ("what kind of facility was Wardenclyffe", "wardenclyffe"),
        ("What type of flower is sought on Midsummer's Eve?", None),
    ],
)
def test_a_thing_asked_what_it_is_is_asked_to_be_defined(question: str, thing: str | None) -> None:
    assert defined_asked(question) == thing


@pytest.mark.parametrize(
    ("question", "names"),
    [
        ("What type of Delta is the Rhine-Meuse?", ("rhine-meuse delta", "rhine-meuse")),
        ("waht is a turign machine", ("turing machine",)),
        ("what is the capital of France", ()),
    ],
)
def test_a_thing_asked_as_a_kind_is_looked_for_with_the_kind_after_it(
    question: str, names: tuple[str, ...]
) -> None:
    corpus = ["turing", "machine", "rhine", "meuse", "delta", "capital", "france"]
    assert _parse_in(question, corpus).defined_as == names


@pytest.mark.parametrize(
    ("question", "echoes"),
    [
        ("who said the future is happening right now", True),
        ("what is happening right now in China", True),
        ("what is the future of JD today", False),  # "today" is not what she said
        ("what does JD sell", False),  # nothing of today asked
    ],
)
def test_words_of_today_quoted_from_the_sentence_are_an_echo(question: str, echoes: bool) -> None:
    sentence = (
        "Boutrup posted on LinkedIn, writing “the future is happening right now – in China!”"
    )
    assert echoes_now(question, sentence) is echoes
    # Unquoted, the same words are the sentence's own: no echo of a quotation.
    assert not echoes_now(question, sentence.replace("“", "").replace("”", ""))


@pytest.mark.parametrize(
    ("question", "openly"),
    [
        ("tell me about the delivery robots", True),
        ("Can you tell me more about JD Health?", True),
        ("what do you know about C2M", True),
        ("what about the robots", True),
        ("what did JD tell the executives about C2M", False),
        ("where did JD deploy robots", False),
    ],
)
def test_a_request_to_hear_about_something_is_told_apart(question: str, openly: bool) -> None:
    assert asks_openly(question) is openly


@pytest.mark.parametrize(
    ("question", "whether"),
    [
        ("Is JD profitable?", True),
        ("did the normans invade ireland", True),
        ("Are there crocodiles in the Rhine?", True),
        ("Isn't the impact temporary?", True),
        ("Should JD open stores in Europe?", True),
        # a question word anywhere asks for something
        ("Does anyone know who runs JD Retail?", False),
        ("Where is the Rhine?", False),
        ("what does JD sell", False),
        # a choice asks for one of its options
        ("Is a problem instance abstract or concrete?", False),
        # put to the bot, a request
        ("Can you tell me the robot's name?", False),
        ("Do u know the CEO of JD Retail", False),
        ("Is", False),
    ],
)
def test_a_question_asking_yes_or_no_is_told_apart(question: str, whether: bool) -> None:
    assert asks_yes_or_no(question) is whether


@pytest.mark.parametrize(
    ("question", "writing"),
    [
        ("what did Lei Xu write about?", True),
        ("What has Ella Kidron written", True),
        ("which articles are by Ella Kidron", True),
        ("show me the stories written by Lei Xu", True),
        ("What are Lei Xu's articles", True),
        ("list Ella Kidrons articles", True),
        # the author of an article, or what one says
        ("who wrote the article about 5G", False),
        ("what did the article say about robots", False),
        ("what did Boutrup say", False),
    ],
)
def test_a_question_asking_what_someone_wrote_is_told_apart(question: str, writing: bool) -> None:
    assert asks_whose_writing(question) is writing


@pytest.mark.parametrize(
    ("question", "now", "openly"),
    [
        ("what is the latest news on the rent cap?", False, True),
        ("what's the latest news about the Kraków mayor?", False, True),
        ("latest update on the coalition talks", False, True),
        ("what is the weather today", True, False),
        ("what is the latest news in Tokyo today?", True, False),
    ],
)
def test_the_latest_news_on_something_asks_about_it(
    question: str, now: bool, openly: bool
) -> None:
    assert asks_about_now(question) is now
    assert asks_openly(question) is openly
    assert superlative(question) is None


@pytest.mark.parametrize(
    ("question", "latest", "newest"),
    [
        ("what are the latest articles?", "articles", False),
        ("What's new?", "articles", False),
        ("any new stories today?", "articles", False),
        ("what is the newest article", "article", True),
        ("who wrote the latest article?", None, True),
        ("summarize the most recent story", None, True),
        ("what is the latest news on the rent cap?", None, False),
        ("what is new in the Rhine delta", None, False),
        ("summarize the article about the new infrastructure", None, False),
    ],
)
def test_a_question_for_the_newest_articles_is_told_apart(
    question: str, latest: str | None, newest: bool
) -> None:
    assert asks_latest(question) == latest
    assert names_the_newest(question) is newest


def test_a_metadata_word_known_by_its_stem_is_spelt_whole() -> None:
    assert meta_spelled("when was the articl publishe") == "when was the article published"
    # Dictionary words stay as they are, whatever their stem.
    assert meta_spelled("what dates did the posting give") == "what dates did the posting give"


@pytest.mark.parametrize(
    ("typed", "spelt"),
    [
        ("who worte the new infrastructure pece", "who wrote the new infrastructure piece"),
        ("when did the rhine coem out", "when did the rhine come out"),
        ("what adte was the rhine published", "what date was the rhine published"),
        # A letter typed wrong makes other words: "mink" is no "link".
        ("where did the mink escape from", "where did the mink escape from"),
        # A word of the articles stays theirs, an edit from a metadata word or not.
        ("when did the rhone flood", "when did the rhone flood"),
    ],
)
def test_a_metadata_word_typed_a_letter_short_long_or_swapped_is_read_as_it(
    typed: str, spelt: str
) -> None:
    assert meta_retyped(_parse(typed)) == spelt


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("what did the mayor say", True),
        ("what did anna holm say about the plan", True),
        ("what did the mayor tell reporters", True),
        ("what did boutrup say we underestimate", False),  # a part of what she said
        ("what did the council decide", False),
    ],
)
def test_a_question_asking_what_someone_said(question: str, said: bool) -> None:
    assert asks_what_said(question) is said


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("who founded Cologne", True),
        ("how deep is the Rhine", True),
        ("JD delivered food during the outbreak?", True),
        ("delivery robots", False),
        ("JD pizza weather forecast", False),
    ],
)
def test_a_question_is_told_from_a_topic(text: str, asks: bool) -> None:
    assert asks_a_question(text) is asks


@pytest.mark.parametrize(
    ("typed", "repaired"),
    [
        # Each repaired word in the case it was typed in; punctuation as typed.
        ("Which rivre joins the Rhien at Mainz?", "Which river joins the Rhine at Mainz?"),
        ("WHERE is the RHNIE", "WHERE is the RHINE"),
        ("how do they mesure time?", "how do they measure time?"),
        # Nothing to repair: the text as typed.
        ("Where does the Rhine meet space?", "Where does the Rhine meet space?"),
    ],
)
def test_the_question_repaired_keeps_its_case(typed: str, repaired: str) -> None:
    query = parse(typed, Lexicon(sorted(Terms(QUESTIONED).terms)), Terms(QUESTIONED))
    assert query.repaired == repaired


QUESTIONED = [*CORPUS, "river", "joins", "mainz", "where"]


TYPED_WORDS = ["words", "wore", "moving", "movie", "quantity", "quantified"]


@pytest.mark.parametrize(
    ("typed", "slipped"),
    [
        # The stem of another word ("wore", "movie"), but a letter typed in: a typo.
        ("woreds", True),
        ("moviing", True),
        # A letter typed wrong is left alone: "quantify" is a word, not "quantity".
        ("quantify", False),
        # Words of the articles as they are, and English words, are no typos.
        ("wore", False),
        ("movies", False),
    ],
)
def test_a_typo_with_another_words_stem_is_read_as_one(typed: str, slipped: bool) -> None:
    vocabulary = Terms(TYPED_WORDS)
    assert _stem_slip(typed, stem(typed), Lexicon(TYPED_WORDS), vocabulary) is slipped


class Sentences(Terms):
    """A corpus's vocabulary counted over its sentences, as the index counts them: which
    words share a sentence."""

    def __init__(self, sentences: list[str]) -> None:
        self.sentences = [{stem(w) for w in s.lower().split()} for s in sentences]
        super().__init__([w for s in sentences for w in s.lower().split()])

    def doc_freq(self, term: str) -> int:
        return sum(term in s for s in self.sentences)

    def co_freq(self, term: str, other: str) -> int:
        return sum(term in s and other in s for s in self.sentences)


LAKE = Sentences(
    [
        *["cold water from the alps flows into lake constance"] * 4,
        *["the cold water sinks where it meets the lake"] * 3,
        "the bold plan of the king failed",
        "a bold mayor ran the town",
        "the river runs west of the hills",
    ]
)


def _lake_parse(question: str) -> Query:
    words = sorted({w for s in LAKE.sentences for w in s} | set(LAKE.terms))
    return parse(question, Lexicon(words), LAKE)


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        # A word of the corpus that keeps none of the question's other words' company, a
        # letter from one that keeps much: the typo that made another word.
        ("where does the bold water mix with lake constance", "cold"),
        # As typed: the word meant, and a word that shares a sentence with another of the
        # question's words ("bold" beside "king").
        ("where does the cold water mix with lake constance", "cold"),
        ("what was the bold plan of the king", "bold"),
        # A word a letter from none that keeps the question's company stays as typed.
        ("where does the river run", "river"),
    ],
)
def test_a_typo_that_makes_another_word_is_read_in_its_company(typed: str, read: str) -> None:
    query = _lake_parse(typed)
    assert read in query.corrected.split()
    assert {"bold", "cold"} - {read} & set(query.corrected.split()) == set()


@pytest.mark.parametrize(
    ("typed", "first"),
    [
        # A word of its own opening a question, then an auxiliary: the question word.
        ("hat is the rhine", "what"),
        ("Were did the rhine branch", "where"),
        ("wheat does the rhine meet", "what"),
        ("here are the rhine's mouths", "where"),
        # A letter typed wrong, or two question words as near: as typed.
        ("that is the rhine", "that"),
        ("ho is the rhine", "ho"),
        # A question word already.
        ("where is the rhine", "where"),
    ],
)
def test_a_question_word_mistyped_into_a_word_is_read_as_asked(typed: str, first: str) -> None:
    assert _parse(typed).corrected.split()[0] == first


def test_a_question_word_mistyped_into_a_word_before_a_noun_is_read_as_asked() -> None:
    # No auxiliary after it, but "hat" keeps no company with the question's other words.
    assert _parse("hat type of resource").corrected.split()[0] == "what"
    # A stop word opens a yes-or-no question: "were" stays.
    assert _parse("were the rhine and rhone joined").corrected.split()[0] == "were"


@pytest.mark.parametrize(
    ("question", "text", "asked"),
    [
        (
            "What was the smallest of the nine oasis towns?",
            "The route passed through nine major oasis towns, of which the largest was Hadrit.",
            "smallest",
        ),
        (
            "What is the lowest temperature ever recorded on Kerreway?",
            "The highest temperature ever recorded at the harbour was 36.2 °C.",
            "lowest",
        ),
        (
            "Which age group was least likely to die?",
            "Children under five and adults over sixty were the most likely to die.",
            "least",
        ),
        # its own side, another word for it: it may answer
        ("Which is the largest island?", "The biggest of them is Kallø.", None),
        ("Which is the smallest island?", "The largest is Kallø, the smallest Vesle.", None),
        # other superlatives than its own or its opposite's, or none
        ("Which was the longest siege?", "It was the largest engagement of the war.", None),
        ("Which is the largest island?", "Kallø covers 38 square kilometres.", None),
        # a bound asked: a range states it
        (
            "What is the greatest number of members a board can have?",
            "A board has at least three members and no more than nine; the largest have nine.",
            None,
        ),
        # "first" and "last" are no superlatives here ("how long did it last")
        ("When was the last Super Bowl in California?", "It is the first Super Bowl there.", None),
    ],
)
def test_a_superlative_the_text_ranks_only_the_other_way(
    question: str, text: str, asked: str | None
) -> None:
    assert ranked_otherwise(question, text) == asked
