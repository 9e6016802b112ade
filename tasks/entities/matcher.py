"""Mention detection: catalogue aliases first, then cue-typed rules for names outside it.

A pure-Python token trie stands in for spaCy's PhraseMatcher: it walks only from capitalised
tokens, so an article costs well under a millisecond and nothing needs loading at run time.
Precision comes before recall for rule-made entities: an unknown capitalised span becomes an
entity only when a cue (a title, a given name, an organisation or place word, a reporting
verb, a locative phrase) says what it is.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from operator import add, attrgetter
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS

from tasks.entities.catalog import (
    TOKEN_RE,
    Catalog,
    Entity,
    Variant,
    entity_id_for,
    fold,
    load_catalog,
    load_cues,
    load_first_names,
)

SENTENCE_END = {".", "!", "?", ":", "…"}
OPENERS = {'"', "“", "‘", "'", "(", "[", "«", "„"}
CONNECTORS = {"of", "de", "da", "del", "della", "di", "du", "la", "le", "von", "van", "der", "den", "al", "el", "bin", "ibn", "for", "the"}
NAME_PARTICLES = {"al", "el", "ad", "ash", "as", "ibn", "bin", "abu", "bint", "ul"}
PLACE_OF = {"of", "for", "on", "the"}  # connectors that end a person's name, unlike "von", "bin"
_HEAD_LINKS = frozenset({"of", "for", "on"})  # what follows a name's head noun ("Ministry of ...")
RUN_CONNECTORS = CONNECTORS | {"and", "&"}
_RUN_JOINERS = frozenset({"-", ".", "of", "for"} | NAME_PARTICLES | RUN_CONNECTORS)  # what can continue a run
REGION_WORDS = {"region", "regions", "regional", "oblast", "oblasts", "province", "provinces"}
PLURAL_REGION_WORDS = {"regions", "oblasts", "provinces"}
LIST_GLUE = {",", "and", "or", "&", "the", "as", "well"}
MAX_RULE_TOKENS = 12  # longest rule-made name ("Coordination Headquarters for the Treatment of Prisoners of War")
MAX_RUN_TOKENS = 16  # a longer capitalised stretch is a heading or shouting, not a name


@dataclass(slots=True)
class Mention:
    start_tok: int  # first token index of the mention
    end_tok: int  # one past the last token index
    entity: Entity
    source: str  # "catalog" or "rule"
    context: bool = False  # the alias needed words after it ("Time [magazine]")


@dataclass(frozen=True)
class Cues:
    titles: frozenset[str]
    org_tails: frozenset[str]
    heads_of: dict[str, str]
    gpe_tails: frozenset[str]
    loc_tails: frozenset[str]
    event_tails: frozenset[str]
    place_leads: tuple[tuple[str, ...], ...]
    locatives: frozenset[str]
    place_suffixes: tuple[str, ...]
    admin_words: frozenset[str]
    org_leads: tuple[tuple[str, ...], ...]
    person_nouns: frozenset[str]
    title_modifiers: frozenset[str]
    name_openers: frozenset[str]
    speech_after: frozenset[str]
    speech_before: tuple[tuple[str, ...], ...]
    not_names: frozenset[str]
    first_names: frozenset[str]
    org_suffixes: tuple[str, ...]
    institutions_alone: frozenset[str]
    org_tails_with_place: frozenset[str]
    org_words_after: frozenset[str]
    event_words_after: frozenset[str]
    alias_leads: tuple[tuple[str, ...], ...]
    facility_words_after: tuple[tuple[str, ...], ...]  # longest first
    event_leads: tuple[tuple[str, ...], ...]
    org_nouns: frozenset[str]
    lead_len: int  # words in the longest lead phrase, so one look back serves them all
    # Derived once here rather than on every call:
    filler: frozenset[str]  # words a name does not end on: titles, connectors, "." and "-"
    not_speakers_before: frozenset[str]  # "analysts at Goldman Sachs said": the verb is not the name's
    role_titles: frozenset[str]  # titles that name a role, not only qualify one
    facility_by_first: dict[str, tuple[tuple[str, ...], ...]]  # facility_words_after by first word


@lru_cache(maxsize=1)
def cues() -> Cues:
    raw = load_cues()

    def words(key: str) -> frozenset[str]:
        return frozenset(fold(w) for w in raw.get(key) or [])

    def phrases(key: str) -> tuple[tuple[str, ...], ...]:
        return tuple(tuple(fold(w) for w in p.split()) for p in raw.get(key) or [])

    leads = {key: phrases(key) for key in ("place_lead_phrases", "org_leads", "speech_cues_before", "alias_leads", "event_leads")}
    titles, locatives, title_modifiers = words("person_titles"), words("locative_prepositions"), words("title_modifiers")
    facilities = tuple(sorted(phrases("facility_words_after"), key=len, reverse=True))
    return Cues(
        titles=titles,
        org_tails=words("org_tails"),
        heads_of={fold(k): v for k, v in (raw.get("heads_of") or {}).items()},
        gpe_tails=words("gpe_tails"),
        loc_tails=words("loc_tails"),
        event_tails=words("event_tails"),
        place_leads=leads["place_lead_phrases"],
        locatives=locatives,
        place_suffixes=tuple(sorted({fold(s) for s in raw.get("place_suffixes") or []}, key=len)),
        admin_words=words("admin_words_after"),
        org_leads=leads["org_leads"],
        person_nouns=words("person_nouns"),
        title_modifiers=title_modifiers,
        name_openers=words("name_openers"),
        speech_after=words("speech_cues_after"),
        speech_before=leads["speech_cues_before"],
        not_names=words("not_names") | frozenset(STOP_WORDS),
        first_names=load_first_names(),
        org_suffixes=tuple(fold(w) for w in raw.get("org_suffixes") or []),
        institutions_alone=words("institutions_alone"),
        org_tails_with_place=words("org_tails_with_place"),
        org_words_after=words("org_words_after"),
        event_words_after=words("event_words_after"),
        alias_leads=leads["alias_leads"],
        facility_words_after=facilities,
        event_leads=leads["event_leads"],
        org_nouns=frozenset(p[0] for p in leads["org_leads"] if len(p) == 1),
        lead_len=max((len(p) for group in leads.values() for p in group), default=1),
        filler=titles | CONNECTORS | {".", "-"},
        not_speakers_before=locatives | {"at", "by", "with", "for"},
        role_titles=titles - title_modifiers,
        facility_by_first=_by_first_word(facilities),
    )


@lru_cache(maxsize=4096)  # an Entity is immutable; the same name recurs across articles
def auto_entity(type_: str, name: str) -> Entity:
    """A rule-made entity: the ID depends only on type and name, so runs and articles agree."""
    return Entity(f"auto:{entity_id_for(type_, name)}", name, type_, None, ())


def _is_cap_word(tok: str) -> bool:
    return tok[0].isalpha() and tok[0].isupper()


def _is_upper(tok: str) -> bool:
    if tok.isascii():  # every ASCII letter is cased and nothing else is: str.isupper says the same
        return tok.isupper()
    letters = [c for c in tok if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


class _Text:
    """One text's tokens, with the small helpers the passes share."""

    def __init__(self, text: str):
        self.text = text
        # One split gives tokens and the text between them (only whitespace: TOKEN_RE matches
        # every other character); a token ends where the lengths of it and all before it add up.
        parts = _SPLIT_RE.split(text)
        toks = parts[1::2]
        gaps = parts[::2]  # gaps[i]: the text before token i; gaps[n]: after the last one
        self.toks, self.gaps, self.n = toks, gaps, len(toks)
        self.ends = list(accumulate(map(add, map(len, gaps), map(len, toks))))  # start(i): ends[i] - len
        # Only capitalised words can start a name, so the passes jump between these.
        # Ordinals open unit names in the catalogue ("3rd Assault Brigade").
        ordinal = ORDINAL.match
        self.caps = [i for i, tok in enumerate(toks) if (c := tok[0]).isupper() or (c.isdigit() and ordinal(tok))]
        self._token_set: set[str] | None = None
        self._headline_lines: dict[int, bool] = {}
        self._prev_words: dict[int, tuple[int, tuple[str, ...]]] = {}  # token -> (window, words)

    def start(self, i: int) -> int:
        """Offset of token i in the text."""
        return self.ends[i] - len(self.toks[i])

    def joined(self, i: int) -> bool:
        """Token i and i+1 sit on one line with at most plain spaces between them."""
        gap = self.gaps[i + 1]
        return gap == " " or gap == "" or (gap.isspace() and "\n" not in gap and len(gap) <= 2)

    def tight(self, i: int) -> bool:
        return self.gaps[i + 1] == ""

    def has_lower_word(self, word: str) -> bool:
        """Some token of the text is `word`, in lower case."""
        if self._token_set is None:
            self._token_set = set(self.toks)
        return word in self._token_set and word.islower()

    def sentence_initial(self, i: int) -> bool:
        toks = self.toks
        j = i - 1
        while j >= 0 and toks[j] in OPENERS:
            j -= 1
        if j < 0:
            return True
        if "\n" in (self.gaps[i] if j == i - 1 else "".join(self.gaps[j + 1 : i + 1])):  # between token j and i
            return True
        return toks[j] in SENTENCE_END

    def headline_case(self, i: int) -> bool:
        """The token's line is in title case (a heading or link), where capitals say nothing."""
        line_start = self.text.rfind("\n", 0, self.start(i)) + 1
        cached = self._headline_lines.get(line_start)
        if cached is not None:
            return cached
        line_end = self.text.find("\n", line_start)
        if line_end < 0:
            line_end = len(self.text)
        line = self.text[line_start:line_end]
        result = False
        if not line.rstrip().rstrip("\"'”’)").endswith((".", "!")):  # headings rarely end so
            # The line's tokens (TOKEN_RE.findall(line)): those that end on it.
            line_toks = self.toks[bisect_right(self.ends, line_start) : bisect_right(self.ends, line_end)]
            words = [w for w in line_toks if w[0].isalpha()]
            long_words = [w for w in words if len(w) > 3]
            caps = sum(1 for w in long_words if w[0].isupper())
            result = 3 <= len(long_words) and len(words) <= 30 and caps / len(long_words) >= 0.8
        self._headline_lines[line_start] = result
        return result

    def prev_words(self, i: int, k: int) -> tuple[str, ...]:
        """Folded tokens i-k..i-1, stopping at a line break (shorter tuple if cut)."""
        # The cues ask about the same names' left context many times: one look back per token,
        # as far as the longest request so far; a shorter one is its tail.
        cached = self._prev_words.get(i)
        if cached is None or cached[0] < k:
            start = max(i - k, 0)
            gaps = self.gaps
            for j in range(i - 1, start - 1, -1):
                if "\n" in gaps[j + 1]:
                    start = j + 1
                    break
            cached = self._prev_words[i] = (k, tuple(map(fold, self.toks[start:i])))
        words = cached[1]
        return words[-k:] if 0 < k < len(words) else words if k > 0 else ()


# ---------------------------------------------------------------------------------- catalogue


def _case_ok(variant: Variant, t: _Text, i: int) -> bool:
    toks = t.toks
    for k, case in enumerate(variant.cases):
        if case == "title":
            if not toks[i + k][0].isupper():
                return False
        elif case == "upper" and not _is_upper(toks[i + k]):
            return False
    return True


def _catalog_pass(t: _Text, catalog: Catalog) -> list[Mention]:
    """Leftmost-longest alias matches, then short forms kept only where the full name occurs."""
    candidates: list[tuple[int, list[tuple[int, list[Variant]]]]] = []  # (start, [(length, variants)])
    root = catalog.root.children
    first_words = catalog.case_cache  # the trie node and fitting one-word aliases depend on the word only
    toks, gaps, n = t.toks, t.gaps, t.n
    resume = 0
    for i in t.caps:
        if i < resume:
            continue
        tok = toks[i]
        hit = first_words.get(tok)
        if hit is None:
            node = root.get(fold(tok))
            hit = (node, _case_fits(node.variants, t, i)) if node is not None else _NOT_IN_CATALOG
            if len(first_words) >= _FIRST_WORDS_MAX:
                first_words.clear()
            first_words[tok] = hit
        node, ok = hit
        if node is None:
            continue
        found: list[tuple[int, list[Variant]]] = []
        if ok:
            found.append((1, ok))
        j = i
        while node.children and j + 1 < n:
            gap = gaps[j + 1]
            if gap != " " and gap and ("\n" in gap or len(gap) > 2 or not gap.isspace()):
                break  # the next word is not joined to this one (t.joined)
            node = node.children.get(fold(toks[j + 1]))
            if node is None:
                break
            j += 1
            if node.variants:
                ok = _case_fits(node.variants, t, i)
                if ok:
                    found.append((j + 1 - i, ok))
        if found:
            candidates.append((i, found))
            resume = i + found[-1][0]

    full: set[str] | None = None  # entities some candidate names in full; needed only for short forms
    mentions: list[Mention] = []
    for start, found in candidates:
        for length, variants in reversed(found):
            if len(variants) == 1 and not variants[0].short:
                chosen: Variant | None = variants[0]
            else:
                if full is None:
                    full = _named_in_full(candidates)
                chosen = _choose(variants, full)
            if chosen is not None:
                mentions.append(Mention(start, start + chosen.keep, chosen.entity, "catalog", chosen.keep < length))
                break
    return mentions


def _case_fits(variants: list[Variant], t: _Text, i: int) -> list[Variant]:
    return [v for v in variants if _case_ok(v, t, i)]


def _named_in_full(candidates: list[tuple[int, list[tuple[int, list[Variant]]]]]) -> set[str]:
    return {v.entity.entity_id for _, options in candidates for _, variants in options for v in variants if not v.short}


def _choose(variants: list[Variant], full: set[str]) -> Variant | None:
    """A short form whose entity is named in full wins; else the first full alias; else none."""
    if len(variants) == 1 and not variants[0].short:
        return variants[0]
    shorts: dict[str, Variant] = {}
    for v in variants:
        if v.short and v.entity.entity_id in full:
            shorts[v.entity.entity_id] = v
    if len(shorts) == 1:
        return next(iter(shorts.values()))
    longs = [v for v in variants if not v.short]
    return longs[0] if longs else None


def _facility_after(t: _Text, b: int, cue: Cues) -> int:
    """Length of a lower-case facility phrase right after token b-1 ("refinery", "power plant"), or 0."""
    if b >= t.n or not t.toks[b].islower():
        return 0
    candidates = cue.facility_by_first.get(fold(t.toks[b]))
    if not candidates or not t.joined(b - 1):
        return 0
    toks = t.toks
    for phrase in candidates:
        k = len(phrase)
        if b + k > t.n:
            continue
        for i in range(k):
            if fold(toks[b + i]) != phrase[i] or not toks[b + i].islower():
                break
        else:
            for i in range(k - 1):
                if not t.joined(b + i):
                    break
            else:
                return k
    return 0


def _is_language(t: _Text, m: Mention) -> bool:
    """"replied in Hungarian:": a people's adjective after "in" and before punctuation is a
    language, which is not tagged."""
    a, b = m.start_tok, m.end_tok
    if m.entity.type != "NORP" or a == 0 or t.toks[a - 1] != "in" or b - a != 1:
        return False
    return b >= t.n or (t.toks[b] in {".", ",", ":", ";", ")", "!", "?"} and t.tight(b - 1))


def _apply_river_and_facility(t: _Text, mentions: list[Mention], catalog: Catalog) -> None:
    """"the right bank of the Dnipro": a city named with "the" is its river when the catalogue has
    one ("Dnipro River"); "Vilnius airport": a place with a lower-case facility word after it
    is that facility, a place of its own (LOC), the word kept in the span."""
    cue = cues()
    toks, n = t.toks, t.n
    for m in mentions:
        if m.entity.type != "GPE":
            continue
        a, b = m.start_tok, m.end_tok
        extra = _facility_after(t, b, cue) if b < n and toks[b].islower() else 0
        if extra:
            name = " ".join(t.text[t.start(a) : t.ends[b + extra - 1]].split())
            m.end_tok, m.entity = b + extra, auto_entity("LOC", name)
            continue
        if a > 0 and toks[a - 1] == "the" and t.joined(a - 1):
            after = fold(toks[b]) if b < n else ""
            if after not in REGION_WORDS and after != "'s":
                river = [v for v in catalog.resolve_key([*toks[a:b], "River"]) if v.entity.type == "LOC"]
                if river:
                    m.entity = river[0].entity


def _apply_region_context(t: _Text, mentions: list[Mention], catalog: Catalog) -> None:
    """"Kherson region", "Kherson and Zaporizhzhia regions", "regions of Donetsk and Luhansk"."""
    entities = catalog.entities
    regional = [m for m in mentions if m.entity.region in entities]
    if not regional:
        return
    by_start = {m.start_tok: m for m in mentions}
    by_end = {m.end_tok: m for m in mentions}
    switch = []
    for m in regional:
        if _region_word_after(t, m, by_start) or _region_word_before(t, m, by_end):
            switch.append(m)
    for m in switch:  # decided first, so one switch does not hide the next list item's region
        m.entity = catalog.entities[m.entity.region]


def _apply_shared_head(t: _Text, mentions: list[Mention], catalog: Catalog) -> None:
    """"Donetsk and Luhansk People's Republics": the first name shares the second one's head."""
    by_start: dict[int, Mention] | None = None
    for m in mentions:
        j = m.end_tok
        if j + 1 >= t.n or t.toks[j] != "and" or not (t.joined(j - 1) and t.joined(j)):
            continue
        if by_start is None:
            by_start = {m.start_tok: m for m in mentions}
        other = by_start.get(j + 1)
        if other is None or other.end_tok - other.start_tok < 2 or other.entity.type != m.entity.type:
            continue
        tokens = t.toks[m.start_tok : m.end_tok] + t.toks[other.start_tok + 1 : other.end_tok]
        longs = [v for v in catalog.resolve_key(tokens) if not v.short]
        if longs:
            m.entity = longs[0].entity


def _region_word_after(t: _Text, m: Mention, by_start: dict[int, Mention]) -> bool:
    """"Kherson region", "Lviv's regional administration"; across a list only a plural counts
    ("Kherson and Zaporizhzhia regions")."""
    j = m.end_tok
    toks, n = t.toks, t.n
    if j < n and fold(toks[j]) == "'s" and t.tight(j - 1):
        j += 1
    listed = False
    while j < n and t.joined(j - 1):
        word = fold(toks[j])
        if word in REGION_WORDS and toks[j].islower():
            return not listed or word in PLURAL_REGION_WORDS
        other = by_start.get(j)
        if other is not None and other.entity.region:
            j, listed = other.end_tok, True
            continue
        if word not in LIST_GLUE:
            return False
        j += 1
    return False


def _region_word_before(t: _Text, m: Mention, by_end: dict[int, Mention]) -> bool:
    """"the region of Kherson"; across a list only a plural counts ("regions of Donetsk and Luhansk")."""
    j = m.start_tok - 1
    toks = t.toks
    listed = False
    while j >= 1 and t.joined(j):
        word = fold(toks[j])
        if word == "of":
            head = fold(toks[j - 1])
            return head in REGION_WORDS and (not listed or head in PLURAL_REGION_WORDS)
        other = by_end.get(j + 1)
        if other is not None and other.entity.region:
            j, listed = other.start_tok - 1, True
            continue
        if word not in LIST_GLUE:
            return False
        j -= 1
    return False


# ---------------------------------------------------------------------------------- rules


def _runs(t: _Text, covered: list[bool]) -> list[tuple[int, int]]:
    """Maximal spans of uncovered capitalised words, joined by connectors, hyphens, initials."""
    runs: list[tuple[int, int]] = []
    toks, gaps, n = t.toks, t.gaps, t.n
    joined = t.joined
    resume = 0
    for i in t.caps:
        if i < resume or covered[i] or not toks[i][0].isalpha():
            continue
        start, j = i, i
        while j + 1 < n:
            gap = gaps[j + 1]
            if gap != " " and gap and ("\n" in gap or len(gap) > 2 or not gap.isspace()):
                break  # not t.joined(j)
            nxt = toks[j + 1]
            if not covered[j + 1] and nxt[0].isupper() and nxt[0].isalpha():  # an uncovered _is_cap_word
                j += 1
                continue
            if nxt not in _RUN_JOINERS and nxt.isascii():
                break  # none of the joins below (an ASCII word is its own fold)
            tight = not gap  # t.tight(j)
            if nxt == "-" or nxt == ".":
                if (
                    j + 2 < n
                    and tight
                    and not covered[j + 2]
                    and _is_cap_word(toks[j + 2])
                    and (not gaps[j + 2] or nxt == "." and len(toks[j]) == 1 and joined(j + 1))
                ):  # "Ivano-Frankivsk", "Table.Briefings", "John F. Kennedy"
                    j += 2
                    continue
                if nxt == "-" and j + 2 < n and tight and not gaps[j + 2]:
                    after = toks[j + 2]
                    if after.isdigit():
                        j += 2  # "Zapad-2025"
                        continue
                    if j > start and after.isalpha() and after.islower() and len(after) <= 6 and not after.endswith("ed"):
                        j += 2  # "Lee Seong-kweun"
                        continue
                break
            if (
                nxt in NAME_PARTICLES
                and j + 3 < n
                and toks[j + 2] == "-"
                and not gaps[j + 2]
                and not gaps[j + 3]
                and not covered[j + 3]
                and _is_cap_word(toks[j + 3])
            ):
                j += 3  # "Lolwah al-Khater"
                continue
            if (
                (nxt.islower() or nxt == "&")
                and fold(nxt) in RUN_CONNECTORS
                and j + 2 < n
                and joined(j + 1)
                and not covered[j + 2]
                and _is_cap_word(toks[j + 2])
            ):
                j += 2
                continue
            if (
                (nxt == "of" or nxt == "for")
                and j + 3 < n
                and toks[j + 2] == "the"
                and joined(j + 1)
                and joined(j + 2)
                and not covered[j + 3]
                and _is_cap_word(toks[j + 3])
            ):
                j += 3  # "Institute for the Study of War"
                continue
            break
        runs.append((start, j + 1))
        resume = j + 1
    return runs


class _RuleContext:
    def __init__(self, t: _Text, cue: Cues, catalog_mentions: list[Mention]):
        self.t = t
        self.cue = cue
        self.surnames: dict[str, Entity | None] = {}
        self.acronyms: dict[str, Entity] = {}
        self.catalog_by_end = {m.end_tok: m for m in catalog_mentions}
        self.orgs = [m for m in catalog_mentions if m.entity.type == "ORG"]
        self.names: dict[tuple[str, ...], Entity] = {}  # rule-made names by their folded words
        self.catalog_mentions = catalog_mentions

    def org_continued(self, a: int, b: int, absorbed: set[int]) -> int | None:
        """"European Council on Foreign Relations": a catalogue organisation ending in an
        organisation word, then "on", "for" or "of" and capitalised words with no cue of their
        own, is one longer organisation; returns where it starts."""
        t = self.t
        if a < 2 or b - a > 4 or not t.toks[a - 1] in {"on", "for", "of"} or not (t.joined(a - 2) and t.joined(a - 1)):
            return None
        before = self.catalog_by_end.get(a - 1)
        if before is None or before.entity.type != "ORG" or id(before) in absorbed:
            return None
        if fold(t.toks[before.end_tok - 1]) not in self.cue.org_tails or not self.name_shaped(a, b):
            return None
        if self.structural_type(a, b) is not None:
            return None
        absorbed.add(id(before))
        return before.start_tok

    def head_of_org(self, k: int) -> Entity | None:
        """"the Institute", "the Mission": after "the", an organisation word alone is the one
        organisation of the article whose name ends in it."""
        t = self.t
        word = fold(t.toks[k])
        if k == 0 or t.toks[k - 1] not in {"the", "The"} or word not in self.cue.org_tails:
            return None
        found: dict[str, Entity] = {}
        for m in self.orgs:
            if m.end_tok - m.start_tok > 1 and self.head_word(m) == word:
                found[m.entity.entity_id] = m.entity
        return next(iter(found.values())) if len(found) == 1 else None

    def first_word_of_org(self, k: int) -> Entity | None:
        """"Nova" after "Nova Poshta": a name's first word alone means the article's one
        organisation that begins with it, unless it is a common or cue word."""
        t, cue = self.t, self.cue
        word = fold(t.toks[k])
        if word in cue.not_names or word in cue.titles or word in cue.org_tails or word in cue.name_openers:
            return None
        if t.has_lower_word(word) or not t.toks[k][1:].islower() or word.endswith(("an", "ese", "ish", "ic")):
            return None  # "Korean-language" is not the Korean People's Army
        if k + 1 < t.n and t.toks[k + 1] == "-":
            return None
        found: dict[str, Entity] = {}
        for m in self.orgs:
            if m.end_tok - m.start_tok > 1 and m.start_tok != k and fold(t.toks[m.start_tok]) == word:
                found[m.entity.entity_id] = m.entity
        return next(iter(found.values())) if len(found) == 1 else None

    def head_of_place(self, k: int, absorbed: set[int]) -> Mention | None:
        """"Gulf of Finland", "Bank of England": a head word ("gulf", "bank") with "of" and a
        catalogue place is one name of the head's type; a political head keeps the place's entity
        ("Republic of Moldova" is Moldova)."""
        t = self.t
        type_ = self.cue.heads_of.get(fold(t.toks[k]))
        if type_ is None or k + 2 >= t.n or t.toks[k + 1] != "of" or not (t.joined(k) and t.joined(k + 1)):
            return None
        place = _starting_at(self.catalog_mentions, k + 2)
        if place is None or place.entity.type not in {"GPE", "LOC"} or id(place) in absorbed:
            return None
        end = place.end_tok
        if end < t.n and (fold(t.toks[end]) == "'s" or (t.joined(end - 1) and t.toks[end][0].isupper())):
            return None
        absorbed.add(id(place))
        if type_ == "GPE" and place.entity.type == "GPE":
            return Mention(k, end, place.entity, "catalog")
        return _make_rule_mention(t, self, k, end, type_)

    def head_word(self, m: Mention) -> str:
        """The organisation word of a name: before "of"/"for"/"on", else the last word."""
        words = [fold(w) for w in self.t.toks[m.start_tok : m.end_tok]]
        k = next((k for k, w in enumerate(words) if k > 0 and w in {"of", "for", "on"}), len(words))
        return words[k - 1]

    def org_word(self, k: int) -> bool:
        """An institution named by one word ("the Senate") or a company-like word ending
        ("Rosselkhozbank", "Metinvest") outside a sentence start."""
        t = self.t
        word = fold(t.toks[k])
        if word in self.cue.institutions_alone:
            return True  # "the Senate", "Senate Republicans"
        if t.sentence_initial(k) or word in self.cue.first_names or word in self.cue.not_names or not t.toks[k][1:].islower():
            return False
        for x in self.cue.org_suffixes:
            if word.endswith(x) and len(word) >= len(x) + 3:
                return True
        return False

    def initials_of(self, acronym: str) -> Entity | None:
        """"RUSI" beside "Royal United Services Institute": an unexplained acronym spelling the
        initials of an organisation named in the same article is that organisation."""
        for m in self.orgs:
            words = [w for w in self.t.toks[m.start_tok : m.end_tok] if w[0].isupper() and w.isalpha()]
            if len(words) >= 2 and "".join(w[0] for w in words) == acronym:
                return m.entity
        return None

    def add_surname(self, surname: str, entity: Entity) -> None:
        """Map a surname to its person; a surname two people share maps to None (ambiguous)."""
        known = self.surnames.get(surname, entity)
        self.surnames[surname] = entity if known is not None and known.entity_id == entity.entity_id else None

    def strip_leading(self, a: int, b: int) -> int:
        """Skip articles and, at a sentence start, a common word ("Despite", "Speaking")."""
        t, cue = self.t, self.cue
        toks, titles, openers, not_names = t.toks, cue.titles, cue.name_openers, cue.not_names
        while a < b:
            word = fold(toks[a])
            if word in titles or (word in openers and a + 1 < b):
                break  # titles are cues; "Central Election Commission" keeps "Central"
            if len(toks[a]) == 1 and a + 1 < b and toks[a + 1] == "." and not t.gaps[a + 1]:
                break  # an initial
            if word in not_names or (
                t.sentence_initial(a) and (word.endswith(("ing", "ly", "ed")) or t.has_lower_word(word))  # is_common
            ):
                a += 1  # "The", "Monday", "Despite"
                continue
            break
        return a

    def is_common(self, i: int) -> bool:
        word = fold(self.t.toks[i])
        return (
            word in self.cue.not_names
            or self.t.has_lower_word(word)
            or word.endswith(("ing", "ly", "ed"))
        )

    def structural_type(self, a: int, b: int, words: list[str] | None = None) -> str | None:
        """Type from the span's own words: "Ministry of ...", "... Council", "... Sea", "... War".
        `words` are the span's folded tokens when the caller has them."""
        if words is None:
            words = list(map(fold, self.t.toks[a:b]))
        cue = self.cue
        if len(words) >= 3 and (words[1] == "of" or words[1] == "for") and words[0] in cue.heads_of:
            return cue.heads_of[words[0]]
        if len(words) >= 2:
            # The head noun comes before "of"/"for": "Headquarters for the Treatment of Prisoners of War".
            last = words[-1]
            if not _HEAD_LINKS.isdisjoint(words):
                for k in range(1, len(words)):
                    if words[k] in _HEAD_LINKS:
                        last = words[k - 1]
                        break
            if last in cue.org_tails:
                return "ORG"
            if last in cue.gpe_tails:
                return "GPE"
            if last in cue.loc_tails:
                return "LOC"
            if last in cue.event_tails:
                return "EVENT"
        return None

    def segments(self, a: int, b: int) -> list[tuple[int, int, str | None]]:
        """Split a run of capitalised words into typed pieces (type None: no cue, not a mention).

        "Senate Majority Leader John Thune" -> "John Thune" PERSON; "Security Council Secretary"
        -> "Security Council" ORG; "Kharkiv Mayor Ihor Terekhov" -> "Ihor Terekhov" PERSON.
        """
        t, cue = self.t, self.cue
        if a >= b:
            return []
        if t.toks[a] == "the":  # "Kovalenko of the Information Resistance group"
            return self.segments(a + 1, b)
        words = [fold(t.toks[a])] if b - a == 1 else list(map(fold, t.toks[a:b]))
        n = len(words)
        if n > 2 and words[0] in cue.titles and words[1] == "of":
            skip = 3 if words[2] == "the" else 2  # "Chief of the General Staff" -> "General Staff"
            if a + skip < b and self.structural_type(a + skip, b, words[skip:]) is not None:
                return self.segments(a + skip, b)
        type_ = self.structural_type(a, b, words) if n > 1 else None  # one word has no structure
        if type_ is not None:
            return [(a, b, type_)]
        if n > 2 and "of" in words:
            for k in range(1, n - 1):
                if words[k] != "of":
                    continue
                r = a + k + 1 + (words[k + 1] == "the")
                if r < b and self.structural_type(r, b, words[r - a :]) == "ORG":
                    left = self.segments(a, a + k)
                    if len(left) == 1 and left[0][2] is None and 2 <= k <= 3 and self.name_shaped(a, a + k):
                        left = [(a, a + k, "PERSON")]  # "Kristi Raik of the International Centre for ..."
                    return left + [(r, b, "ORG")]
        if n > 2 and ("and" in words or "&" in words):
            for k in range(1, n - 1):
                if words[k] == "and" or words[k] == "&":
                    return self.segments(a, a + k) + self.segments(a + k + 1, b)
        filler = cue.filler
        e = b
        while e > a and words[e - 1 - a] in filler:
            e -= 1
        if e < b:
            return self.segments(a, e)
        titles = cue.titles
        last_title = None
        if not titles.isdisjoint(words):
            for k in range(n - 1, -1, -1):
                if words[k] in titles:
                    last_title = k
                    break
        if last_title is not None and cue.title_modifiers.issuperset(titles.intersection(words[: last_title + 1])):
            last_title = None  # "National Rally": a qualifier alone does not make the rest a person
        if last_title is not None:
            head_end = a + last_title
            while head_end > a and words[head_end - 1 - a] in filler:
                head_end -= 1
            name_start = a + last_title + 1
            pieces = self.segments(a, head_end) if head_end > a else []
            cut = b
            for k in range(name_start, b):
                if words[k - a] in PLACE_OF:
                    cut = k
                    break
            if cut - name_start <= 4:
                pieces.append((name_start, cut, "PERSON"))
            return pieces
        if n <= 3 and _ends_with_any(t.prev_words(a, cue.lead_len), cue.event_leads):
            return [(a, b, "EVENT")]  # "an investigation code-named Midas"
        if self.org_context(a, b):
            if 2 <= n <= 3 and self.name_shaped(a, b) and words[0] in cue.first_names:
                return [(a, b, "PERSON")]  # "the producer Michelle Mizner"
            return [(a, b, "ORG")]
        after = self.word_after(b)
        extra = _facility_after(t, b, cue) if n <= 3 else 0
        if extra:
            return [(a, b + extra, "LOC")]  # "the Zhovten cinema", "the Trypilska power plant"
        plain = CONNECTORS.isdisjoint(words)
        if after in cue.org_words_after and n <= 4 and plain:
            return [(a, b, "ORG")]  # "the Vostok group", "the Khartia brigade", "the Information Resistance group"
        if after in cue.event_words_after and n <= 4 and plain:
            return [(a, b, "EVENT")]  # "the Zapad-2025 exercise"
        if n <= 3 and self.place_context(a, b):
            return [(a, b, "GPE")]
        if n > 1 and not PLACE_OF.isdisjoint(words):
            for k in range(1, n):
                if words[k] in PLACE_OF:  # "Jeanne Shaheen of New Hampshire": a name ends before "of"
                    return self.segments(a, a + k) + self.segments(a + k + 1, b)
        shaped = self.name_shaped(a, b)
        described = self.apposition(b)
        if (
            described == "ORG"
            and n <= 4
            and shaped
            and words[0] not in cue.first_names
            and not (t.sentence_initial(a) and self.is_common(a))
        ):
            return [(a, b, "ORG")]  # "Grand Service Express, the rail operator"
        if n == 1:
            person = self.prev_is_title(a) or (shaped and self.person_noun_before(a)) or (
                words[0] in cue.first_names and (self.speech_nearby(a, b) or described == "PERSON")
            )  # "the singer Jamala", "his wife, Inna", "said Svetlana, a pensioner"
            return [(a, b, "PERSON" if person else None)]
        if self.prev_is_title(a) or (shaped and self.person_noun_before(a)):
            return [(a, b, "PERSON")]
        if words[0] in cue.first_names and n <= 4:
            return [(a, b, "PERSON")]
        if n - words.count(".") - words.count("-") <= 3 and shaped and (self.speech_nearby(a, b) or described == "PERSON"):
            return [(a, b, "PERSON")]
        return [(a, b, None)]

    def word_after(self, b: int) -> str | None:
        """The lower-case word right after a span on the same line, folded."""
        t = self.t
        if b < t.n and t.joined(b - 1) and t.toks[b].islower():
            return fold(t.toks[b])
        return None

    def person_noun_before(self, a: int) -> bool:
        """"high jumper Yaroslava Mahuchikh", "his wife, Inna": a lower-case word for a person."""
        t, j = self.t, a - 1
        if j >= 1 and t.toks[j] == "," and t.joined(j):
            j -= 1
        return j >= 0 and t.joined(j) and t.toks[j].islower() and fold(t.toks[j]) in self.cue.person_nouns

    def described_as_person(self, b: int) -> bool:
        """"Danielle Bell, who heads...", "Matthias Schmale, the UN resident coordinator, ..."."""
        return self.apposition(b) == "PERSON"

    def apposition(self, b: int) -> str | None:
        """What a name is said to be right after it: "X, who ..." and "X, the UN resident
        coordinator" make a person; "X, the rail operator" an organisation (the first noun wins)."""
        t, j = self.t, b
        if j + 1 >= t.n or t.toks[j] != "," or not t.joined(j - 1):
            return None
        if fold(t.toks[j + 1]) == "who":
            return "PERSON"
        first = j + 2
        if j + 3 < t.n and t.toks[j + 1][0].isupper() and fold(t.toks[j + 2]) == "'s":
            first = j + 3  # "Hikmet Hajiyev, Aliyev's foreign policy adviser"
        elif fold(t.toks[j + 1]) not in {"a", "an", "the", "his", "her"}:
            if not t.toks[j + 1].islower():
                return None
            first = j + 1  # "Mycle Schneider, lead author of ..."
            for w in t.toks[first : first + 2]:
                w = fold(w)
                if w in self.cue.person_nouns or w in self.cue.role_titles:
                    break
            else:
                return None
        for k in range(first, min(j + 9, t.n)):
            word = fold(t.toks[k])
            if word in {",", ".", ";", "(", ")"}:
                return None
            if word in self.cue.person_nouns or word in self.cue.role_titles:
                return "PERSON"
            if word in self.cue.org_nouns and t.toks[k].islower() and (k + 1 >= t.n or fold(t.toks[k + 1]) != "'s"):
                nxt = fold(t.toks[k + 1]) if k + 1 < t.n else ""
                if nxt in self.cue.person_nouns or nxt in self.cue.titles:
                    return "PERSON"  # "the party leader", "a bank analyst"
                return "ORG"
        return None

    def org_context(self, a: int, b: int) -> bool:
        """"the newspaper Kommersant", "monitor OVD-Info", "an interview with Table.Briefings"."""
        t = self.t
        if a == 0 or not t.toks[a - 1].islower():
            return False
        if _ends_with_any(t.prev_words(a, self.cue.lead_len), self.cue.org_leads):
            return True
        return t.prev_words(a, 2) == ("interview", "with") and not any(t.gaps[a + 1 : b])  # written as one word

    def prev_is_title(self, a: int) -> bool:
        """A lower-case title before the name ("spokesman Dmitry Peskov", "the prime minister,
        Dick Schoof") or an abbreviation ("Sen. Jeanne Shaheen")."""
        prev = self.t.prev_words(a, 2)
        if prev and prev[-1] in self.cue.titles and self.t.toks[a - 1].islower():
            return True
        if len(prev) == 2 and prev[-1] == "," and prev[0] in self.cue.titles and self.t.toks[a - 2].islower():
            return True
        return (  # "Sen. Shaheen", not "spoke first. Later"
            len(prev) == 2
            and prev[-1] == "."
            and prev[0] in self.cue.titles
            and self.t.toks[a - 2][0].isupper()
            and self.t.tight(a - 2)
        )

    def name_shaped(self, a: int, b: int) -> bool:
        """Words like "Olena" and "Kovalenko": a capital then lower case, no acronyms, digits or
        function words ("Reporters Without Borders")."""
        toks = self.t.toks[a:b]
        if not toks or max(map(len, toks)) == 1:
            return False
        for w in toks:
            if w.isalpha() and w[0].isupper() and w[1:].islower() and fold(w) not in STOP_WORDS:
                continue
            if len(w) == 1 and (w.isupper() or w == "." or w == "-"):
                continue  # "H. I. Sutton", "Yunus-Bek Yevkurov"
            return False
        return True

    def speech_nearby(self, a: int, b: int) -> bool:
        """A reporting verb or an age right after the name ("X said", "X, 54,"), or "according to X"."""
        t = self.t
        prev = t.prev_words(a, 1)
        if prev and prev[0] in self.cue.not_speakers_before:
            return False  # "analysts at Goldman Sachs said": the verb belongs to someone else
        j = b
        if j + 1 < t.n and t.toks[j] == "," and t.joined(j - 1):
            if t.toks[j + 1].isdigit() and j + 2 < t.n and t.toks[j + 2] == ",":
                return True
            j += 1
        if j < t.n and t.joined(j - 1) and fold(t.toks[j]) in self.cue.speech_after:
            return True
        return _ends_with_any(t.prev_words(a, self.cue.lead_len), self.cue.speech_before)

    def place_context(self, a: int, b: int) -> bool:
        """"the village of Huta Mezhyhirska", "near Xivka", "X district": an unknown place name."""
        t = self.t
        if b < t.n and t.joined(b - 1) and t.toks[b].islower() and fold(t.toks[b]) in self.cue.admin_words:
            return True
        prev = t.prev_words(a, self.cue.lead_len)
        if _ends_with_any(prev, self.cue.place_leads):
            return True
        if b - a != 1:
            return False
        word = fold(t.toks[a])
        return bool(prev) and prev[-1] in self.cue.locatives and word.endswith(self.cue.place_suffixes) and len(word) > 4


def _given_name_not_place(t: _Text, m: Mention, cue: Cues) -> bool:
    """A one-word nationality or country that is also a given name, followed by a surname-like word."""
    j = m.end_tok
    return (
        m.end_tok - m.start_tok == 1
        and m.entity.type in {"NORP", "GPE"}
        and fold(t.toks[m.start_tok]) in cue.first_names
        and j < t.n
        and t.joined(j - 1)
        and t.toks[j].isalpha()
        and t.toks[j][0].isupper()
        and t.toks[j][1:].islower()
        and fold(t.toks[j]) not in cue.not_names
        and fold(t.toks[j]) not in cue.titles
    )


# Phrase lists indexed by their last or first word. Keyed by the list's identity (the lists are
# the cue tables, built once): hashing a tuple of tuples on every call cost more than the lookup.
_PhraseIndex = dict[str, tuple[tuple[str, ...], ...]]
_BY_LAST: dict[int, tuple[tuple[tuple[str, ...], ...], _PhraseIndex]] = {}
_BY_FIRST: dict[int, tuple[tuple[tuple[str, ...], ...], _PhraseIndex]] = {}


def _phrase_index(phrases: tuple[tuple[str, ...], ...], position: int, indexes: dict) -> _PhraseIndex:
    hit = indexes.get(id(phrases))
    if hit is not None and hit[0] is phrases:
        return hit[1]
    index: dict[str, list[tuple[str, ...]]] = {}
    for p in phrases:  # keeps the given order (longest first for facility phrases)
        index.setdefault(p[position], []).append(p)
    built = {k: tuple(v) for k, v in index.items()}
    if len(indexes) >= 64:
        indexes.clear()
    indexes[id(phrases)] = (phrases, built)  # holding the list keeps its id unique
    return built


def _by_last_word(phrases: tuple[tuple[str, ...], ...]) -> _PhraseIndex:
    return _phrase_index(phrases, -1, _BY_LAST)


def _by_first_word(phrases: tuple[tuple[str, ...], ...]) -> _PhraseIndex:
    return _phrase_index(phrases, 0, _BY_FIRST)


def _ends_with_any(words: tuple[str, ...], phrases: tuple[tuple[str, ...], ...]) -> bool:
    if not words:
        return False
    hit = _BY_LAST.get(id(phrases))  # _by_last_word(phrases), without two calls
    index = hit[1] if hit is not None and hit[0] is phrases else _by_last_word(phrases)
    candidates = index.get(words[-1])
    if candidates:
        n = len(words)
        for p in candidates:
            if len(p) <= n and words[-len(p) :] == p:
                return True
    return False


def _rule_pass(t: _Text, catalog_mentions: list[Mention]) -> list[Mention]:
    cue = cues()
    absorbed: set[int] = set()
    covered = [False] * t.n
    for m in catalog_mentions:
        if (
            m.end_tok - m.start_tok == 1
            and m.entity.type in {"NORP", "GPE"}
            and fold(t.toks[m.start_tok]) in cue.first_names
            and _given_name_not_place(t, m, cue)
        ):
            absorbed.add(id(m))  # "Christian Lindner", "Jordan Henderson": a person, not a people or country
            continue
        covered[m.start_tok : m.end_tok] = [True] * (m.end_tok - m.start_tok)
    ctx = _RuleContext(t, cue, [m for m in catalog_mentions if id(m) not in absorbed] if absorbed else catalog_mentions[:])
    for m in catalog_mentions:
        if m.entity.type == "PERSON" and m.end_tok - m.start_tok > 1:
            ctx.add_surname(fold(t.toks[m.end_tok - 1]), m.entity)

    rule_mentions: list[Mention] = []
    singles: list[tuple[int, str | None]] = []  # (token, type from a title cue)
    untyped: list[tuple[int, int]] = []  # multi-word names with no cue where they stand

    def add(mention: Mention) -> None:
        rule_mentions.append(mention)
        if mention.entity.type == "ORG":
            ctx.orgs.append(mention)
            _extend_to_place(t, ctx, mention, absorbed)
        key = tuple(fold(w) for w in t.toks[mention.start_tok : mention.end_tok])
        ctx.names.setdefault(key, mention.entity)
        if mention.entity.type == "PERSON" and mention.end_tok - mention.start_tok > 1:
            ctx.add_surname(key[-1], mention.entity)

    for a0, b in _runs(t, covered):
        a = ctx.strip_leading(a0, b)
        if a >= b:
            continue
        if t.headline_case(a) or b - a > MAX_RUN_TOKENS:
            singles.extend((k, None) for k in range(a, b))  # title case says nothing: links only
            continue
        head = ctx.org_continued(a, b, absorbed)
        if head is not None:  # "European Council on Foreign Relations"
            add(_make_rule_mention(t, ctx, head, b, "ORG"))
            continue
        for start, end, type_ in ctx.segments(a, b):
            if end - start == 1:
                singles.append((start, type_))
                continue
            if end - start > MAX_RULE_TOKENS:
                continue
            if type_ is None:
                untyped.append((start, end))
                continue
            add(_rule_mention(t, ctx, start, end, type_, absorbed))

    for start, end in untyped if ctx.names else ():  # the same name typed elsewhere in the article gives the type
        entity = ctx.names.get(tuple(map(fold, t.toks[start:end])))
        if entity is not None:
            rule_mentions.append(Mention(start, end, entity, "rule"))

    _register_acronyms(t, ctx, catalog_mentions + rule_mentions)
    places = {m.end_tok for m in catalog_mentions + rule_mentions if m.entity.type == "GPE"}
    for k, hint in sorted(singles):
        surname = fold(t.toks[k])
        if surname in ctx.surnames and ctx.surnames[surname] is None:
            continue  # two people in the article share it: leave it unlinked
        entity = ctx.surnames.get(surname) or ctx.acronyms.get(t.toks[k]) or ctx.names.get((surname,))
        if entity is None and hint is None:
            entity = ctx.head_of_org(k) or ctx.first_word_of_org(k)  # "the Institute", "Shakhtar's coach"
        if entity is None and hint is None:
            entity = _alias_of(t, ctx, k, rule_mentions)
            if entity is None and _ends_with_any(t.prev_words(k, cue.lead_len), cue.alias_leads):
                hint = "PERSON"  # "a soldier with the call sign Kupol"
        if entity is not None:
            source = "rule" if entity.entity_id.startswith("auto:") else "catalog"
            rule_mentions.append(Mention(k, k + 1, entity, source))
            continue
        if hint == "PERSON":  # "Mr Keosayan", "Mayor Terekhov": the title is the cue
            rule_mentions.append(_rule_mention(t, ctx, k, k + 1, "PERSON", absorbed))
            continue
        head = ctx.head_of_place(k, absorbed)
        if head is not None:  # "Gulf of Finland", "Republic of Moldova"
            rule_mentions.append(head)
            continue
        before = ctx.catalog_by_end.get(k)
        if (
            before is not None
            and before.entity.type in {"NORP", "GPE", "ORG", "LOC"}
            and not before.context
            and surname in cue.org_tails
            and t.joined(k - 1)
            and id(before) not in absorbed
        ):  # "Russian Navy", "Ukrainian Parliament"
            rule_mentions.append(_rule_mention(t, ctx, k, k + 1, "ORG", absorbed))
            continue
        if hint is None and surname in cue.institutions_alone and not t.headline_case(k):
            hint = "ORG"  # "Senate Republicans", "the Duma": capitalised, it names the institution
        elif t.headline_case(k) or (t.sentence_initial(k) and hint not in {"ORG", "EVENT"}):
            continue
        if hint is None and _listed_after_place(t, k, places):
            hint = "GPE"
        if hint is None and _is_upper(t.toks[k]) and len(t.toks[k]) > 1:
            hint = "ORG" if ctx.initials_of(t.toks[k]) is not None else None
            if hint:
                rule_mentions.append(Mention(k, k + 1, ctx.initials_of(t.toks[k]), "rule"))
                continue
        if hint is None and ctx.org_word(k):
            hint = "ORG"  # "the Senate", "Rosselkhozbank", "Metinvest"
        if hint is not None:
            rule_mentions.append(_rule_mention(t, ctx, k, k + 1, hint, absorbed))
            if hint == "GPE":
                places.add(k + 1)
    if absorbed:
        catalog_mentions[:] = [m for m in catalog_mentions if id(m) not in absorbed]
    return rule_mentions


QUOTES = {'"', "“", "”", "«", "»", "'", "‘", "’"}


def _alias_of(t: _Text, ctx: _RuleContext, k: int, rule_mentions: list[Mention]) -> Entity | None:
    """A second name given in the same breath: "Robert Brovdi, known by his call sign Madyar"
    (the person named last before it in the paragraph) and '47th Mechanized Brigade "Magura"'
    (a quoted word right after an organisation). Looks among the catalogue's and `rule_mentions`."""
    if 2 <= k < t.n - 1 and t.toks[k - 1] in QUOTES and t.toks[k + 1] in QUOTES and t.tight(k - 1) and t.tight(k):
        before = None
        for m in ctx.catalog_mentions + rule_mentions:
            if m.end_tok == k - 1:
                before = m
                break
        if before is not None and before.entity.type == "ORG" and t.joined(k - 2):
            return before.entity
    if not _ends_with_any(t.prev_words(k, ctx.cue.lead_len), ctx.cue.alias_leads):
        return None
    last = None  # the person mention ending last (the first of those) within ten tokens before k
    for m in ctx.catalog_mentions + rule_mentions:
        if m.entity.type == "PERSON" and k - 10 <= m.end_tok <= k and (last is None or m.end_tok > last.end_tok):
            last = m
    return last.entity if last is not None else None


def _starting_at(mentions: Iterable[Mention], k: int) -> Mention | None:
    """The first of `mentions` that starts at token k."""
    for m in mentions:
        if m.start_tok == k:
            return m
    return None


def _listed_after_place(t: _Text, k: int, place_ends: set[int]) -> bool:
    """"the villages of Oleshnya and Hornal": a name joined by "and" to a place is a place."""
    return k >= 2 and t.toks[k - 1] in {"and", "or", ","} and (k - 1) in place_ends and t.joined(k - 1) and t.joined(k - 2)


ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
# TOKEN_RE's tokens with what lies between them, in one split. Written for speed, it finds the same
# tokens as TOKEN_RE: every token starts at a non-space character (the `\S` lets the regex engine
# skip whitespace quickly), and that first character tells the alternatives apart. After a word
# character: a plain word (no "." or apostrophe after it, most tokens), else TOKEN_RE's acronym
# (U.S.), else its word with apostrophes (O'Brien); after an apostrophe: a possessive 's; else the
# mark alone. The quantifiers are possessive because nothing after them could make a shorter run fit.
_SPLIT_RE = re.compile(
    r"(\S(?:(?<=\w)(?:\w*+(?![.'’])|(?<=[^\d_])\.(?:[^\W\d_]\.)+|\w*+(?:['’](?![sS]\b)\w++)*+)|(?<=['’])[sS]\b|))"
)


def _rule_mention(t: _Text, ctx: _RuleContext, a: int, b: int, type_: str, absorbed: set[int]) -> Mention:
    """A rule-made mention; an organisation or event keeps the unit number, nationality, place or
    parent organisation before it ("Ukraine Recovery Conference", "UN Monitoring Mission")."""
    if type_ in {"ORG", "EVENT"} and a > 0 and t.joined(a - 1):
        before = ctx.catalog_by_end.get(a)
        if ORDINAL.match(t.toks[a - 1]):
            a -= 1  # "93rd Mechanized Brigade"
        else:
            while before is not None and before.entity.type in {"NORP", "GPE", "ORG", "LOC"} and id(before) not in absorbed:
                a = before.start_tok  # "Ukrainian Air Force", "Kyiv City Council", "UN Monitoring Mission"
                absorbed.add(id(before))
                before = ctx.catalog_by_end.get(a) if a > 0 and t.joined(a - 1) else None
    return _make_rule_mention(t, ctx, a, b, type_)


def _extend_to_place(t: _Text, ctx: _RuleContext, m: Mention, absorbed: set[int]) -> None:
    """"UN Human Rights Monitoring Mission in Ukraine": a mission's name goes on to its place."""
    j = m.end_tok
    if j + 1 >= t.n:
        return
    formal = t.toks[j] == "of" and not {"of", "for"}.isdisjoint(t.toks[m.start_tok : j])
    if not formal and (fold(t.toks[j - 1]) not in ctx.cue.org_tails_with_place or t.toks[j] not in {"in", "to"}):
        return
    place = _starting_at(ctx.catalog_by_end.values(), j + 1)
    if place is None or place.entity.type != "GPE" or id(place) in absorbed or not (t.joined(j - 1) and t.joined(j)):
        return
    k = place.end_tok
    if k < t.n and (fold(t.toks[k]) == "'s" or (t.joined(k - 1) and t.toks[k][0].isupper())):
        return  # "of Ukraine's National Guard": the place belongs to the next name
    absorbed.add(id(place))
    fresh = _make_rule_mention(t, ctx, m.start_tok, place.end_tok, "ORG")
    m.end_tok, m.entity = fresh.end_tok, fresh.entity


def _make_rule_mention(t: _Text, ctx: _RuleContext, a: int, b: int, type_: str) -> Mention:
    name = " ".join(t.text[t.start(a) : t.ends[b - 1]].replace("’", "'").split())
    known = ctx.surnames.get(fold(t.toks[a])) if type_ == "PERSON" and b - a == 1 else None
    if known is not None:
        return Mention(a, b, known, "rule")
    return Mention(a, b, auto_entity(type_, name), "rule")


def _register_acronyms(t: _Text, ctx: _RuleContext, mentions: list[Mention]) -> None:
    """"Security Service of Ukraine (SBU)": the bracketed acronym names the same entity later."""
    if "(" not in t.text:
        return
    for m in mentions:
        j = m.end_tok
        if m.entity.type == "PERSON" or j + 2 >= t.n:
            continue
        if t.toks[j] == "(" and t.toks[j + 2] == ")" and _is_upper(t.toks[j + 1]) and len(t.toks[j + 1]) >= 2:
            ctx.acronyms.setdefault(t.toks[j + 1], m.entity)


def _apply_apposition(t: _Text, mentions: list[Mention]) -> None:
    """"Donetsk (DPR)": a place named and then given a catalogue acronym is that acronym's entity."""
    if "(" not in t.text:
        return
    by_start = {m.start_tok: m for m in mentions}
    for m in mentions:
        j = m.end_tok
        if j + 2 < t.n and t.toks[j] == "(" and t.toks[j + 2] == ")":
            acro = by_start.get(j + 1)
            if acro is not None and acro.entity.type == m.entity.type == "GPE" and acro.entity is not m.entity:
                m.entity = acro.entity


# ---------------------------------------------------------------------------------- public


_NATIONAL: dict[int, dict[tuple[str, ...], dict[str, Entity]]] = {}


def _national_bodies(catalog: Catalog) -> dict[tuple[str, ...], dict[str, Entity]]:
    """Generic body name -> {country or people entity id: catalogue entity}, from aliases such as
    "Russia's Defence Ministry" and "Russian Defence Ministry" ("defence ministry" -> Russia,
    Russians -> Russian Ministry of Defence). Built once per catalogue."""
    table = _NATIONAL.get(id(catalog))
    if table is not None:
        return table
    table = {}
    for entity in catalog.entities.values():
        if entity.type != "ORG":
            continue
        for alias in (entity.name, *entity.aliases):
            tokens = TOKEN_RE.findall(alias)
            cut = 2 if len(tokens) > 2 and fold(tokens[1]) == "'s" else 1
            if len(tokens) - cut < 2:
                continue
            owners = [v.entity for v in catalog.resolve_key(tokens[:1]) if v.entity.type in {"GPE", "NORP"} and not v.short]
            if len(owners) == 1:
                key = tuple(fold(w) for w in tokens[cut:])
                table.setdefault(key, {}).setdefault(owners[0].entity_id, entity)
    _NATIONAL[id(catalog)] = table
    return table


def _apply_national_bodies(t: _Text, mentions: list[Mention], catalog: Catalog) -> None:
    """"the Defence Ministry", "Security Council Secretary Sergei Shoigu": a rule-made body with
    no country in its name is the catalogue's body of the country or people named last before it
    in the paragraph, when the catalogue has that country's body under the same generic name."""
    table = _national_bodies(catalog)
    for i, m in enumerate(mentions):
        if m.source != "rule" or m.entity.type != "ORG":
            continue
        bodies = table.get(tuple(fold(w) for w in t.toks[m.start_tok : m.end_tok]))
        if not bodies:
            continue
        paragraph = t.text.rfind("\n\n", 0, t.start(m.start_tok))
        for prev in reversed(mentions[:i]):
            if t.start(prev.start_tok) < paragraph:
                break
            if prev.entity.entity_id in bodies:
                m.entity, m.source = bodies[prev.entity.entity_id], "catalog"
                break


_FIRST_WORDS_MAX = 16384  # words kept in Catalog.case_cache (capitalised words met, most not in the catalogue)
_NOT_IN_CATALOG: tuple[None, list[Variant]] = (None, [])
_NO_ARTICLE: Any = object()
_start_tok = attrgetter("start_tok")


def detect(text: str, catalog: Catalog | None = None, article_id: Any = _NO_ARTICLE) -> list[dict[str, Any]]:
    """Mention rows for a text: catalogue matches, then rule-made names; offsets into `text`.
    Given `article_id`, each row starts with it (the entities table's rows, built in one go)."""
    catalog = catalog or load_catalog()
    t = _Text(text)
    if t.n == 0:
        return []
    catalog_mentions = _catalog_pass(t, catalog)
    _apply_region_context(t, catalog_mentions, catalog)
    _apply_shared_head(t, catalog_mentions, catalog)
    _apply_apposition(t, catalog_mentions)
    _apply_river_and_facility(t, catalog_mentions, catalog)
    catalog_mentions[:] = [m for m in catalog_mentions if m.entity.type != "NORP" or not _is_language(t, m)]
    rule_mentions = _rule_pass(t, catalog_mentions)  # may absorb catalogue mentions into names
    mentions = catalog_mentions + rule_mentions
    mentions.sort(key=_start_tok)
    _apply_national_bodies(t, mentions, catalog)
    toks, ends = t.toks, t.ends
    rows = []
    for m in mentions:
        start, end = ends[m.start_tok] - len(toks[m.start_tok]), ends[m.end_tok - 1]
        e = m.entity
        row = {} if article_id is _NO_ARTICLE else {"article_id": article_id}  # the article's ID leads
        row.update(
            entity_id=e.entity_id,
            name=e.name,
            type=e.type,
            surface=text[start:end],
            start=start,
            end=end,
            wikidata_id=e.wikidata_id,
            source=m.source,
        )
        rows.append(row)
    return rows
