"""Boilerplate removal for plain-text dumps of news pages, line by line.

trafilatura needs the DOM and returns nothing for plain text, so this follows jusText instead:
each line gets a class from cheap features (length, stopword density, end punctuation, link
share) and from furniture patterns in patterns.yaml; short lines then take their neighbours'
class; the header above the body gives the title, standfirst, byline and date; a reader-comment
thread below it becomes comment rows. Everything is regexes compiled once, so a page costs
well under a millisecond.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import yaml

from tasks.extract.dates import find_date, not_future
from tasks.memo import bounded_memo

HERE = Path(__file__).parent

BODY, TITLE, META, FURNITURE, COMMENT, BLANK = "body", "title", "meta", "furniture", "comment", "blank"


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


# --- anchored alternations, split by first character ----------------------------------------
#
# A big alternation anchored at the start of the line (furniture_line, furniture_prefix, ...)
# tries every alternative at position 0, though most cannot start with the line's first
# character, and some scan the line for a separator it does not contain. What can start a match
# and what literal a match must contain are read once from the parsed pattern (re._parser, the
# parser re.compile itself uses); anything not understood there counts as "anything", so an
# alternative is only left out when it cannot match.

try:
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover - another Python: no splitting, same results
    _sre = _sre_parse = None  # type: ignore[assignment]

_CATEGORIES = {
    "CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W",
}


def _first_of_sequence(items: Any, backwards: bool = False) -> tuple[list[str], bool] | None:
    """(one-character regexes, one of which matches the first character of any match; whether
    the sequence can match the empty string), or None when unknown. Backwards: the last
    character instead of the first."""
    firsts: list[str] = []
    for op, av in reversed(items) if backwards else items:
        found = _first_of_item(op, av, backwards)
        if found is None:
            return None
        firsts += found[0]
        if not found[1]:
            return firsts, False
    return firsts, True


def _first_of_item(op: Any, av: Any, backwards: bool = False) -> tuple[list[str], bool] | None:
    c = _sre
    if op is c.LITERAL:
        return [re.escape(chr(av))], False
    if op is c.NOT_LITERAL:
        return ["[^" + re.escape(chr(av)) + "]"], False
    if op is c.IN:
        parts, negate = [], False
        for o, a in av:
            if o is c.NEGATE:
                negate = True
            elif o is c.LITERAL:
                parts.append(re.escape(chr(a)))
            elif o is c.RANGE:
                parts.append(re.escape(chr(a[0])) + "-" + re.escape(chr(a[1])))
            elif o is c.CATEGORY and str(a) in _CATEGORIES:
                parts.append(_CATEGORIES[str(a)])
            else:
                return None
        return ["[" + ("^" if negate else "") + "".join(parts) + "]"], False
    if op is c.BRANCH:
        firsts, empty = [], False
        for alternative in av[1]:
            found = _first_of_sequence(alternative.data, backwards)
            if found is None:
                return None
            firsts += found[0]
            empty = empty or found[1]
        return firsts, empty
    if op is c.SUBPATTERN:
        _, add_flags, del_flags, sub = av
        return None if add_flags or del_flags else _first_of_sequence(sub.data, backwards)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, c.POSSESSIVE_REPEAT):
        low, _, sub = av
        found = _first_of_sequence(sub.data, backwards)
        return None if found is None else (found[0], low == 0 or found[1])
    if op in (c.AT, c.ASSERT, c.ASSERT_NOT):
        return [], True  # zero width (a lookaround only narrows what follows)
    return None


def _required_literal(items: Any, flags: int) -> str:
    """The longest run of literal characters every match contains ("" when none is found).
    Case-insensitive patterns only offer runs of caseless characters (" / ", ": ")."""
    best, run = "", ""
    for op, av in list(items) + [(None, None)]:
        if _sre is not None and op is _sre.LITERAL and (
            not flags & re.IGNORECASE or chr(av).lower() == chr(av).upper() == chr(av)
        ):
            run += chr(av)
            continue
        best = max(best, run, key=len)
        run = ""
        inner = ""
        if op is _sre.SUBPATTERN and not av[1] and not av[2]:
            inner = _required_literal(av[3].data, flags)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            inner = _required_literal(av[2].data, flags)
        best = max(best, inner, key=len)
    return best


@dataclass(frozen=True)
class _Shape:
    firsts: tuple[str, ...] | None  # what can start a match (None: anything)
    needs: str  # a literal every match contains ("" when none)


def _shape(pattern: str, flags: int) -> _Shape:
    if _sre_parse is None:
        return _Shape(None, "")
    try:
        items = _sre_parse.parse(pattern, flags).data
        found = _first_of_sequence(items)
        needs = _required_literal(items, flags)
    except Exception:  # pragma: no cover - a parser that changed: no splitting
        return _Shape(None, "")
    if found is None or found[1]:  # unknown, or the pattern can match the empty string
        return _Shape(None, needs)
    return _Shape(tuple(found[0]), needs)


def _ending(pattern: re.Pattern) -> re.Pattern | None:
    """For a pattern whose matches all end at the end of the text (it ends with "$"), a pattern
    for one character that the last character of any match matches; None when unknown."""
    if _sre_parse is None or pattern.flags & re.MULTILINE:
        return None
    try:
        items = list(_sre_parse.parse(pattern.pattern, pattern.flags).data)
        if not items or items[-1] != (_sre.AT, _sre.AT_END):
            return None
        found = _first_of_sequence(items[:-1], backwards=True)
    except Exception:  # pragma: no cover - a parser that changed: no test
        return None
    if found is None or found[1]:
        return None
    return re.compile("|".join(found[0]), pattern.flags)


def ends_like(ending: re.Pattern | None, text: str) -> bool:
    """False when `text` cannot hold a match of the pattern `ending` came from (see _ending)."""
    # "$" also matches before a final newline: then the text's last character says nothing.
    return ending is None or not text or text[-1] == "\n" or ending.fullmatch(text[-1]) is not None


class AnchoredAlternation:
    """`(?:A|B|...)tail` compiled with `flags`, asked only whether it matches at the start of a
    text (`match`) or all of it (`fullmatch`). Each text runs a pattern of just the
    alternatives that can start with its first character and whose required literal it
    contains (the answer is the same: an alternative left out cannot match); those patterns
    are compiled on first use, per first character and set of literals present."""

    _MAX_VARIANTS = 2048

    def __init__(self, alternatives: list[str], tail: str = "", flags: int = 0) -> None:
        self.pattern = re.compile(f"(?:{_alternation(alternatives)}){tail}", flags)
        self._alternatives = list(alternatives)
        self._tail = tail
        self._flags = flags
        self._shapes = [_shape(f"(?:{a}){tail}", flags) for a in alternatives]
        self._starts = [  # what can start each alternative, as one pattern (None: anything)
            None if shape.firsts is None else re.compile("|".join(shape.firsts), flags) for shape in self._shapes
        ]
        self._needles = tuple(sorted({s.needs for s in self._shapes if s.needs}))
        self._variants: dict[Any, re.Pattern | None] = {}
        self._compiled: dict[tuple[int, ...], re.Pattern | None] = {}

    def _variant(self, text: str) -> re.Pattern | None:
        first = text[0]
        key: Any = (first, tuple(map(text.__contains__, self._needles))) if self._needles else first
        try:
            return self._variants[key]
        except KeyError:
            pass
        present = {n for n in self._needles if n in text}
        keep = tuple(
            i
            for i, (shape, start) in enumerate(zip(self._shapes, self._starts))
            if (start is None or start.fullmatch(first)) and (not shape.needs or shape.needs in present)
        )
        if keep not in self._compiled:
            self._compiled[keep] = (
                re.compile(f"(?:{_alternation([self._alternatives[i] for i in keep])}){self._tail}", self._flags)
                if keep
                else None
            )
        if len(self._variants) < self._MAX_VARIANTS:
            self._variants[key] = self._compiled[keep]
        return self._compiled[keep]

    def match(self, text: str) -> bool:
        if not text:
            return self.pattern.match(text) is not None
        variant = self._variant(text)
        return variant is not None and variant.match(text) is not None

    def fullmatch(self, text: str) -> bool:
        if not text:
            return self.pattern.fullmatch(text) is not None
        variant = self._variant(text)
        return variant is not None and variant.fullmatch(text) is not None


@dataclass(frozen=True)
class Rules:
    """Compiled patterns and word lists; built once per process from the YAML files."""

    stopwords: frozenset[str]
    furniture_line: re.Pattern
    furniture_prefix: re.Pattern
    furniture_line_split: AnchoredAlternation  # the same two patterns, split by first character
    furniture_prefix_split: AnchoredAlternation
    furniture_contains: list[tuple[frozenset[str], tuple[str, ...], re.Pattern]]  # (word gates, other gates, regex)
    furniture_contains_max_words: int
    contains_rules_by_word: dict[str, tuple[int, ...]]  # gate word -> furniture_contains indexes
    contains_rules_by_string: tuple[tuple[str, tuple[int, ...]], ...]  # other gate -> indexes
    caption_credit: re.Pattern
    caption_follower: re.Pattern
    speaker_tag: re.Pattern
    entry_time: re.Pattern
    clip_length: re.Pattern
    dateline_no_year: re.Pattern
    lead_in: re.Pattern
    byline_located: re.Pattern
    agency_credit: re.Pattern
    outlet_names: list[str]
    outlet_suffixes: tuple[str, ...]  # " " + lower-cased name, in the order of outlet_names
    outlet_names_lower: frozenset[str]
    teaser_suffix: re.Pattern
    teaser_ending: re.Pattern | None  # what a teaser suffix ends with (see _ending)
    player_line: re.Pattern
    byline: list[re.Pattern]
    byline_stopwords: frozenset[str]
    comment_header: re.Pattern
    comment_time_line: re.Pattern
    comment_end_line: re.Pattern
    comment_says: re.Pattern
    comment_section_start: re.Pattern
    date_label_prefix: re.Pattern
    outlet_needles: list[tuple[str, str, bool, str]]  # (outlet, needle, case-insensitive, first word)
    outlet_generic: list[re.Pattern]
    # outlet_needles indexes by first word: (case-sensitive, case-insensitive) dicts, and the
    # needles without a first word (always tried)
    outlet_needles_by_word: tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]
    outlet_needles_always: tuple[int, ...]


def _contains_rule(rule: dict) -> tuple[frozenset[str], tuple[str, ...], re.Pattern]:
    """A gate with a word is tested by its longest word against the line's word set, others
    (punctuation only) as substrings."""
    words, others = set(), []
    for gate in map(str, rule["if"]):
        tokens = _WORD.findall(gate.lower())
        if tokens:
            words.add(max(tokens, key=len))
        else:
            others.append(gate)
    return frozenset(words), tuple(others), re.compile(rule["re"])


_WORD_CHARS = re.compile(r"\w+")


def _first_word(needle: str) -> str:
    """The needle's leading run of word characters ("" when it starts with another character)."""
    m = _WORD_CHARS.match(needle)
    return m.group() if m else ""


def _rules_by_gate(contains: list[tuple], part: int) -> dict[str, tuple[int, ...]]:
    """Which furniture_contains rules each gate opens (part 0: gate words, 1: other gates)."""
    index: dict[str, list[int]] = {}
    for i, rule in enumerate(contains):
        for gate in rule[part]:
            index.setdefault(gate, []).append(i)
    return {gate: tuple(ids) for gate, ids in index.items()}


def call_to_action(low: str, tokens: Iterable[str], r: Rules) -> bool:
    """A furniture_contains rule fires on the lower-cased line: only the rules whose gate opens
    (one of their words is among the line's words, or another gate is in the line) run their
    regex, found through the gate index instead of trying every rule."""
    opened: set[int] = set()
    for word in r.contains_rules_by_word.keys() & tokens:
        opened.update(r.contains_rules_by_word[word])
    for gate, ids in r.contains_rules_by_string:
        if gate in low:
            opened.update(ids)
    return any(r.furniture_contains[i][2].search(low) for i in opened)


@lru_cache(maxsize=1)
def rules() -> Rules:
    import justext

    p = yaml.safe_load((HERE / "patterns.yaml").read_text(encoding="utf-8"))
    o = yaml.safe_load((HERE / "outlets.yaml").read_text(encoding="utf-8"))
    stop: set[str] = set()
    for lang in p["stoplist_languages"]:
        try:
            stop |= {w.lower() for w in justext.get_stoplist(lang)}
        except ValueError:
            continue
    contains = [_contains_rule(rule) for rule in p["furniture_contains"]]
    ctime = p["comment_time"]
    outlet_names = sorted(o["outlets"], key=len, reverse=True)
    furniture_line_tail = r"[\s.:!|>»›…-]*"
    needles = [
        (name, str(n).lower() if str(n).islower() else str(n), str(n).islower(), _first_word(str(n)))
        for name, ns in o["outlets"].items()
        for n in ns
    ]
    by_word: tuple[dict[str, list[int]], dict[str, list[int]]] = ({}, {})
    for i, (_, _, fold, first) in enumerate(needles):
        if first:
            by_word[fold].setdefault(first, []).append(i)
    tail = p["comment_header_tail"]
    return Rules(
        stopwords=frozenset(stop),
        furniture_line=re.compile(f"(?:{_alternation(p['furniture_line'])}){furniture_line_tail}", re.I),
        furniture_prefix=re.compile(_alternation(p["furniture_prefix"]), re.I),
        furniture_line_split=AnchoredAlternation(p["furniture_line"], furniture_line_tail, re.I),
        furniture_prefix_split=AnchoredAlternation(p["furniture_prefix"], "", re.I),
        furniture_contains=contains,
        contains_rules_by_word=_rules_by_gate(contains, 0),
        contains_rules_by_string=tuple(_rules_by_gate(contains, 1).items()),
        furniture_contains_max_words=int(p["furniture_contains_max_words"]),
        caption_credit=re.compile(_alternation(p["caption_credit"])),
        caption_follower=re.compile(_alternation(p["caption_follower"]), re.I),
        speaker_tag=re.compile(p["speaker_tag"]),
        entry_time=re.compile(_alternation(p["entry_time"]), re.I),
        clip_length=re.compile(p["clip_length"], re.I),
        dateline_no_year=re.compile(p["dateline_no_year"], re.I),
        lead_in=re.compile(p["lead_in"], re.I),
        byline_located=re.compile(p["byline_located"]),
        agency_credit=re.compile(p["agency_credit"], re.I),
        outlet_names=outlet_names,
        outlet_suffixes=tuple(" " + name.lower() for name in outlet_names),
        outlet_names_lower=frozenset(name.lower() for name in outlet_names),
        teaser_suffix=re.compile(p["teaser_suffix"]),
        teaser_ending=_ending(re.compile(p["teaser_suffix"])),
        player_line=re.compile(_alternation(p["player_line"]), re.I),
        byline=[re.compile(b, re.I) for b in p["byline"]],
        byline_stopwords=frozenset(w.lower() for w in p["byline_stopwords"]),
        comment_header=re.compile(
            rf"(?P<author>[^\W\d_][^\n]{{0,48}}?)\s*[•·|,–—-]?\s*(?:\bposted\s+|\bon\s+)?(?P<time>{ctime}){tail}",
            re.I,
        ),
        comment_time_line=re.compile(rf"(?:\bposted\s+|\bon\s+)?(?P<time>{ctime}){tail}", re.I),
        comment_end_line=re.compile(_alternation(p["comment_end_line"]), re.I),
        comment_says=re.compile(p["comment_says"] + "$", re.I),
        comment_section_start=re.compile(_alternation(p["comment_section_start"]), re.I),
        date_label_prefix=re.compile(rf"\s*(?:{p['date_label']})\s*", re.I),
        outlet_needles=needles,
        outlet_generic=[re.compile(g) for g in o["generic"]],
        outlet_needles_by_word=tuple({w: tuple(ids) for w, ids in d.items()} for d in by_word),  # type: ignore[arg-type]
        outlet_needles_always=tuple(i for i, n in enumerate(needles) if not n[3]),
    )


# --- line normalisation -------------------------------------------------------------------

_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]*)\]\((?:[^()]|\([^)]*\))*\)")
_BULLET = re.compile(r"^(?:[-*+•·▪►▸‣◦]|\d{1,2}[.)])\s+")
_BLOCKQUOTE = re.compile(r"^(?:>\s?)+")
_HEADING = re.compile(r"^(#{1,6})\s+")
_MD_EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__|\*|_)(?=\S)(.+?)(?<=\S)\1(?![\w*])")
_LYNX_REF = re.compile(r"\[\d{1,4}\]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
# What makes _SPACES.sub change a line: a space other than " ", or two in a row.
_ODD_SPACE = re.compile(r"[\t\u00a0\u2000-\u200a\u202f\u205f\u3000]|  ")
_BULLET_MARKS = "-*+•·▪►▸‣◦"  # _BULLET's first characters besides digits (\d: str.isdecimal)
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
# The same words on a line whose only non-ASCII characters are typographic punctuation (most
# English lines): an ASCII letter class is about twice as fast as the Unicode one.
_ASCII_WORD = re.compile(r"[a-zA-Z]+(?:['’][a-zA-Z]+)*")
_BEYOND_ASCII_PUNCTUATION = re.compile(r"[^\x00-\x7f“”‘’«»—–…·•]")
# A line ends a sentence when its last character before any closing quotes or brackets is end
# punctuation, or when it ends with a closing quote.
_SENTENCE_END = ".!?…:;。！？"
_CLOSERS = "\"'”’»)]"
_END_QUOTES = ("”", "»", '"')
_MEDIA_TAG = re.compile(r"\((?:VIDEO|PHOTOS?|LIVE|WATCH)\)")
_CAPTIONISH = re.compile(r"[/(©]|photo|foto|image|picture")
_UPPER_START = re.compile(r"^[\"'“‘«(\[]?[^\W\d_]")


_UNSET_FIELD = object()


@dataclass(slots=True, init=False)
class Line:
    """One input line with the features the classifier reads."""

    index: int
    raw: str
    text: str
    label: str  # BLANK for an empty line, FURNITURE until classified
    kind: str  # finer class: good, near, short, or the rule that fired
    words: int
    stop_density: float
    link_share: float
    terminal: bool
    starts_lower: bool
    is_list: bool
    heading: int  # markdown heading level (1 for "# "), 0 when not a heading
    raw_lines: list[str]  # input lines joined into this one
    low: str  # text.lower(), for the patterns matched without re.I
    date: Any  # memo of _date_line
    word_list: tuple[str, ...]  # lower-cased words in order (for pull-quote trigrams)
    letter_share: float  # letters / characters: prose is mostly letters, junk is not

    def __init__(
        self,
        index: int,
        raw: str,
        text: str,
        raw_lines: list[str],
        link_share: float = 0.0,
        is_list: bool = False,
        heading: int = 0,
        features: tuple | None = None,  # _text_features(text); None for a line without text
    ) -> None:
        # Every field set once, here (a page has about a hundred lines).
        self.index, self.raw, self.text, self.raw_lines = index, raw, text, raw_lines
        self.link_share, self.is_list, self.heading = link_share, is_list, heading
        self.kind, self.date = "", _UNSET_FIELD
        if features is None:
            self.label, self.low, self.word_list, self.words, self.stop_density = BLANK, "", (), 0, 0.0
            self.terminal = self.starts_lower = False
            self.letter_share = 0.0
        else:
            self.label = FURNITURE
            (self.low, self.word_list, self.words, self.stop_density, self.terminal, self.starts_lower,
             self.letter_share) = features


# Menus, footers and share bars repeat within a page and across pages of a site: what depends
# only on a line's text is computed once per process. The bound keeps a worker's memory flat
# over any corpus: furniture recurs within a few hundred pages, while article lines never repeat
# (100,000 entries held ~150 MB per worker and ran no faster).
LINE_CACHE_SIZE = 20_000



def _normalise(raw: str) -> tuple[str, float, bool, int]:
    """Plain text of one dump line: markdown links, images, emphasis and entities undone."""
    s = _INVISIBLE.sub("", raw) if not raw.isascii() else raw
    if "&" in s and ";" in s:
        s = html.unescape(s)
    if "![" in s:
        s = _MD_IMAGE.sub(" ", s)
    s = s.lstrip()
    if s.startswith(">"):
        s = _BLOCKQUOTE.sub("", s)  # markdown blockquote: a pull quote or quoted passage
    level = 0
    if s.startswith("#"):
        heading = _HEADING.match(s)
        if heading:
            level = len(heading.group(1))
            s = s[heading.end() :]
    if "*" in s or "_" in s:
        s = _MD_EMPHASIS.sub(r"\2", s)
    link_chars = 0
    if "](" in s:
        link_chars = sum(len(m.group(1)) for m in _MD_LINK.finditer(s))
        s = _MD_LINK.sub(r"\1", s)
    if "[" in s and _LYNX_REF.search(s):
        # lynx/w3m numbered links: "[3]World [4]U.S." - a line of little else is a link list
        refs = len(_LYNX_REF.findall(s))
        s = _LYNX_REF.sub("", s)
        if len(s.split()) <= 3 * refs:
            link_chars = len(s)
    if ("  " in s or "\t" in s) if s.isascii() else _ODD_SPACE.search(s):
        s = _SPACES.sub(" ", s)  # otherwise every run is a single " " already
    s = s.strip()
    bullet = _BULLET.match(s) if s and (s[0] in _BULLET_MARKS or s[0].isdecimal()) else None
    if bullet:
        s = s[bullet.end() :]
    is_list = bullet is not None
    share = link_chars / len(s) if s else 0.0
    return s, min(share, 1.0), is_list, level


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


def word_list(text: str) -> list[str]:
    """_WORD.findall(text), with the ASCII pattern when it finds the same words."""
    if text.isascii():
        return _ASCII_WORD.findall(text)
    return (_WORD if _BEYOND_ASCII_PUNCTUATION.search(text) else _ASCII_WORD).findall(text)


def _terminal(text: str) -> bool:
    """End punctuation, maybe followed by closing quotes or brackets, or a closing quote: read
    from the end of the line, not by scanning all of it."""
    if text.endswith("\n"):
        text = text[:-1]
    core = text.rstrip(_CLOSERS)
    return (bool(core) and core[-1] in _SENTENCE_END) or text.endswith(_END_QUOTES)


def word_estimate(text: str) -> int:
    """Whitespace words, counting about two CJK characters as a word (no spaces there)."""
    n = len(text.split())
    if not text.isascii() and _CJK.search(text):
        n += len(_CJK.findall(text)) // 2
    return n


def _text_features(text: str, stopwords: frozenset[str]) -> tuple:
    """Length, stopword density, end punctuation, case: from the text alone (Line's fields low,
    word_list, words, stop_density, terminal, starts_lower, letter_share)."""
    low = text.lower()
    words = word_list(low)
    density = sum(map(stopwords.__contains__, words)) / len(words) if words else 0.0
    first = text.lstrip("\"'“‘«([ ")
    return (
        low,
        tuple(words),
        word_estimate(text),
        density,
        _terminal(text),
        bool(first) and first[0].islower(),
        len("".join(words)) / len(text),
    )


def _unwrap(raw_lines: list[str]) -> list[list[str]]:
    """Group hard-wrapped lines (lynx/w3m dumps, e-mail) into one logical line per paragraph.

    A dump is hard-wrapped when almost no line exceeds a fixed width of 40-110 characters and
    many near-full lines run on into the next line without end punctuation.
    """
    groups = [[line] for line in raw_lines]
    stripped = [line.strip() for line in raw_lines]
    lens = sorted(len(x) for x in stripped if x)
    if len(lens) < 8:
        return groups
    width = lens[int(0.9 * (len(lens) - 1))]
    if not 40 <= width <= 110 or sum(n > width * 1.15 for n in lens) > 0.05 * len(lens):
        return groups
    full = [
        i for i, x in enumerate(stripped[:-1]) if len(x) >= 0.7 * width and stripped[i + 1]
    ]
    running_on = [i for i in full if not _terminal(stripped[i])]
    if len(running_on) < 3 or len(running_on) < 0.5 * len(full):
        return groups
    out: list[list[str]] = []
    dense = sum(1 for x in stripped if not x) < 2
    joinable = False
    for i, line in enumerate(raw_lines):
        if joinable and stripped[i] and not _BULLET.match(stripped[i]):
            out[-1].append(line)
        else:
            out.append([line])
        joinable = (
            bool(stripped[i])
            and len(stripped[i]) >= 0.7 * width
            and not _title_case(stripped[i])  # a headline fills the width, then the byline starts
            and not (i + 1 < len(stripped) and byline_name(stripped[i + 1], rules()))
            and not (
                dense  # without blank lines between paragraphs, a paragraph may end at the margin
                and _terminal(stripped[i])
                and i + 1 < len(stripped)
                and stripped[i + 1].lstrip("\"'“‘«([ ")[:1].isupper()
            )  # a sentence end at the margin, then a capital: a new paragraph
        )
    return out


def _title_case(text: str) -> bool:
    """Headline capitalisation: most longer words start with a capital."""
    long_words = [w for w in word_list(text) if len(w) > 3]
    return len(long_words) >= 3 and sum(w[0].isupper() for w in long_words) / len(long_words) >= 0.7


def _starts_with_symbol(text: str) -> bool:
    return bool(text) and unicodedata.category(text[0]) in {"So", "Sk", "Sm"}


# --- result ---------------------------------------------------------------------------------


@dataclass
class CleanedText:
    """What a text dump yields: the article, its metadata, and the comment thread."""

    title: str | None = None
    paragraphs: list[str] = field(default_factory=list)
    published_at: datetime | None = None
    author: str | None = None
    outlet: str | None = None
    comments: list[dict[str, Any]] = field(default_factory=list)  # author, posted_at, text, position
    labels: list[tuple[str, str]] = field(default_factory=list)  # (label, line) for debugging

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


# --- classification -------------------------------------------------------------------------


def byline_name(text: str, r: Rules) -> str | None:
    """The author(s) when `text` is a byline ("By A and B", "A in Kyiv"), else None."""
    if len(text.split()) > 26:
        return None
    m = next((m for b in r.byline if (m := b.fullmatch(text))), None) or r.byline_located.fullmatch(text)
    if not m:
        return _name_with_outlet(text, r)
    name = (m.group("name") or "").strip(" ,&")
    first = name.split()[0].lower() if name else ""
    if not name or first in r.byline_stopwords or not name[0].isupper():
        return None
    low = name.lower()
    if low.endswith(r.outlet_suffixes):  # "By Greg Norman Fox News"
        for outlet, suffix in zip(r.outlet_names, r.outlet_suffixes):
            if low.endswith(suffix):
                name = name[: -len(outlet) - 1].strip(" ,|")
                break
    name = re.sub(r"\s+(?:and|&|und|et|y|e)\s+", ", ", name)
    name = re.sub(r"\s*,\s*", ", ", name).strip(" ,")
    if name.isupper():  # "By ILLIA NOVIKOV"
        name = " ".join(w.capitalize() for w in name.split())
    return name or None


_BYLINE_PARTS = re.compile(r"\s*[·|•]\s*")
_PERSON = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]+(?: [A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]+){1,2}")


def _name_with_outlet(text: str, r: Rules) -> str | None:
    """"Murray Brewster · CBC News ·": a name next to a known outlet's name is a byline."""
    if "·" not in text and "|" not in text and "•" not in text:
        return None
    parts = [x for x in _BYLINE_PARTS.split(text.strip(" ·|•")) if x]
    outlets = r.outlet_names_lower
    if len(parts) >= 2 and _PERSON.fullmatch(parts[0]) and any(x.lower() in outlets for x in parts[1:]):
        return parts[0]
    return None


_UNSET = _UNSET_FIELD


def _date_line(line: Line) -> datetime | None:
    """A date when the line is (mostly) a dateline: the date plus a few breadcrumb words."""
    if line.date is not _UNSET:
        return line.date  # type: ignore[return-value]
    line.date = _date_line_uncached(line)
    return line.date  # type: ignore[return-value]


def _date_line_uncached(line: Line) -> datetime | None:
    if line.words > 14:
        return None
    found = find_date(line.text)
    if not found:
        return None
    rest = (line.text[: found.start] + " " + line.text[found.end :]).strip()
    rest_words = _WORD.findall(rest)
    if len(rest_words) <= 6 or ("/" in rest or "|" in rest) and len(rest_words) <= 10:
        return found.value
    if len(rest_words) <= 12 and rules().date_label_prefix.match(line.text):
        return found.value  # "Published on March 30, 2025, at 5:30 am (Paris), updated at 9:12 am"
    return None


# A line's class depends only on its text and these flags (see LINE_CACHE_SIZE).
_CLASS_CACHE: dict[tuple, tuple[str, str, Any]] = {}


def clear_caches() -> None:
    """Forget cached line classes, features and normalised lines (benchmarks time a cold start
    with this)."""
    _CLASS_CACHE.clear()
    _line_facts.cache_clear()
    _comment_shape.cache_clear()
    _comment_time_text.cache_clear()


def _classify_cached(line: Line, r: Rules, use_stopwords: bool) -> None:
    key = (line.text, line.link_share > 0.5, line.is_list, use_stopwords)
    hit = _CLASS_CACHE.get(key)
    if hit is not None:
        line.label, line.kind, line.date = hit
        return
    _classify(line, r, use_stopwords)
    if len(_CLASS_CACHE) >= LINE_CACHE_SIZE:
        _CLASS_CACHE.clear()
    _CLASS_CACHE[key] = (line.label, line.kind, line.date)


# Letters per character below which a line is not prose (English prose is about 0.8).
MIN_LETTER_SHARE = 0.5


def _classify(line: Line, r: Rules, use_stopwords: bool) -> None:
    t = line.text
    if line.link_share > 0.5:
        line.label, line.kind = FURNITURE, "links"
        return
    if line.words <= 10 and r.comment_end_line.fullmatch(t):
        line.label, line.kind = FURNITURE, "comment-end"
        return
    if (line.words <= 16 and _TIMEISH.search(line.low) or "playing" in line.low) and r.player_line.fullmatch(t):
        line.label, line.kind = FURNITURE, "player"
        return
    if line.words <= 14 and _date_line(line) is not None:
        line.label, line.kind = META, "byline" if byline_name(t, r) else "date"
        return
    if line.words <= 6 and r.dateline_no_year.fullmatch(t):
        line.label, line.kind = META, "date"
        return
    if line.words <= 15 and r.furniture_line_split.fullmatch(t):
        line.label, line.kind = FURNITURE, "menu"
        return
    if r.furniture_prefix_split.match(t):
        line.label, line.kind = FURNITURE, "cue"
        return
    if (
        line.words <= r.furniture_contains_max_words
        and call_to_action(line.low, line.word_list, r)
    ):
        line.label, line.kind = FURNITURE, "call-to-action"
        return
    if line.words <= 60 and _CAPTIONISH.search(tail := line.low[-90:]) and r.caption_credit.search(tail):
        line.label, line.kind = FURNITURE, "caption"
        return
    if (ends_like(r.teaser_ending, t) and r.teaser_suffix.search(t)) or ("(" in t and _MEDIA_TAG.search(t)):
        line.label, line.kind = FURNITURE, "teaser"
        return
    if _starts_with_symbol(t) and not line.terminal:
        line.label, line.kind = FURNITURE, "ticker"
        return
    if line.words <= 10 and " " in t and r.agency_credit.fullmatch(t):
        line.label, line.kind = META, "credit"
        return
    author = byline_name(t, r) if line.words <= 26 else None
    if author:
        line.label, line.kind = META, "byline"
        return
    if _date_line(line) is not None:
        line.label, line.kind = META, "date"
        return
    sd_ok = (lambda x: line.stop_density >= x) if use_stopwords else (lambda x: True)
    line.label = BODY
    if line.letter_share < MIN_LETTER_SHARE:
        line.kind = "short"  # numbers, symbols, encoding debris: never prose
        return
    if r.speaker_tag.match(t):
        # "LEILA FADEL, HOST:" - a transcript's speaker; their words follow on the line or below
        rest = t[r.speaker_tag.match(t).end():]
        line.kind = "good" if len(rest.split()) >= 10 else "near"
        return
    if line.words >= 10 and line.terminal and sd_ok(0.2):
        line.kind = "good"
    elif line.words >= 30 and sd_ok(0.15):
        line.kind = "good"  # a long paragraph cut off mid-sentence by the scraper
    elif line.words >= 15 and sd_ok(0.3) and not line.is_list and not _title_case(t):
        line.kind = "dangling"  # prose without its end: cut by a widget, a standfirst, a caption
    elif line.terminal and line.words >= 3 and sd_ok(0.1) and not line.is_list:
        line.kind = "near"
    elif line.words >= 6 and r.lead_in.match(t):
        # "Source: Serhii Lysak, Head of the Oblast Military Administration": article text
        line.kind = "good" if line.words >= 8 and sd_ok(0.1) else "near"
    elif line.terminal and line.is_list and line.words >= 6 and sd_ok(0.15):
        line.kind = "near"
    else:
        line.kind = "short"


def _continuation_follows(lines: list[Line], i: int, reach: int = 15) -> bool:
    seen = 0
    for nxt in lines[i + 1 :]:
        if nxt.label == BLANK:
            continue
        seen += 1
        if nxt.label == BODY and nxt.kind in ("good", "near", "dangling"):
            return nxt.starts_lower
        if seen >= reach:
            break
    return False


def _neighbour(lines: list[Line], i: int, step: int) -> Line | None:
    j = i + step
    while 0 <= j < len(lines):
        if lines[j].label != BLANK:
            return lines[j]
        j += step
    return None


def _is_good(line: Line | None) -> bool:
    return line is not None and line.label == BODY and line.kind in ("good", "near-good")


# --- comments -------------------------------------------------------------------------------


_INITIAL_END = re.compile(r"\b[A-Z]\.$")  # "Andrew P." ends with an initial, not a sentence
_TIMEISH = re.compile(r"\d|ago\b|now\b|yesterday")


def _comment_header(lines: list[Line], i: int, r: Rules) -> tuple[str | None, str, int] | None:
    """(author, time text, lines used) when line i opens a reader comment."""
    t = lines[i].text
    if lines[i].words > 16:
        return None
    if not _TIMEISH.search(lines[i].low):
        nxt = _next_nonblank(lines, i)
        if nxt is None or lines[i].words > 5 or not _TIMEISH.search(lines[nxt].low):
            return None
    header, name, says = _comment_shape(t)
    if header is not None:
        return header
    nxt = _next_nonblank(lines, i)
    if (
        nxt is not None
        and 1 <= len(name.split()) <= 5
        and (says or (not lines[i].terminal or _INITIAL_END.search(name)) and lines[i].label != FURNITURE)
        and (when := _comment_time_text(lines[nxt].text)) is not None
    ):
        return _clean_author(name), when, nxt - i + 1
    return None


@bounded_memo(LINE_CACHE_SIZE)
def _comment_shape(t: str) -> tuple[tuple[str | None, str, int] | None, str, bool]:
    """What a line's text alone says of it as a comment header: (the header when the line is a
    one-line header, else None; the commenter's name if the time follows on the next line;
    whether the name was followed by "says:"). Cached: "Reply" lines recur on every page."""
    r = rules()
    m = r.comment_header.fullmatch(t)
    if m and len(m.group("author").split()) <= 6 and not re.search(r"[!?:;…]\W*$", m.group("author")):
        return (_clean_author(m.group("author")), m.group("time"), 1), t, False
    when = _comment_time_text(t)
    if when is not None:
        return (None, when, 1), t, False
    says = r.comment_says.search(t)
    return None, t[: says.start()] if says else t, says is not None


@bounded_memo(LINE_CACHE_SIZE)
def _comment_time_text(t: str) -> str | None:
    """The time printed when the line is a comment's timestamp line, else None."""
    m = rules().comment_time_line.fullmatch(t)
    return m.group("time") if m else None


def _next_nonblank(lines: list[Line], i: int) -> int | None:
    j = i + 1
    while j < len(lines) and lines[j].label == BLANK:
        j += 1
    return j if j < len(lines) else None


def _clean_author(name: str) -> str | None:
    name = name.strip(" •·|,–—-@")
    parts = name.split()
    # Avatar initials rendered before the name: "R Randal Walker" -> "Randal Walker".
    if len(parts) >= 2 and len(parts[0]) == 1 and parts[1][:1].upper() == parts[0].upper():
        parts = parts[1:]
    return " ".join(parts) or None


def _comment_time(text: str) -> datetime | None:
    found = find_date(text)
    return not_future(found.value) if found else None


def _extract_comments(lines: list[Line], start: int, r: Rules) -> list[dict[str, Any]]:
    """Turn lines from `start` on into comment rows; labels every line it consumes."""
    comments: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    paragraphs: list[str] = []

    def flush() -> None:
        nonlocal current, paragraphs
        teaser = (
            current is not None
            and current["author"] is None
            and len(paragraphs) == 1
            and len(paragraphs[0].split()) <= 15
            and not _terminal(paragraphs[0])
        )  # "2 hours ago" over a headline: a teaser card under the thread, not a comment
        if current is not None and paragraphs and not teaser:
            current["text"] = "\n\n".join(paragraphs)
            current["position"] = len(comments)
            comments.append(current)
        current, paragraphs = None, []

    i = start
    while i < len(lines):
        line = lines[i]
        if line.label == BLANK:
            i += 1
            continue
        header = _comment_header(lines, i, r)
        if header:
            flush()
            author, when, used = header
            current = {"author": author, "posted_at": _comment_time(when)}
            for k in range(i, i + used):
                if lines[k].label != BLANK:
                    lines[k].label, lines[k].kind = COMMENT, "comment-header"
            i += used
            continue
        if line.kind == "comment-end" or (line.label == FURNITURE and current is None):
            line.label = FURNITURE
            if line.kind == "comment-end":
                flush()
            i += 1
            continue
        if current is not None and line.label != FURNITURE:
            paragraphs.append(line.text)
            line.label, line.kind = COMMENT, "comment-text"
        else:
            line.label = FURNITURE
        i += 1
    flush()
    return comments


def _comment_start(lines: list[Line], first_body: int, r: Rules) -> int | None:
    """Index of the first comment header once the article is under way, or None."""
    good_seen = 0
    for i in range(first_body, len(lines)):
        line = lines[i]
        if _is_good(line):
            good_seen += 1
        if line.label == BLANK or line.words > 16 or good_seen < 2:
            continue
        if line.label == META and line.kind == "byline" or line.kind == "player":
            continue  # a byline or a clip's "Duration 2:11" is not a commenter and a time
        header = _comment_header(lines, i, r)
        if not header:
            continue
        author, _, used = header
        if not author or author.split()[0].lower().strip(":") in r.byline_stopwords:
            continue  # a thread opens with a named commenter, not "Published On 27 Mar 2025"
        nxt = _next_nonblank(lines, i + used - 1)
        if nxt is None or lines[nxt].label == FURNITURE or _comment_header(lines, nxt, r):
            continue  # a thread needs the comment text after its header
        return i
    return None


# --- title, standfirst, metadata ------------------------------------------------------------


def _headline_text(line: Line, r: Rules) -> str | None:
    """The line as a possible headline, or None (section labels, menus, all-caps kickers)."""
    if not (line.label == BODY or line.kind == "stray") or line.words > 40:
        return None
    t = line.text
    if not re.search(r"[^\W\d_]", t) or line.words < 3 or line.words > 45:
        return None
    letters = [c for c in t if c.isalpha()]
    if letters and sum(c.isupper() for c in letters) / len(letters) > 0.8 and len(letters) > 3:
        return None
    if t.endswith(":"):
        return None
    return t


def _split_site_suffix(title: str) -> tuple[str, str | None]:
    m = re.match(r"^(.{12,}?)\s+[|–—-]\s+([^|–—]{2,40})$", title)
    if m and len(m.group(2).split()) <= 4:
        return m.group(1).strip(), m.group(2).strip()
    return title, None


# --- main entry -----------------------------------------------------------------------------


def _read_lines(raw: str) -> tuple[list[Line], list[datetime]]:
    """Logical lines with their features, and dates printed as prefixes of body lines."""
    lines: list[Line] = []
    prefix_dates: list[datetime] = []
    groups = _unwrap(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    facts_of = _line_facts
    for idx, group in enumerate(groups):
        raw_line = " ".join(x.strip() for x in group) if len(group) > 1 else group[0]
        if not raw_line or raw_line.isspace():
            lines.append(Line(idx, raw_line, "", group))
            continue
        text, share, is_list, heading, prefix_date, features = facts_of(raw_line)
        if prefix_date is not None:
            prefix_dates.append(prefix_date)
        lines.append(Line(idx, raw_line, text, group, share, is_list, heading, features))
    return lines, prefix_dates


@bounded_memo(LINE_CACHE_SIZE)
def _line_facts(raw_line: str) -> tuple:
    """(text, link share, is list, heading level, date printed before the text or None, text
    features or None when the line has no text) for one raw line."""
    r = rules()
    text, share, is_list, heading = _normalise(raw_line)
    if not text:
        return text, share, is_list, heading, None, None
    prefix_date = None
    # "date 2025-03-27 Volodymyr Zelensky said ...": the date is metadata, the rest body.
    m = r.date_label_prefix.match(text)
    if m and m.end() > 0:
        found = find_date(text[m.end() : m.end() + 40])
        if found and found.start == 0:
            rest = text[m.end() + found.end :].strip(" |-–—:,")
            if len(rest.split()) >= 6:
                prefix_date = found.value
                text = rest
    return text, share, is_list, heading, prefix_date, _text_features(text, r.stopwords)


_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)]*\s+[\"'“‘(]?[A-Z]")


def _captions_and_entries(lines: list[Line], r: Rules) -> None:
    """Picture captions and video titles named by the line after them; live-blog entry headings.

    A one-sentence line followed by an image credit ("Image: Name/Agency"), a caption toggle or
    a video-player notice, or following a clip's running time, describes that picture or video. A short headline between an entry
    timestamp and prose, once the article is under way (two paragraphs in), opens a live-blog entry and is part of
    the article (above the first paragraph the same shape is a header's video title or label).
    """
    good_seen = 0
    for i, line in enumerate(lines):
        seen_before = good_seen >= 2
        good_seen += line.label == BODY and line.kind == "good"
        if not line.text or line.words > 24:
            continue
        if i and not lines[i - 1].text and "![" in lines[i - 1].raw and line.label == BODY and line.words <= 30:
            line.label, line.kind = FURNITURE, "caption"  # the line under a markdown image
        elif line.kind == "player" and r.clip_length.fullmatch(line.text):
            k = _next_nonblank(lines, i)
            if k is not None and lines[k].label == BODY and lines[k].words <= 25 and not _SENTENCE_BREAK.search(lines[k].text):
                lines[k].label, lines[k].kind = FURNITURE, "caption"  # the clip's description
        elif r.caption_follower.fullmatch(line.text):
            j = _prev_nonblank(lines, i)
            if j is not None and lines[j].words <= 6 and "/" in lines[j].text:
                j = _prev_nonblank(lines, j)  # the credit between caption and toggle: "Name/NPR"
            if j is not None:
                prev = lines[j]
                if prev.label == BODY and prev.words <= 25 and not _SENTENCE_BREAK.search(prev.text):
                    prev.label, prev.kind = FURNITURE, "caption"
        elif seen_before and line.label == BODY and line.kind in ("short", "near") and 3 <= line.words <= 20 and not line.is_list:
            j, k = _prev_nonblank(lines, i), _next_nonblank(lines, i)
            if j is not None and lines[j].words <= 4 and _NAME.fullmatch(lines[j].text):
                j = _prev_nonblank(lines, j)  # the entry's author between its time and heading
            if (
                j is not None
                and k is not None
                and lines[k].label == BODY
                and lines[k].kind == "good"
                and (lines[j].kind in ("date", "player") or r.entry_time.fullmatch(lines[j].text))
                and not line.text.endswith(":")
            ):
                line.kind = "near-good"


def _prev_nonblank(lines: list[Line], i: int) -> int | None:
    j = i - 1
    while j >= 0 and lines[j].label == BLANK:
        j -= 1
    return j if j >= 0 else None


def _adopt_from_context(lines: list[Line]) -> None:
    """jusText-style context: lines that are not clearly prose take their neighbours' class."""
    # A sentence cut by a widget is body when its lower-case continuation follows.
    for i, line in enumerate(lines):
        if line.kind == "dangling" and _continuation_follows(lines, i):
            line.kind = "near-good"
    # The end of a sentence cut by a widget ("... ammunition and" / Advertisement / "drones.").
    for i, line in enumerate(lines):
        if line.label == BODY and line.kind in ("short", "near") and line.starts_lower and line.words <= 12 and line.terminal:
            j, seen = i - 1, 0
            while j >= 0 and seen <= 2 and (lines[j].label != BODY or lines[j].kind != "good"):
                seen += lines[j].label != BLANK
                j -= 1
            if j >= 0 and seen <= 2 and not lines[j].terminal:
                line.kind = "near-good"
    # A short prose line joins the body when a neighbour is body (repeated: chains of them).
    changed = True
    while changed:
        changed = False
        for i, line in enumerate(lines):
            if line.label == BODY and line.kind == "near":
                if _is_good(_neighbour(lines, i, -1)) or _is_good(_neighbour(lines, i, 1)):
                    line.kind = "near-good"
                    changed = True
    # A marked-up section heading ("## What happens next") before a body paragraph, with body
    # shortly above (a donation box may sit between), is part of the article; unmarked short
    # lines there are more often related-story links.
    for i, line in enumerate(lines):
        if line.heading >= 2 and line.label == BODY and line.kind == "short" and 1 <= line.words <= 15:
            before = _is_good(_neighbour(lines, i, -1)) or any(_is_good(x) for x in lines[max(0, i - 12) : i])
            if before and _is_good(_neighbour(lines, i, 1)):
                line.kind = "near-good"


def clean_text(raw: str, title_hint: str | None = None) -> CleanedText:
    """Classify every line of a text dump and assemble the article from the body lines."""
    r = rules()
    lines, prefix_dates = _read_lines(raw)

    nonblank = [ln for ln in lines if ln.text]
    long_lines = [ln for ln in nonblank if ln.words >= 12]
    use_stopwords = not long_lines or (
        sum(ln.stop_density for ln in long_lines) / len(long_lines) >= 0.08
    )
    for line in nonblank:
        _classify_cached(line, r, use_stopwords)

    _captions_and_entries(lines, r)
    _adopt_from_context(lines)

    # Comments: a thread of headers (name + time) after the body started.
    first_body = next((i for i, ln in enumerate(lines) if _is_good(ln)), None)
    comments: list[dict[str, Any]] = []
    if first_body is not None:
        cstart = _comment_start(lines, first_body, r)
        if cstart is not None:
            comments = _extract_comments(lines, cstart, r)

    # Body lines: good and adopted lines, in the segments that make up the article.
    body_idx = [i for i, ln in enumerate(lines) if _is_good(ln)]
    body_idx = _keep_main_segments(lines, body_idx)
    body_idx = _without_pull_quotes(lines, body_idx)
    body_set = set(body_idx)
    first_body = body_idx[0] if body_idx else len(lines)

    # Header zone: title and standfirst are the headline-like lines just above the body.
    if body_idx:
        title, standfirst_idx, title_idx = _find_title(lines, first_body, r, title_hint)
    else:
        title, standfirst_idx, title_idx = title_hint, None, None

    # Labels for everything not in the body.
    for i, line in enumerate(lines):
        if line.label == BLANK or line.label == COMMENT:
            continue
        if i == title_idx:
            line.label = TITLE
        elif i in body_set or i == standfirst_idx:
            line.label = BODY
        elif line.label != META:
            line.label = FURNITURE

    body_set.discard(title_idx)
    if standfirst_idx is not None:
        body_set.add(standfirst_idx)
    if title_idx is not None:
        # Key-point bullets between headline and body summarise the article, like a standfirst.
        for j in range(title_idx + 1, first_body):
            if lines[j].is_list and lines[j].words >= 6 and lines[j].label not in (META, COMMENT):
                body_set.add(j)
                lines[j].label = BODY
    # The headline repeated further down (share widgets, print versions) is not body.
    if title:
        key = norm_key(title)
        for i in list(body_set):
            if norm_key(lines[i].text) == key:
                body_set.discard(i)
                lines[i].label = FURNITURE
    paragraphs = _assemble(lines, sorted(body_set), title)

    # Metadata from the header zone and the furniture.
    author = (
        next((byline_name(ln.text, r) for ln in lines[:first_body] if ln.kind == "byline"), None)
        or _name_next_to_date(lines, first_body, title_idx, r)
        or next((byline_name(ln.text, r) for ln in lines if ln.kind == "byline"), None)
    )
    published = _published_at(lines, first_body, prefix_dates)
    outlet = _outlet(lines, r, title_idx)

    return CleanedText(
        title=title,
        paragraphs=paragraphs,
        published_at=published,
        author=author,
        outlet=outlet,
        comments=comments,
        labels=[(ln.label, raw_line) for ln in lines for raw_line in ln.raw_lines],
    )


def _keep_main_segments(lines: list[Line], body_idx: list[int]) -> list[int]:
    """Drop stray prose far from the article (promos, bios, cookie notes, footers).

    Body lines separated by more than two non-blank lines form segments. The segment with the
    most words is the article; others stay when they are close to it, or long enough to be
    the rest of an article that a widget split in two.
    """
    if not body_idx:
        return body_idx
    segments: list[list[int]] = [[body_idx[0]]]
    for i in body_idx[1:]:
        if _gap(lines, segments[-1][-1], i) > 2 and not _continues(lines[segments[-1][-1]], lines[i]):
            segments.append([i])
        else:
            segments[-1].append(i)

    def words(seg: list[int]) -> int:
        return sum(lines[i].words for i in seg)

    m = max(range(len(segments)), key=lambda k: words(segments[k]))
    main_words = words(segments[m])
    keep = {m}
    for direction in (-1, 1):
        edge = segments[m][0] if direction < 0 else segments[m][-1]
        k = m + direction
        while 0 <= k < len(segments):
            seg = segments[k]
            gap = _gap(lines, seg[-1], edge) if direction < 0 else _gap(lines, edge, seg[0])
            good = sum(1 for i in seg if lines[i].kind == "good")
            if _teaser_list(lines, seg):
                pass
            elif (
                (gap <= 4 and good >= 1)
                or (good >= 2 and words(seg) >= max(25, 0.2 * main_words))
            ):
                keep.add(k)
                edge = seg[0] if direction < 0 else seg[-1]
            k += direction
    kept: list[int] = []
    for k, seg in enumerate(segments):
        if k in keep:
            kept.extend(seg)
        else:
            for i in seg:
                lines[i].label, lines[i].kind = FURNITURE, "stray"
    return kept


# Share of a short line's word trigrams found in a longer body line above which the line is a
# pull quote (or a caption) repeating the article's own words.
PULL_QUOTE_OVERLAP = 0.7


def _trigrams(line: Line) -> set[tuple[str, ...]]:
    words = line.word_list
    return set(zip(words, words[1:], words[2:]))


def _without_pull_quotes(lines: list[Line], body_idx: list[int]) -> list[int]:
    """Drop lines that repeat words of a longer body paragraph: pull quotes set in the page.

    A paragraph printed twice (a hidden summary, a print version) is kept once; a short line
    printed twice in a row is a picture's alt text and caption.
    """
    seen: dict[str, int] = {}
    dropped = set()
    for i in body_idx:
        key = norm_key(lines[i].text)
        if key in seen:
            dropped.add(i)
            lines[i].label, lines[i].kind = FURNITURE, "repeat"
            j = seen[key]
            if lines[i].words <= 25 and _gap(lines, j, i) == 0 and not _SENTENCE_BREAK.search(lines[i].text):
                dropped.add(j)
                lines[j].label, lines[j].kind = FURNITURE, "caption"
        else:
            seen[key] = i
    body_idx = [i for i in body_idx if i not in dropped]
    short = [i for i in body_idx if 5 <= lines[i].words <= 45]
    if not short or len(body_idx) < 3:
        return body_idx
    grams = {i: _trigrams(lines[i]) for i in body_idx}
    drop = set()
    for i in short:
        own = grams[i]
        if len(own) < 4:
            continue
        for j in body_idx:
            if j != i and j not in drop and lines[j].words > lines[i].words and \
                    len(own & grams[j]) >= PULL_QUOTE_OVERLAP * len(own):
                drop.add(i)
                lines[i].label, lines[i].kind = FURNITURE, "pull-quote"
                break
    return [i for i in body_idx if i not in drop]


def _teaser_list(lines: list[Line], seg: list[int]) -> bool:
    """A list of teasers (headline, one-sentence summary, time...) rather than article text.

    Article paragraphs follow each other; in "More stories" blocks every summary sits between
    headline and timestamp lines.
    """
    if len(seg) < 3 or not all(_gap(lines, a, b) >= 1 for a, b in zip(seg, seg[1:])):
        return False
    between = [ln for ln in lines[seg[0] + 1 : seg[-1]] if ln.label != BLANK and ln.index not in seg]
    headlines = sum(1 for ln in between if ln.kind == "short" and ln.words >= 4)
    return headlines >= len(seg) - 1


_MEDIA_KINDS = ("caption", "pull-quote")


def _gap(lines: list[Line], a: int, b: int) -> int:
    """Non-blank lines strictly between a and b, not counting picture captions and pull quotes
    (a gallery between two paragraphs does not end the article)."""
    return sum(1 for ln in lines[a + 1 : b] if ln.label != BLANK and ln.kind not in _MEDIA_KINDS)


def _continues(prev: Line, nxt: Line) -> bool:
    """A sentence split by a furniture block: no end punctuation, then a lower-case start."""
    return not prev.terminal and nxt.starts_lower and prev.words >= 5


_SKIPPABLE = ("cue", "player", "links", "call-to-action", "menu", "caption", "ticker", "teaser")


def _candidates_above(lines: list[Line], start: int, r: Rules, limit: int) -> list[int]:
    """Up to two headline-like lines found walking up from `start` (nearest first)."""
    found: list[int] = []
    seen = 0
    j = start
    while j >= 0 and len(found) < 2 and seen < limit:
        line = lines[j]
        j -= 1
        if line.label == BLANK:
            continue
        seen += 1
        if line.label == META:
            continue
        if line.is_list and line.words >= 6 and not found:
            continue  # key-point bullets under the headline
        if line.label == BODY and line.kind == "short" and line.words < 4 and not found:
            continue  # "Read in app", "Share full article": widget labels under the headline
        if _headline_text(line, r) is not None:
            found.append(line.index)
            continue
        if line.label == FURNITURE and line.kind in _SKIPPABLE and not found:
            continue
        if found:
            break
    return found


def _find_title(
    lines: list[Line], first_body: int, r: Rules, title_hint: str | None
) -> tuple[str | None, int | None, int | None]:
    """(title, standfirst line index, title line index) from the lines above the body.

    The headline sits just above the byline/dateline block when there is one (teasers and
    video titles often sit between that block and the body), otherwise just above the body.
    A longer prose line between headline and body is the standfirst.
    """
    if title_hint:
        hint = norm_key(title_hint)
        for i, line in enumerate(lines[: first_body + 1]):
            if line.text and norm_key(_split_site_suffix(line.text)[0]) == hint:
                nxt = _next_nonblank(lines, i)
                stand = nxt if nxt is not None and nxt < first_body and _standfirst_like(lines[nxt]) else None
                return title_hint, stand, i
        return title_hint, None, None
    h1 = [i for i in range(first_body) if lines[i].heading == 1 and _headline_text(lines[i], r)]
    if h1:
        t = h1[-1]
        nxt = _next_nonblank(lines, t)
        stand = nxt if nxt is not None and nxt < first_body and _standfirst_like(lines[nxt]) else None
        return _split_site_suffix(lines[t].text)[0], stand, t
    candidates: list[int] = []
    anchors = [i for i in range(first_body) if lines[i].label == META]
    for a in reversed(anchors):
        candidates = _candidates_above(lines, a - 1, r, limit=12)
        candidates = [c for c in candidates if lines[c].words >= 4]
        if candidates:
            break
    if not candidates:
        candidates = _candidates_above(lines, first_body - 1, r, limit=8)
        strong = [c for c in candidates if lines[c].words >= 5]
        candidates = strong or candidates
    if not candidates:
        # No headline above the body: an unpunctuated first "paragraph" is the headline.
        if first_body < len(lines) and not lines[first_body].terminal and lines[first_body].words <= 30:
            return _split_site_suffix(lines[first_body].text)[0], None, first_body
        return None, None, None
    if len(candidates) == 2:
        later, earlier = candidates
        a, b = lines[earlier], lines[later]
        if _standfirst_like(b) and (b.words > a.words or b.terminal or not a.terminal) and a.words <= 30:
            return _split_site_suffix(a.text)[0], later, earlier
    t = candidates[0]
    if lines[t].words > 30:
        return None, t, None  # a long un-punctuated first paragraph, not a headline
    nxt = _next_nonblank(lines, t)
    while nxt is not None and nxt < first_body and lines[nxt].label == META and lines[nxt].kind == "date":
        nxt = _next_nonblank(lines, nxt)  # "27 MAR, 14:18" between headline and standfirst
    stand = nxt if nxt is not None and nxt < first_body and _standfirst_like(lines[nxt]) and lines[nxt].words > lines[t].words else None
    return _split_site_suffix(lines[t].text)[0], stand, t


def _standfirst_like(line: Line) -> bool:
    """A summary sentence under the headline: prose, not a menu item or a caption."""
    return (
        line.words >= 10
        and line.kind in ("good", "near", "near-good", "stray", "short", "dangling")
        and line.label != META
        and not _title_case(line.text)
        and (line.stop_density >= 0.2 or line.kind == "good")
    )


_NON_WORD = re.compile(r"\W+")
_TYPOGRAPHIC = "“”‘’«»—–…·•\u00a0"
_ASCII_NON_WORD = {i: " " for i in range(128) if not (chr(i).isalnum() or chr(i) == "_")}  # \W in ASCII


@bounded_memo(4096)
def norm_key(s: str) -> str:
    """Lower-case words only: the same line as a title, a repeat or a pull quote. Cached: each
    body line is keyed several times (repeats, pull quotes, the title)."""
    low = s.lower()
    if not low.isascii():
        for mark in _TYPOGRAPHIC:  # non-word characters: as good as spaces here
            if mark in low:
                low = low.replace(mark, " ")
    if low.isascii():  # the same words, found by str methods (about four times faster)
        return " ".join(low.translate(_ASCII_NON_WORD).split())
    return _NON_WORD.sub(" ", low).strip()


def _assemble(lines: list[Line], idx: list[int], title: str | None) -> list[str]:
    paragraphs: list[str] = []
    prev: Line | None = None
    title_key = norm_key(title) if title else None
    for i in idx:
        line = lines[i]
        if title_key and not paragraphs and norm_key(line.text) == title_key:
            line.label = TITLE
            continue
        if prev is not None and paragraphs and _continues(prev, line):
            paragraphs[-1] = paragraphs[-1] + " " + line.text
        else:
            paragraphs.append(line.text)
        prev = line
    return paragraphs


_NAME = re.compile(r"[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]+(?: [A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]+){1,3}")


def _name_next_to_date(lines: list[Line], first_body: int, title_idx: int | None, r: Rules) -> str | None:
    """A bare "Firstname Lastname" line beside the dateline under the headline (no "By")."""
    if title_idx is None:
        return None
    for i in range(title_idx + 1, min(first_body, title_idx + 6)):
        if lines[i].kind != "date":
            continue
        for step in (-1, 1):
            j = i + step
            while 0 <= j < len(lines) and lines[j].label == BLANK:
                j += step
            if title_idx < j < first_body and lines[j].label not in (BODY, TITLE):
                t = lines[j].text
                if lines[j].kind == "short" and _NAME.fullmatch(t):
                    lines[j].label, lines[j].kind = META, "byline"
                    return t
    return None


def _published_at(lines: list[Line], first_body: int, prefix_dates: list[datetime]) -> datetime | None:
    cands: list[tuple[int, datetime]] = []
    for i, line in enumerate(lines):
        if line.label in (COMMENT, BLANK) or line.kind not in ("date", "byline"):
            continue
        found = find_date(line.text)
        if found:
            updated = bool(re.search(r"\b(updated|modified|edited)\b", line.text, re.I))
            cands.append((2 if updated else (0 if i < first_body else 1), found.value))
    for d in prefix_dates:
        cands.append((0, d))
    for _, value in sorted(cands, key=lambda c: c[0]):
        value = not_future(value)
        if value is not None:
            return value
    return None


def _outlet(lines: list[Line], r: Rules, title_idx: int | None) -> str | None:
    """The outlet whose signals appear most often in the page furniture."""
    furniture = [ln.text for ln in lines if ln.label in (FURNITURE, META) and ln.text]
    blob = "\n".join(furniture)
    lower = blob.lower()
    # A needle printed as a whole word starts with a whole word of the text: needles whose first
    # word is not among the text's words are skipped without searching the text.
    words = set(_WORD_CHARS.findall(blob))
    # (in ASCII, lower-casing changes no word boundary)
    lower_words = {w.lower() for w in words} if blob.isascii() else set(_WORD_CHARS.findall(lower))
    votes: dict[str, int] = {}
    case_sensitive, folded = r.outlet_needles_by_word
    tried = set(r.outlet_needles_always)
    for word in case_sensitive.keys() & words:
        tried.update(case_sensitive[word])
    for word in folded.keys() & lower_words:
        tried.update(folded[word])
    for i in sorted(tried):  # in the order of outlets.yaml, as ties go to the first outlet voted for
        name, needle, fold, _ = r.outlet_needles[i]
        hay = lower if fold else blob
        if needle in hay:
            hits = len(re.findall(rf"(?<!\w){re.escape(needle)}(?!\w)", hay))
            if hits:
                votes[name] = votes.get(name, 0) + hits
    if votes:
        return max(votes, key=lambda k: votes[k])
    if title_idx is not None:
        _, suffix = _split_site_suffix(lines[title_idx].text)
        if suffix:
            return suffix
    for t in furniture:
        for g in r.outlet_generic:
            m = g.search(t)
            if m:
                return m.group("name").strip()
    return None
