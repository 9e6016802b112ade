"""Properties over generated texts: audit offsets, undo, idempotence and span mapping."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tasks.normalise import (
    LEXICON,
    apply,
    find_variants,
    normalize_text,
    normalized_span,
    published_span,
    undo,
)
from tasks.normalise.lexicon import expand

VARIANTS = sorted({f.variant for f in LEXICON.forms.values()})
CONTEXT = sorted({f.variant for f in LEXICON.context_forms.values()})
CANONICALS = sorted(LEXICON.canonicals)
EXCEPTIONS = sorted({p for e in LEXICON.entries for x in e.get("exceptions") or [] for p in expand(x)})
PREFIXES = sorted(set(LEXICON.given_names) | set(LEXICON.honorifics))
FILLER = ["the", "in", "said", "Mr", "Kievan", "Vladimir", "Putin", "region", "Oblast", "'s",
          "’s", "-based", ",", ".", "—", "(", ")", "“", "”", "#", "@", "https://x.com/", "A.",
          "formerly", "now", "/", "or", "known as", "in Russian", "name", "Major", "ʼs",
          "Soviet-era", "then-", "region"]

words = st.one_of(
    st.sampled_from(VARIANTS),
    st.sampled_from(VARIANTS).map(str.upper),
    st.sampled_from(VARIANTS).map(str.lower),
    st.sampled_from(CONTEXT),
    st.sampled_from(CANONICALS),
    st.sampled_from(EXCEPTIONS),
    st.sampled_from(PREFIXES),
    st.sampled_from(FILLER),
    st.text(max_size=6),
)
separators = st.sampled_from([" ", " ", " ", "", "\n", "\n\n", "  ", "\u00a0", "-", "'", "’"])


@st.composite
def texts(draw) -> str:
    parts = draw(st.lists(st.tuples(words, separators), max_size=25))
    return "".join(w + s for w, s in parts)


SETTINGS = settings(max_examples=int(os.environ.get("NORMALISE_EXAMPLES", "300")), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(texts())
def test_changes_are_sorted_disjoint_and_point_at_the_published_text(text):
    result = normalize_text(text)
    last_end = 0
    for c in result.changes:
        assert last_end <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.original
        assert c.replacement and c.replacement != c.original
        last_end = c.end
    assert apply(text, result.changes) == result.text


@SETTINGS
@given(texts())
def test_undo_gives_back_the_published_text(text):
    result = normalize_text(text)
    assert undo(result.text, result.changes) == text


@SETTINGS
@given(texts())
def test_normalising_twice_changes_nothing(text):
    once = normalize_text(text)
    twice = normalize_text(once.text)
    assert twice.text == once.text
    assert twice.changes == []
    assert find_variants(once.text) == []


@SETTINGS
@given(texts(), st.data())
def test_published_span_covers_what_the_normalised_span_came_from(text, data):
    result = normalize_text(text)
    n = len(result.text)
    start = data.draw(st.integers(0, n))
    end = data.draw(st.integers(start, n))
    p_start, p_end = published_span(result.changes, start, end)
    assert 0 <= p_start <= p_end <= len(text)
    # mapped back, the span covers at least what we started from
    n_start, n_end = normalized_span(result.changes, p_start, p_end)
    assert n_start <= start and end <= n_end or start == end
    # and the published slice, normalised by the changes inside it, is that normalised slice
    inside = [c for c in result.changes if p_start <= c.start and c.end <= p_end]
    shifted = [type(c)(c.start - p_start, c.end - p_start, c.original, c.replacement, c.rule) for c in inside]
    assert apply(text[p_start:p_end], shifted) == result.text[n_start:n_end]


@SETTINGS
@given(texts(), st.data())
def test_normalized_span_maps_published_text_onto_its_normalised_form(text, data):
    result = normalize_text(text)
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    n_start, n_end = normalized_span(result.changes, start, end)
    assert 0 <= n_start <= n_end <= len(result.text)
    p_start, p_end = published_span(result.changes, n_start, n_end)
    assert p_start <= start and end <= p_end or start == end


@SETTINGS
@given(texts())
def test_spans_of_whole_changes_map_exactly_both_ways(text):
    result = normalize_text(text)
    shift = 0
    for c in result.changes:
        n_start = c.start + shift
        n_end = n_start + len(c.replacement)
        assert result.text[n_start:n_end] == c.replacement
        assert published_span(result.changes, n_start, n_end) == (c.start, c.end)
        assert normalized_span(result.changes, c.start, c.end) == (n_start, n_end)
        shift += len(c.replacement) - len(c.original)


@SETTINGS
@given(texts(), st.data())
def test_rows_of_the_normalizations_table_map_spans_like_changes(text, data):
    result = normalize_text(text)
    rows = [
        {"start": c.start, "end": c.end, "original": c.original, "replacement": c.replacement}
        for c in reversed(result.changes)  # row order is not relied on
    ]
    start = data.draw(st.integers(0, len(result.text)))
    end = data.draw(st.integers(start, len(result.text)))
    assert published_span(rows, start, end) == published_span(result.changes, start, end)
