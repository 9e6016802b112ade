"""The text helpers that stand in for a regex per call give exactly what that regex gives."""

from __future__ import annotations

import random
import re

import pytest

from tasks.quotes.clauses import _DATELINE, _dateline_ends, _word_before
from tasks.quotes.phrases import MASK, TOKEN_RE, tokenize
from tasks.quotes.speakers import word_starts

# Characters where regex semantics are easy to get wrong: "_" (a word character that starts no
# token), Unicode letters and digits, line breaks and other spaces, apostrophes, masked quotes.
ALPHABET = ["a", "B", "é", "İ", "Σ", "1", "²", "٣", "_", "-", ".", ",", "'", "’", "+", " ", "\t", "\n",
            "\u00a0", "\u2028", MASK, "U.S.", "al-Farra", "  "]


def _texts(n: int, longest: int) -> list[str]:
    rng = random.Random(7)
    return ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(n)]


def _finditer_tokens(masked: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in TOKEN_RE.finditer(masked)]


@pytest.mark.parametrize("masked", ["", "  ", "_ _", "Zelensky said: \x01\x01\x01 on Monday.\n\nU.S. OPEC+ a_b"])
def test_tokenize_is_token_re(masked):
    assert [(t.text, t.start, t.end) for t in tokenize(masked)] == _finditer_tokens(masked)


def test_tokenize_is_token_re_on_random_text():
    for masked in _texts(3000, 30):
        assert [(t.text, t.start, t.end) for t in tokenize(masked)] == _finditer_tokens(masked), masked


def test_word_starts_is_the_word_boundary_regex():
    rng = random.Random(11)
    for text in _texts(3000, 20):
        a = rng.randint(0, len(text))
        for word in (text[a : a + rng.randint(0, 5)], rng.choice(ALPHABET), ""):
            want = [m.start() for m in re.finditer(r"\b" + re.escape(word) + r"\b", text)]
            assert list(word_starts(text, word)) == want, (text, word)


def test_word_before_is_the_trailing_word_regex():
    rng = random.Random(13)
    for text in _texts(3000, 60):
        end = rng.randint(0, len(text))
        m = re.search(r"([\w.]+)$", text[max(0, end - 40) : end])
        assert _word_before(text, end) == (m.group(1) if m else ""), (text, end)


def test_dateline_ends_are_the_dateline_regex():
    pieces = ["MOSCOW", "PARIS", "AB", " (AFP) -", ", Nov 20 (Reuters) -", " —", " --", "/TASS/.",
              " /PRNewswire/ --", ")\n-", "/\n--", "\n", "\n\n", " ", "x", ".", "(", MASK]
    rng = random.Random(17)
    for _ in range(5000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert list(_dateline_ends(text)) == [m.end() for m in _DATELINE.finditer(text)], text
