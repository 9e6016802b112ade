"""Rewrite variant spellings to canonical ones, recording every change so it can be undone.

Offsets in a `Change` are offsets into the text as published. The text as published is never
modified; `Normalized.text` is a new string, and `undo` gives the original back from it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from tasks.normalise.lexicon import (
    APOSTROPHES,
    DASHES,
    PROTECTED_MARKS,
    Form,
    Lexicon,
    beside_canonical,
    key,
)

_WORD = re.compile(r"\S+")


@dataclass(frozen=True, order=True)
class Change:
    start: int  # offset of `original` in the published text
    end: int
    original: str
    replacement: str
    rule: str  # lexicon entry id


@dataclass(frozen=True)
class Kept:
    """A variant left as published, and why (for `explain`)."""

    start: int
    end: int
    text: str
    rule: str  # lexicon entry, or "protected" for links, addresses, handles and hashtags
    reason: str  # exception | namesake | history | mention | protected


@dataclass
class Normalized:
    text: str
    changes: list[Change] = field(default_factory=list)
    kept: list[Kept] = field(default_factory=list)

    @property
    def rules(self) -> list[str]:
        """Lexicon entries that fired, in order of first use."""
        return list(dict.fromkeys(c.rule for c in self.changes))


def match_case(published: str, canonical: str) -> str:
    """Write `canonical` in the case `published` was written in (KIEV -> KYIV, kiev -> kyiv)."""
    if published.isupper() and sum(ch.isalpha() for ch in published) > 1:
        return canonical.upper()
    if published.islower():
        return canonical.lower()
    return canonical


def _changes_for(text: str, start: int, end: int, form: Form) -> Iterator[Change]:
    """One change per word that differs, so "Vladimir Zelensky" only changes "Vladimir"."""
    published = text[start:end]
    words = list(_WORD.finditer(published))
    canonical_words = form.canonical.split(" ")
    if len(words) == len(canonical_words):
        for word, canon in zip(words, canonical_words):
            if key(word.group()) != key(canon):
                yield Change(
                    start + word.start(),
                    start + word.end(),
                    word.group(),
                    match_case(word.group(), canon),
                    form.rule,
                )
    else:
        yield Change(start, end, published, match_case(published, form.canonical), form.rule)


# Characters that end a link or handle: whitespace, brackets and quotes ("[Kiev](https://...)").
_TOKEN_END = frozenset("()[]<>{}\"“”‘’«»|")


def _in_token(ch: str) -> bool:
    return not ch.isspace() and ch not in _TOKEN_END


def protected_spans(text: str) -> list[tuple[int, int]]:
    """Spans of tokens that are links, addresses, handles or hashtags (sorted, non-overlapping)."""
    spans: list[tuple[int, int]] = []
    for mark in PROTECTED_MARKS.finditer(text):
        if spans and mark.start() < spans[-1][1]:
            continue
        start = mark.start()
        while start > 0 and _in_token(text[start - 1]):
            start -= 1
        end = mark.end()
        while end < len(text) and _in_token(text[end]):
            end += 1
        spans.append((start, end))
    return spans


_WINDOW = 80  # characters looked at around a match for a cue


def _is_namesake(lexicon: Lexicon, text: str, start: int) -> bool:
    """True when a given name, an initial or an honorific stands right before `start`."""
    return lexicon.person_prefix.search(text, max(0, start - _WINDOW), start) is not None


# A name followed by a possessive or a hyphenated word is in use, not named: "known as Kiev's",
# "formerly Kiev-based".
_IN_USE = re.compile(f"[{APOSTROPHES}]s(?!\\w)|[{DASHES}]\\w", re.IGNORECASE)


def _is_mention(lexicon: Lexicon, text: str, start: int, end: int, form: Form) -> bool:
    """True when the variant is named as a word ("formerly Kirovograd", "Kyiv (Kiev)")."""
    if _IN_USE.match(text, end):
        return False
    lo = max(0, start - _WINDOW)
    if lexicon.mention_before.search(text, lo, start) or lexicon.mention_after.match(text, end):
        return True
    before, after = beside_canonical(form.canonical)
    return bool(before.search(text, lo, start) or after.match(text, end, end + _WINDOW))


def scan(lexicon: Lexicon, text: str) -> Normalized:
    """Find every variant and exception in `text` (one pass of the compiled matcher)."""
    changes: list[Change] = []
    kept: list[Kept] = []
    protected = protected_spans(text)
    lowered = text.lower()
    if len(lowered) == len(text):  # faster than a case-insensitive match, same offsets
        matches = lexicon.pattern.finditer(lowered)
    else:
        matches = lexicon.pattern_ignorecase.finditer(text)
    i = 0  # index of the first protected span that does not end before the current match
    for m in matches:
        start, end = m.span()
        published = text[start:end]
        while i < len(protected) and protected[i][1] <= start:
            i += 1
        if i < len(protected) and protected[i][0] < end:
            kept.append(Kept(start, end, published, "protected", "protected"))
            continue
        k = key(published)
        rule = lexicon.exceptions.get(k)
        if rule is not None:
            kept.append(Kept(start, end, published, rule, "exception"))
            continue
        form = lexicon.forms.get(k)
        if k in lexicon.context_forms and lexicon.oblast_word.match(text, end):
            form = lexicon.context_forms[k]
        if form is None:
            continue  # a spelling replaced only before an oblast word, and there is none
        if k in lexicon.namesakes and _is_namesake(lexicon, text, start):
            kept.append(Kept(start, end, published, form.rule, "namesake"))
            continue
        if form.rule in lexicon.renamed and lexicon.rename_before.search(
            text, max(0, start - _WINDOW), start
        ):
            former = lexicon.renamed[form.rule]
            if former and key(former) != k:  # the old name, in its Ukrainian spelling
                changes.extend(_changes_for(text, start, end, Form(form.variant, former, form.rule)))
            else:
                kept.append(Kept(start, end, published, form.rule, "history"))
            continue
        if _is_mention(lexicon, text, start, end, form):
            kept.append(Kept(start, end, published, form.rule, "mention"))
            continue
        changes.extend(_changes_for(text, start, end, form))
    return Normalized(apply(text, changes), changes, kept)


def apply(text: str, changes: Sequence[Change]) -> str:
    """Write each change's replacement over its span of the published text."""
    if not changes:
        return text
    pieces: list[str] = []
    pos = 0
    for c in changes:
        pieces.append(text[pos : c.start])
        pieces.append(c.replacement)
        pos = c.end
    pieces.append(text[pos:])
    return "".join(pieces)


def undo(normalized: str, changes: Sequence[Change]) -> str:
    """Give back the published text from the normalised one and its changes."""
    pieces: list[str] = []
    pos = 0
    ordered = sorted(changes)
    for change, (n_start, n_end, _, _) in zip(ordered, _segments(ordered, to_published=True)):
        pieces.append(normalized[pos:n_start])
        pieces.append(change.original)
        pos = n_end
    pieces.append(normalized[pos:])
    return "".join(pieces)


def _parts(change: Change | Mapping[str, Any]) -> tuple[int, int, int]:
    """(start, end, replacement length) of a Change or of a normalizations row."""
    if isinstance(change, Mapping):
        return int(change["start"]), int(change["end"]), len(change["replacement"])
    return change.start, change.end, len(change.replacement)


def _segments(
    changes: Sequence[Change | Mapping[str, Any]], to_published: bool
) -> Iterator[tuple[int, int, int, int]]:
    """(source start, source end, target start, target end) of each change, in either direction."""
    shift = 0
    for start, end, replacement_len in sorted(map(_parts, changes)):
        n_start = start + shift
        n_end = n_start + replacement_len
        shift += replacement_len - (end - start)
        if to_published:
            yield n_start, n_end, start, end
        else:
            yield start, end, n_start, n_end


def _map_point(segments: Iterator[tuple[int, int, int, int]], pos: int, is_end: bool) -> int:
    """Map an offset; an offset inside a changed word snaps outwards to cover the whole word."""
    offset = 0
    for s0, s1, d0, d1 in segments:
        if pos < s0 or (is_end and pos == s0):
            return pos + offset
        if pos < s1 or (is_end and pos == s1):
            return d1 if is_end else d0
        offset = d1 - s1
    return pos + offset


def _map_span(
    changes: Sequence[Change | Mapping[str, Any]], start: int, end: int, to_published: bool
) -> tuple[int, int]:
    if start > end:
        raise ValueError(f"span start {start} is after its end {end}")
    new_start = _map_point(_segments(changes, to_published), start, is_end=False)
    if start == end:
        return new_start, new_start
    return new_start, _map_point(_segments(changes, to_published), end, is_end=True)


def published_span(
    changes: Sequence[Change | Mapping[str, Any]], start: int, end: int
) -> tuple[int, int]:
    """The span of the published text that became normalised text [start, end).

    `changes` are `Change`s or rows of the normalizations table (one field's rows).
    A span that starts or ends inside a replaced word grows to cover the whole original word.
    """
    return _map_span(changes, start, end, to_published=True)


def normalized_span(
    changes: Sequence[Change | Mapping[str, Any]], start: int, end: int
) -> tuple[int, int]:
    """The span of the normalised text that published text [start, end) became."""
    return _map_span(changes, start, end, to_published=False)
