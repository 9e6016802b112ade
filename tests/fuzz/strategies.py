"""Hypothesis strategies for the fuzz tests: arbitrary input, and news-like text that reaches deep.

Purely random text rarely gets past a stage's first check, so the news-like strategies mix real
words, lexicon variants, quote marks, names and reporting verbs with arbitrary characters.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

# Words the stages react to: spellings the lexicon rewrites, names, verbs, quote marks, apostrophes.
TOKENS = [
    "Kiev", "Kyiv", "Kyivʼs", "Kiev's", "Zelenskyy", "Zelensky", "Zelenskiy", "Lugansk", "Luhansk", "Odessa",
    "Kharkov", "Chernobyl", "Donbass", "the", "president", "minister", "said", "told", "reporters", "he", "she",
    "Volodymyr", "Putin", "NATO", "Ukraine", "Russia", "Ministry", "of", "Defence", "on", "Tuesday", ",", ".",
    "\u201c", "\u201d", "\u2018", "\u2019", '"', "'", "\u00ab", "\u00bb", "\u201e", "-", "\u2013", "\u2014", ":",
    "\n", "\n\n", " ", "http://kiev.example/kiev", "@kievpost", "#Kiev", "Mr", "Dr.", "U.S.", "(", ")",
    "\u00e9", "\u0416", "\U0001f600", "\u200b", "\u00a0", "\u0301", "\ufb01",
]

news_text = st.lists(st.one_of(st.sampled_from(TOKENS), st.text(max_size=8)), max_size=120).map(
    lambda parts: " ".join(parts)
)

# Sentences long enough for extraction's minimum length, with hostile bits between them.
SENTENCE = (
    "The minister said on Tuesday that talks in Kiev would resume next week after a pause of several months."
)
long_news_text = st.lists(st.one_of(st.just(SENTENCE), news_text), min_size=1, max_size=12).map("\n\n".join)

TAGS = ["p", "div", "span", "article", "b", "i", "a", "table", "tr", "td", "script", "style", "h1", "li", "br"]


@st.composite
def html_pages(draw) -> str:
    """Tag soup: random nesting, unclosed and stray tags, attributes, comments, entities, text."""
    parts = ["<html><body>"] if draw(st.booleans()) else []
    for _ in range(draw(st.integers(0, 40))):
        kind = draw(st.integers(0, 7))
        tag = draw(st.sampled_from(TAGS))
        if kind == 0:
            parts.append(f"<{tag}>")
        elif kind == 1:
            parts.append(f"</{tag}>")
        elif kind == 2:
            parts.append(f'<{tag} class="{draw(st.text(max_size=6))}">')
        elif kind == 3:
            parts.append(draw(st.sampled_from(["<!--", "-->", "&amp;", "&nbsp", "&#0;", "&#x110000;", "<![CDATA[", "<?xml", "<"])))
        elif kind == 4:
            parts.append("<div>" * draw(st.integers(0, 400)))
        else:
            parts.append(draw(st.one_of(news_text, st.just(SENTENCE))))
    return "".join(parts)

# Modest example counts keep the whole suite at a few minutes; stages are not timed here.
# NEWSETL_FUZZ_EXAMPLES raises them for a longer hunt.
FUZZ = settings(
    max_examples=int(os.environ.get("NEWSETL_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
