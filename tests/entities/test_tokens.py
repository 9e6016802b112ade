"""The matcher's tokeniser: one regex split standing in for TOKEN_RE, which it must match exactly."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.entities.catalog import TOKEN_RE
from tasks.entities.matcher import ORDINAL, _Text

TRICKY = [
    "",
    " ",
    "\n\n",
    "Kyiv",
    "Kyiv's and Kyiv’s, O'Brien, O’Brien's, rock 'n' roll, 'single' quotes",
    "the U.S. and U.K., A.B, e.g. and i.e., J. R. R. Tolkien, 2.5 per cent, 3.14",
    "Zapad-2025, Ivano-Frankivsk, Lolwah al-Khater, Lee Seong-kweun, Table.Briefings",
    "3rd Assault Brigade, the 47th, 1st and 2nd, ３rd, 21st-century, 4TH",
    "snake_case and __dunder__, 5_000, naïve café, Zelenskyy\u0301, \ufb01nal",
    "«Ukraine» „Kyiv“ (NATO) [EU] {x} — – … ‘quoted’ “double” ",
    "tabs\tand\u00a0nbsp\u2009thin\u3000ideographic\u2028line\x1cfile\u200bzero",
    "end with apostrophe' and 's alone, 'S, ’s. Kyiv’S",
    "Київ і Харків; 東京 and Σ; ǅemal ǈ; Ⅻ and Ⓐ",
    "x'", "'x", "''", "’’s", "a's'b", "A.", "A.B", "A.B.", "1.2.", "_._.",
]

_text = st.text(alphabet=st.sampled_from(list("aZé3_ .,'’-\n\t\u00a0sSA.Ж\u0301(")), max_size=60)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    t = _Text(text)
    return [(tok, t.start(i), t.ends[i]) for i, tok in enumerate(t.toks)]


def _expected(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(), m.start(), m.end()) for m in TOKEN_RE.finditer(text)]


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_and_offsets_are_token_res(text):
    assert _tokens(text) == _expected(text)


@settings(max_examples=300, deadline=None)
@given(st.one_of(_text, st.text(max_size=40)))
def test_tokens_and_offsets_are_token_res_on_any_text(text):
    assert _tokens(text) == _expected(text)


@settings(max_examples=200, deadline=None)
@given(_text)
def test_gaps_are_the_text_between_tokens_and_caps_the_name_openers(text):
    t = _Text(text)
    spans = _expected(text)
    assert len(t.gaps) == len(spans) + 1
    edges = [0] + [x for _, s, e in spans for x in (s, e)] + [len(text)]
    assert t.gaps == [text[edges[k] : edges[k + 1]] for k in range(0, len(edges), 2)]
    assert t.caps == [i for i, (tok, _, _) in enumerate(spans) if tok[0].isupper() or (tok[0].isdigit() and ORDINAL.match(tok))]


def _is_upper_by_letters(tok: str) -> bool:  # the definition the ASCII shortcut stands in for
    letters = [c for c in tok if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(alphabet=st.sampled_from(list("aZ3_.-'’ ÉéЖжⅫⒶǅ")), max_size=8), st.text(max_size=8)))
def test_is_upper_is_all_letters_upper(tok):
    from tasks.entities.matcher import _is_upper

    assert _is_upper(tok) == _is_upper_by_letters(tok)
