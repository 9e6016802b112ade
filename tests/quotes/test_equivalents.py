"""Faster forms of the attribution helpers give exactly what the plain definitions give.

Each test keeps the plain definition (as it was written before it was made faster) and pins the
faster one against it, on real dev-set texts and on generated ones.
"""

from __future__ import annotations

import random
import re

import pytest

from tasks.quotes.attribution import _masked
from tasks.quotes.clauses import (
    _INITIALS,
    _NOT_SPACE,
    _QUOTE_NEXT,
    _SENTENCE_START,
    TERMINAL,
    _dateline_ends,
    sentence_spans,
)
from tasks.quotes.lexicon import lexicon
from tasks.quotes.marks import find_quotes
from tasks.quotes.phrases import (
    INDEFINITE,
    MASK,
    POSSESSIVE,
    Token,
    _description_backward,
    _may_end_role,
    _role_backward,
    backward_phrase,
    forward_phrase,
    is_title,
    is_verb,
    tokens,
)
from tasks.quotes.speakers import Resolver, _find_cues

LEX = lexicon()

# Characters and words where the helpers' tests differ if they are got wrong: Unicode letters
# and digits, "_", apostrophes, capitals, line breaks, masked quotes, and lexicon words.
ALPHABET = ["a", "B", "é", "İ", "Σ", "Ⓐ", "1", "²", "٣", "_", "-", ".", ",", "'", "’", "+", " ", "\t", "\n",
            "\u00a0", MASK, "U.S.", "al-Farra", "ibn-Saud", "el-sisi", "Mr.", "D.C.", "e.g.", "  "]
WORDS = ["the", "a", "an", "one", "who", "said", "Said", "SAID", "says", "according", "to", "in", "he", "she",
         "they", "minister", "Minister", "foreign", "officials", "spokesmen", "spokesman", "chairmen", "president",
         "President", "farmers", "Italian", "Ukraine's", "Zelensky's", "Zelensky", "Vladimir", "von", "der", "Leyen",
         "Mr", ".", ",", ":", "DI", "42-year-old", "residents", "local", "deputy", "shadow", "home", "secretary",
         "Kremlin", "NATO", "told", "and", "of", MASK * 3, "\n"]


def _texts(n: int, longest: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def _sentences(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    return [" ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 14))) for _ in range(n)]


@pytest.fixture(scope="module")
def dev_texts(devset):
    return [a["text"] for a in devset]


# --- tokens ---------------------------------------------------------------------------------


def test_token_columns_are_what_each_token_computes(dev_texts):
    """tokens() looks kind and capital up by first character; Token works them out itself."""
    for masked in dev_texts + _texts(3000, 30, 21) + _sentences(500, 22):
        for headline in (False, True):
            tk = tokens(masked, headline)
            assert tk.texts == [t.text for t in tk.toks]
            assert tk.starts == [t.start for t in tk.toks]
            assert tk.lows == [t.low for t in tk.toks]
            assert tk.caps == [t.cap for t in tk.toks]
            for t in tk.toks:
                kind = "q" if t.text[0] == MASK else ("w" if t.text[0].isalnum() else "p")
                plain = Token(t.text, t.start, t.end, kind, headline)
                assert (t.kind, t.headline, t.low, t.cap) == (plain.kind, plain.headline, plain.low, plain.cap), t


# --- cues -----------------------------------------------------------------------------------


def _plain_cues(toks: list[Token]) -> tuple:
    in_name, name_words, commas, whos, determiners, openers, verbs = [], [], [], [], [], [], []
    for n, tok in enumerate(toks):
        name = tok.cap or is_title(tok, LEX)
        in_name.append(name)
        if name:
            name_words.append(n)
        if tok.text == ",":
            commas.append(n)
        elif tok.low == "who":
            whos.append(n)
        elif tok.low in INDEFINITE or tok.low == "the":
            determiners.append(n)
        if tok.low in LEX.verb_phrases_by_first:
            openers.append(n)
        if tok.low in LEX.verbs and is_verb(tok, LEX):
            verbs.append(n)
    return in_name, name_words, commas, whos, determiners, openers, verbs


def test_cues_are_the_per_token_tests(dev_texts):
    for masked in dev_texts + _texts(2000, 30, 23) + _sentences(1000, 24):
        for headline in (False, True):
            tk = tokens(masked, headline)
            assert tuple(_find_cues(tk, LEX)) == _plain_cues(tk.toks), masked


# --- roles ----------------------------------------------------------------------------------


def _plain_may_end_role(low: str) -> bool:
    last = LEX.role_last_words
    return low in last or (low.endswith("s") and low[:-1] in last) or (low.endswith("men") and low[:-3] + "man" in last)


def _plain_role_backward(toks: list[Token], j: int) -> tuple[int, str, bool] | None:
    if j >= 0 and toks[j].kind == "w" and "-year-old" in toks[j].low and re.match(r"\d+-year-olds?$", toks[j].low):
        return j, "person", toks[j].low.endswith("s")
    if j < 0 or not _plain_may_end_role(toks[j].low):
        return None
    words = 0
    while words < 3 and j - words >= 0 and toks[j - words].kind == "w":
        words += 1
    for width in range(words, 0, -1):
        i = j - width + 1
        phrase = " ".join([t.low for t in toks[i : j + 1]])
        if phrase in LEX.role_of:
            return i, LEX.role_of[phrase], False
        if phrase.endswith("s") and phrase[:-1] in LEX.role_of:
            return i, LEX.role_of[phrase[:-1]], True
        if phrase.endswith("men") and phrase[:-3] + "man" in LEX.role_of:
            return i, LEX.role_of[phrase[:-3] + "man"], True
    return None


def _role_words() -> list[str]:
    words = set()
    for noun in LEX.role_of:
        words.update(noun.split())
        words.update({noun + "s", noun[:-3] + "men", noun[:-1], noun + "es"})
    return sorted(words)


def test_role_ends_are_the_plural_tests():
    for word in _role_words() + WORDS + ["s", "men", "man", "mens", ""]:
        assert _may_end_role(word, LEX) == _plain_may_end_role(word), word


def test_roles_are_the_phrase_tests():
    rng = random.Random(25)
    vocabulary = _role_words() + WORDS
    for _ in range(3000):
        toks = tokens(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 6)))).toks
        for j in range(-1, len(toks)):
            assert _role_backward(toks, j, LEX) == _plain_role_backward(toks, j), (toks, j)


def test_phrases_skip_no_description():
    """forward_phrase and backward_phrase ask for a description only where a role can end:
    anywhere else _description_backward has none."""
    rng = random.Random(26)
    vocabulary = _role_words() + WORDS
    for _ in range(2000):
        toks = tokens(" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 8)))).toks
        for j in range(len(toks)):
            if toks[j].low not in LEX.role_end_words and "-year-old" not in toks[j].low:
                assert _description_backward(toks, j, LEX) is None
            forward_phrase(toks, j, LEX)
            backward_phrase(toks, j, LEX)


def test_possessive_endings_are_the_possessive_pattern():
    for masked in _texts(3000, 20, 27) + WORDS:
        for t in tokens(masked).toks:
            if t.kind == "w":
                plain = bool(POSSESSIVE.search(t.text) and t.text[-1] != "s" or t.text.endswith(("'s", "’s")))
                assert t.text.endswith(("'", "’", "'s", "’s")) == plain, t.text


# --- sentences ------------------------------------------------------------------------------


def _plain_word_before(text: str, end: int) -> str:
    m = re.search(r"([\w.]+)$", text[max(0, end - 40) : end])
    return m.group(1) if m else ""


def _plain_sentence_spans(masked: str, text: str, quotes: list) -> list[tuple[int, int]]:
    cuts = {0, len(masked)}
    for end in _dateline_ends(masked):
        cuts.add(end)
    for m in re.finditer(r"\n\s*", masked):
        cuts.add(m.start())
        cuts.add(m.end())
    for m in re.finditer(r"[.!?…]+(?=\s+[A-Z\x01\d(\[“\"‘'])", masked):
        word = _plain_word_before(masked, m.start()) if m.group(0) == "." else ""
        if word and not _QUOTE_NEXT.match(masked, m.end()):
            w = word.lower()
            if w in LEX.abbreviations or (len(w) == 1 and w.isalpha()) or _INITIALS.fullmatch(w):
                continue
        cuts.add(m.end())
    for q in quotes:
        inner = text[q.open_end : q.close_start].rstrip()
        nxt = _SENTENCE_START.match(masked, q.close_end)
        if inner and inner[-1] in TERMINAL and nxt:
            cuts.add(q.close_end)
    ordered = sorted(cuts)
    return [(a, b) for a, b in zip(ordered, ordered[1:]) if _NOT_SPACE.search(masked, a, b)]


def test_sentence_spans_are_the_plain_ones(dev_texts):
    generated = _texts(3000, 60, 28) + [" ".join(s.split()) + ". " + s for s in _sentences(1000, 29)]
    for text in dev_texts + generated:
        quotes = find_quotes(text)
        masked = _masked(text, quotes)
        assert sentence_spans(masked, text, quotes, LEX) == _plain_sentence_spans(masked, text, quotes), text


# --- lookups --------------------------------------------------------------------------------


def test_lookups_answer_the_same_from_the_distinct_mentions(dev_docs):
    """A lookup is given each mention once per surface, name, type and IDs: its answers for
    every name of the article are the ones all the mentions give."""
    from tasks.entities import lookup

    for doc in dev_docs.values():
        mentions = list(doc.mentions or [])
        body = doc.text_normalized or doc.text or ""
        quotes = find_quotes(body)
        resolver = Resolver(body, _masked(body, quotes), quotes, mentions, lookup)
        names = {m["surface"] for m in mentions} | {m["name"] for m in mentions}
        names |= {w for m in mentions for w in m["name"].split()}
        for name in sorted(names):
            assert _answer(lookup, name, resolver._mentions_for_lookup()) == _answer(lookup, name, resolver.mentions)


def _answer(lookup, name: str, mentions: list) -> object:
    """What the lookup answers, or the error it stops with (the resolver takes that for None)."""
    try:
        return lookup(name, mentions)
    except Exception as e:  # noqa: BLE001
        return type(e).__name__
