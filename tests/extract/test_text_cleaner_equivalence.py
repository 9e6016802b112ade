"""Fast paths of the text cleaner pinned against the plain code they replace.

Each helper here is a quicker equivalent of a regex or a loop (split alternations, str-method
word keys, skipped no-op substitutions); these tests fail if an equivalence breaks, on the
development-set lines and on generated text full of the characters the patterns care about.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from tasks.extract import text_cleaner as tc
from tasks.extract.evaluate import load_cases

HERE = Path(__file__).parent
PATTERNS = yaml.safe_load((Path(tc.__file__).parent / "patterns.yaml").read_text(encoding="utf-8"))

# (patterns.yaml key, tail after the alternation, flags)
SPLIT = [
    ("furniture_line", r"[\s.:!|>»›…-]*", re.I),
    ("furniture_prefix", "", re.I),
    ("caption_follower", "", re.I),
    ("comment_end_line", "", re.I),
    ("player_line", "", re.I),
    ("entry_time", "", re.I),
    ("comment_section_start", "", re.I),
    ("caption_credit", "", 0),
]


def _devset_lines() -> list[str]:
    lines: list[str] = []
    for case in load_cases(HERE / "devset"):
        for raw in case.raw.splitlines():
            text = tc._normalise(raw)[0]
            if text:
                lines += [text, text.lower(), text.upper()]
    return lines


DEVSET_LINES = _devset_lines()

# Generated lines: words and marks from the patterns themselves, odd spaces and case-folding
# letters (dotless i, long s, Kelvin sign), digits and times.
_PIECES = sorted(
    {w for key, _, _ in SPLIT for p in PATTERNS[key] for w in re.findall(r"[^\W\d_]{2,}", p)}
    | {" ", "  ", " / ", "/", ":", "(", ")", "(#)", "|", "-", "…", "·", "©", "\t", "\u00a0", "ı", "ſ", "K",
       "İ", "12", "3:42", "7:59 PM", "2025", "1h ago", "1712345678", "@", ".com", "“", "”"}
)
LINES = st.lists(st.sampled_from(_PIECES), min_size=1, max_size=12).map("".join) | st.text(min_size=1, max_size=40)


SPLIT_PATTERNS = {key: tc.AnchoredAlternation(PATTERNS[key], tail, flags) for key, tail, flags in SPLIT}


@pytest.mark.parametrize("key", SPLIT_PATTERNS)
def test_split_alternation_answers_like_the_whole_pattern_on_devset_lines(key):
    split = SPLIT_PATTERNS[key]
    for text in DEVSET_LINES + [""]:
        assert split.match(text) == bool(split.pattern.match(text)), text
        assert split.fullmatch(text) == bool(split.pattern.fullmatch(text)), text


@pytest.mark.parametrize("key", SPLIT_PATTERNS)
@settings(max_examples=300, deadline=None)
@given(text=LINES)
def test_split_alternation_answers_like_the_whole_pattern_on_generated_lines(key, text):
    split = SPLIT_PATTERNS[key]
    assert split.match(text) == bool(split.pattern.match(text))
    assert split.fullmatch(text) == bool(split.pattern.fullmatch(text))


def test_split_alternation_is_the_rules_pattern():
    r = tc.rules()
    assert r.furniture_line_split.pattern.pattern == r.furniture_line.pattern
    assert r.furniture_prefix_split.pattern.pattern == f"(?:{r.furniture_prefix.pattern})"


@pytest.mark.parametrize(
    "pattern,flags,firsts,needs",
    [
        (r"(?:ab|c)d", 0, ["a", "c"], "d"),
        (r"x?y", 0, ["x", "y"], "y"),
        (r"[^/]{2,4} / z+", re.I, [r"[^/]"], " / "),
        (r"\bfoo", re.I, ["f"], ""),  # letters are no literal under re.I
        (r"a*", 0, None, ""),  # can match the empty string: no first character
        (r"(?i:a)b", 0, None, "b"),  # inline flags: not read
    ],
)
def test_shape_reads_first_characters_and_required_literals(pattern, flags, firsts, needs):
    shape = tc._shape(pattern, flags)
    assert (None if shape.firsts is None else list(shape.firsts)) == firsts
    assert shape.needs == needs


def _norm_key_plain(s: str) -> str:
    return re.sub(r"\W+", " ", s.lower()).strip()


@settings(max_examples=500, deadline=None)
@given(text=LINES)
def test_norm_key_matches_the_plain_substitution(text):
    tc.norm_key.cache_clear()
    assert tc.norm_key(text) == _norm_key_plain(text)


def test_norm_key_matches_the_plain_substitution_on_devset_lines():
    tc.norm_key.cache_clear()
    for text in DEVSET_LINES:
        assert tc.norm_key(text) == _norm_key_plain(text)


_SPACES_PLAIN = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")


@settings(max_examples=500, deadline=None)
@given(text=LINES)
def test_normalise_skips_only_no_op_space_collapsing(text):
    # The gate in _normalise: without an odd space or two in a row, collapsing changes nothing.
    gated = ("  " in text or "\t" in text) if text.isascii() else tc._ODD_SPACE.search(text)
    if not gated:
        assert _SPACES_PLAIN.sub(" ", text) == text


@settings(max_examples=500, deadline=None)
@given(text=LINES)
def test_word_list_and_estimate_match_the_unicode_patterns(text):
    low = text.lower()
    assert tc.word_list(low) == tc._WORD.findall(low)
    assert tc.word_estimate(text) == len(text.split()) + len(tc._CJK.findall(text)) // 2


TEASER = re.compile(PATTERNS["teaser_suffix"])
TEASER_ENDING = tc._ending(TEASER)
_TEASER_WORDS = re.findall(r"[A-Z]{3,}", PATTERNS["teaser_suffix"])


def test_teaser_ending_is_read_from_the_pattern():
    assert TEASER_ENDING is not None
    assert tc.rules().teaser_ending.pattern == TEASER_ENDING.pattern


def test_ending_never_rules_out_a_teaser_on_devset_lines():
    for text in DEVSET_LINES + [t + " " + w for t in DEVSET_LINES[:200] for w in _TEASER_WORDS]:
        if TEASER.search(text):
            assert tc.ends_like(TEASER_ENDING, text), text


@settings(max_examples=500, deadline=None)
@given(text=LINES, suffix=st.sampled_from(_TEASER_WORDS + ["UPDATED", "UPDATE", "", "\n", " \n"]))
def test_ending_never_rules_out_a_teaser_on_generated_lines(text, suffix):
    for candidate in (text, text + " " + suffix, text + suffix):
        if TEASER.search(candidate):
            assert tc.ends_like(TEASER_ENDING, candidate)


@pytest.mark.parametrize(
    "pattern,last",
    [(r"\s+(AB|CD?)$", "BCD"), (r"x[yz]$", "yz"), (r"x\b$", "x"), (r"x.*$", None), (r"xy", None), (r"x?$", None)],
)
def test_ending_reads_the_last_character(pattern, last):
    ending = tc._ending(re.compile(pattern))
    if last is None:
        assert ending is None
    else:
        assert sorted(c for c in "ABCDXYZxyz" if ending.fullmatch(c)) == sorted(last)
