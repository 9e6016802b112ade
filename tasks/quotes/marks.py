"""Find quoted spans by pairing quote marks, whatever glyphs the outlet (or its CMS) used.

Glyphs lie: outlets mix “curly” and "straight" marks in one quote, and ’ is both a closing mark
and an apostrophe. So a mark's role comes from what flanks it (space before: opens; space or
punctuation after: closes), and the glyph only breaks ties. Double marks are paired first; single
marks only count outside double-quoted text, so apostrophes inside a quote never matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DOUBLE_OPEN = "“„«‟"
DOUBLE_CLOSE = "”»"
DOUBLE_ANY = "\""
SINGLE_OPEN = "‘‚‹"
SINGLE_CLOSE = "’›"
SINGLE_ANY = "'"

# What may stand right before an opening mark, or right after a closing one.
_OPEN_PREV = set(" \t\n\u00a0([{—–-/:;,") | set(DOUBLE_OPEN + SINGLE_OPEN + DOUBLE_ANY + SINGLE_ANY)
_CLOSE_NEXT = (
    set(" \t\n\u00a0.,;:!?)]}—–-…/")
    | set(DOUBLE_CLOSE + SINGLE_CLOSE + DOUBLE_ANY + SINGLE_ANY)
)
_TERMINAL = ".!?…"
# Two apostrophes (or backticks) used as one double mark: ''like this''.
_DOUBLED = re.compile(r"''|’’|``|‘‘")
_PARA_BREAK = re.compile(r"\n\s*")
# Longest quote we believe; anything longer is a pairing error.
MAX_PARAGRAPHS = 6


@dataclass(frozen=True)
class Mark:
    pos: int
    size: int
    family: str  # "double" | "single"
    can_open: bool
    can_close: bool


@dataclass
class QuoteSpan:
    """One quote: marks at [open_start, open_end) and [close_start, close_end); words in between."""

    open_start: int
    open_end: int
    close_start: int
    close_end: int
    family: str
    closed: bool = True  # False when the paragraph ended before a closing mark

    @property
    def inner(self) -> tuple[int, int]:
        return self.open_end, self.close_start


def _paragraph_starts(text: str) -> list[int]:
    starts = [0]
    for m in _PARA_BREAK.finditer(text):
        if "\n" in m.group(0):
            starts.append(m.end())
    return starts


def _flank(text: str, pos: int, size: int) -> tuple[bool, bool]:
    prev = text[pos - 1] if pos > 0 else "\n"
    nxt = text[pos + size] if pos + size < len(text) else "\n"
    can_open = (prev in _OPEN_PREV) and not nxt.isspace()
    can_close = (not prev.isspace()) and (nxt in _CLOSE_NEXT)
    ch = text[pos]
    # French typography puts a (thin, non-breaking) space inside guillemets: « comme ça ».
    if ch == "«" and prev in _OPEN_PREV and nxt in " \u00a0\u202f\u2009":
        can_open = True
    if ch == "»" and prev in " \u00a0\u202f\u2009" and nxt in _CLOSE_NEXT:
        can_close = True
    return can_open, can_close


_MARK_CHAR = re.compile(
    "[" + re.escape(DOUBLE_OPEN + DOUBLE_CLOSE + DOUBLE_ANY + SINGLE_OPEN + SINGLE_CLOSE + SINGLE_ANY) + "]"
)


def scan_marks(text: str) -> list[Mark]:
    """Every character that may be a quote mark, with what its neighbours allow it to do."""
    marks: list[Mark] = []
    taken: set[int] = set()
    for m in _DOUBLED.finditer(text):
        # ''doubled'' only when not an apostrophe pair inside a word (rare) and flanked like a mark
        can_open, can_close = _flank(text, m.start(), 2)
        if m.group(0) in ("``", "‘‘"):
            can_close = False
        if can_open or can_close:
            marks.append(Mark(m.start(), 2, "double", can_open, can_close))
            taken.update((m.start(), m.start() + 1))
    for m in _MARK_CHAR.finditer(text):
        i, ch = m.start(), m.group(0)
        if i in taken:
            continue
        if ch in DOUBLE_OPEN or ch in DOUBLE_CLOSE or ch in DOUBLE_ANY:
            can_open, can_close = _flank(text, i, 1)
            if can_open and can_close:  # attached on both sides' terms: let the glyph decide
                can_open, can_close = ch not in DOUBLE_CLOSE, ch not in DOUBLE_OPEN
            elif not (can_open or can_close):  # word"word: glyph or nothing
                can_open, can_close = ch in DOUBLE_OPEN + DOUBLE_ANY, ch in DOUBLE_CLOSE + DOUBLE_ANY
            marks.append(Mark(i, 1, "double", can_open, can_close))
        elif ch in SINGLE_OPEN or ch in SINGLE_CLOSE or ch in SINGLE_ANY:
            if _is_apostrophe(text, i):
                continue
            can_open, can_close = _flank(text, i, 1)
            if ch in SINGLE_CLOSE and can_open and not can_close:
                # ’ opening a word after a space is an elision ('em, ’90s) more often than a quote
                can_open = True
            if can_open or can_close:
                marks.append(Mark(i, 1, "single", can_open, can_close))
    marks.sort(key=lambda k: k.pos)
    return marks


def _is_apostrophe(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if prev.isalnum() and nxt.isalnum():  # don't, Kyiv's, rock'n'roll
        return True
    if nxt.isdigit() and not prev.isalnum():  # '90s, ’22
        return True
    return False


def _pair(text: str, marks: list[Mark], para_starts: list[int], family: str) -> list[QuoteSpan]:
    """Pair one family's marks, letting a quote run on into a paragraph that reopens it."""
    import bisect

    def para_of(pos: int) -> int:
        return bisect.bisect_right(para_starts, pos) - 1

    def para_end(idx: int) -> int:
        stop = para_starts[idx + 1] if idx + 1 < len(para_starts) else len(text)
        return len(text[:stop].rstrip())

    spans: list[QuoteSpan] = []
    opener: Mark | None = None
    depth = 0
    open_para = 0
    i = 0
    while i < len(marks):
        mark = marks[i]
        para = para_of(mark.pos)
        if opener is not None and para != open_para:
            first_in_para = mark.pos == para_starts[para] and mark.can_open
            closes_first = mark.can_close and not mark.can_open
            if family == "single":
                closes_first = False  # a stray ’ is too often an apostrophe to carry a quote on
            if para == open_para + 1 and para - para_of(opener.pos) < MAX_PARAGRAPHS and (
                first_in_para or closes_first
            ):
                open_para = para
                if first_in_para:  # the continuation mark of a multi-paragraph quote
                    i += 1
                    continue
            else:
                end = para_end(open_para)
                if family == "double" and end > opener.pos + opener.size:
                    spans.append(QuoteSpan(opener.pos, opener.pos + opener.size, end, end, family, False))
                opener, depth = None, 0
        if opener is None:
            if mark.can_open:
                opener, depth, open_para = mark, 1, para
        elif mark.can_close and (not mark.can_open or depth == 1 or _closes_here(text, mark)):
            if family == "single" and _looks_possessive(text, mark, marks[i + 1 :], para_starts, para):
                i += 1
                continue
            depth -= 1
            if depth == 0:
                spans.append(
                    QuoteSpan(opener.pos, opener.pos + opener.size, mark.pos, mark.pos + mark.size, family)
                )
                opener = None
        elif mark.can_open:
            depth += 1  # nested quote of the same family
        i += 1
    if opener is not None:
        end = para_end(open_para)
        if family == "double" and end > opener.pos + opener.size:
            spans.append(QuoteSpan(opener.pos, opener.pos + opener.size, end, end, family, False))
    return spans


def _closes_here(text: str, mark: Mark) -> bool:
    nxt = text[mark.pos + mark.size] if mark.pos + mark.size < len(text) else "\n"
    return nxt.isspace() or nxt in ".,;:!?"


def _looks_possessive(
    text: str, mark: Mark, later: list[Mark], para_starts: list[int], para: int
) -> bool:
    """`the Ukrainians' land`: a plural possessive, if a real closing mark follows in the paragraph."""
    if mark.pos == 0 or text[mark.pos - 1] not in "sS":
        return False
    after = text[mark.pos + 1 : mark.pos + 3]
    if not (len(after) == 2 and after[0] == " " and after[1].islower()):
        return False
    limit = para_starts[para + 1] if para + 1 < len(para_starts) else len(text)
    return any(m.can_close and m.pos < limit for m in later)


def find_quotes(text: str) -> list[QuoteSpan]:
    """Top-level quoted spans of `text`, in order; quotes nested inside another are left out."""
    para_starts = _paragraph_starts(text)
    marks = scan_marks(text)
    doubles = _pair(text, [m for m in marks if m.family == "double"], para_starts, "double")

    def inside_double(pos: int) -> bool:
        return any(q.open_start <= pos < q.close_end for q in doubles)

    singles = _pair(
        text, [m for m in marks if m.family == "single" and not inside_double(m.pos)], para_starts, "single"
    )
    # 'n' in rock 'n' roll, 'em: elisions, not quotes
    singles = [s for s in singles if sum(c.isalnum() for c in text[s.open_end : s.close_start]) >= 2]
    # British style: 'He said "no",' – the double quote is nested in the single one.
    doubles = [
        d for d in doubles if not any(s.open_start < d.open_start and d.close_end <= s.close_end for s in singles)
    ]
    return sorted(doubles + singles, key=lambda q: q.open_start)
