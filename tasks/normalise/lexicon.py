"""Load the spelling lexicon (data in `lexicon.yaml`) and compile it into one matcher.

Every spelling, variant or exception, becomes a branch of one regex built as a character trie, so
the engine follows one path per character instead of trying hundreds of alternatives; the trie
prefers the longest spelling and every match must be a whole word on both sides. What a match
means (change it, keep it, or look at the words around it first) is decided by looking its key up
in the tables below.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")

APOSTROPHES = "'’ʼ‘"
# A letter or digit. Not the underscore (markdown emphasis: _Kiev_) nor the modifier-letter
# apostrophe (ʼ), which Python counts as a letter: "Kievʼs" is a possessive like "Kiev's".
WORD = "[^\\W_\u02bc]"
DASHES = "-‐‑–"
# Whitespace between two words of a name: any run, but never a paragraph break.
_SEP = r"(?:[^\S\n]*\n[^\S\n]*|[^\S\n]+)"
_UNITS = {" ": _SEP, "'": f"[{APOSTROPHES}]", "-": f"[{DASHES}]"}
_KEY_APOS = re.compile(f"[{APOSTROPHES}]")
_KEY_DASH = re.compile(f"[{DASHES}]")
_KEY_SPACE = re.compile(r"\s+")

# Marks of a token that is an identifier, not prose: links, domains, e-mail addresses, handles
# and hashtags. The whole whitespace-delimited token around a mark is left as published. The
# pattern starts with a character class so the regex engine can skip ahead quickly.
_TLDS = "com|org|net|gov|edu|info|io|ua|ru|uk|eu|de|fr|int|news|tv"
PROTECTED_MARKS = re.compile(
    r"[:wW@#.](?:(?<=:)//|(?<=[wW])(?i:ww)\.|(?<=[@#])\w|(?<=\.)(?i:" + _TLDS + r")(?:/|\b))"
)


class LexiconError(ValueError):
    """The lexicon file is inconsistent (a spelling claimed twice, a variant that is canonical...)."""


def key(text: str, fold: bool = True) -> str:
    """The form two spellings share when the matcher treats them as the same."""
    if text.isascii() and text.isalpha():  # the common case: one plain word
        return text.lower() if fold else text
    text = _KEY_APOS.sub("'", text)
    text = _KEY_DASH.sub("-", text)
    text = _KEY_SPACE.sub(" ", text).strip()
    return text.lower() if fold else text


@dataclass(frozen=True)
class Form:
    """One spelling to replace: what it matches and what it becomes."""

    variant: str
    canonical: str
    rule: str


@dataclass
class Lexicon:
    version: str
    entries: list[dict[str, Any]]
    forms: dict[str, Form] = field(default_factory=dict)  # key(variant) -> form
    context_forms: dict[str, Form] = field(default_factory=dict)  # only before an oblast word
    exceptions: dict[str, str] = field(default_factory=dict)  # key(phrase) -> rule
    namesakes: dict[str, str] = field(default_factory=dict)  # key(variant) -> rule
    honorifics: list[str] = field(default_factory=list)
    given_names: list[str] = field(default_factory=list)
    oblast_words: list[str] = field(default_factory=list)
    mentions_before: list[str] = field(default_factory=list)
    mentions_after: list[str] = field(default_factory=list)
    rename_cues: list[str] = field(default_factory=list)
    renamed: dict[str, str] = field(default_factory=dict)  # rule -> former name, Ukrainian spelling
    pattern: re.Pattern[str] = field(init=False, repr=False)  # matches lower-cased text
    pattern_ignorecase: re.Pattern[str] = field(init=False, repr=False)
    person_prefix: re.Pattern[str] = field(init=False, repr=False)  # ends right before a surname
    oblast_word: re.Pattern[str] = field(init=False, repr=False)  # starts right after a name
    mention_before: re.Pattern[str] = field(init=False, repr=False)  # ends right before a name
    mention_after: re.Pattern[str] = field(init=False, repr=False)  # starts right after a name
    rename_before: re.Pattern[str] = field(init=False, repr=False)  # ends right before a name

    @property
    def canonicals(self) -> set[str]:
        return {f.canonical for f in self.forms.values()} | {
            f.canonical for f in self.context_forms.values()
        }


def load_lexicon(path: Path | str = LEXICON_PATH) -> Lexicon:
    """Read and check a lexicon file, and compile its matcher."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    version = str(data["version"])
    prefixes = data.get("person_prefixes", {})
    lex = Lexicon(
        version=version,
        entries=list(data["entries"]),
        honorifics=list(prefixes.get("honorifics", [])),
        given_names=list(prefixes.get("given_names", [])),
        oblast_words=list(data.get("oblast_words", [])),
        mentions_before=[p for c in data.get("mention_cues", {}).get("before", []) for p in expand(c)],
        mentions_after=[p for c in data.get("mention_cues", {}).get("after", []) for p in expand(c)],
        rename_cues=[p for c in data.get("rename_cues", []) for p in expand(str(c))],
    )
    seen_ids: set[str] = set()
    for entry in lex.entries:
        rule = entry["id"]
        if rule in seen_ids:
            raise LexiconError(f"duplicate entry id {rule!r}")
        seen_ids.add(rule)
        _add_entry(lex, entry)
    _check(lex)
    _compile(lex)
    return lex


_CHOICE = re.compile(r"\{([^{}]*)\}")


def expand(phrase: str) -> list[str]:
    """Every phrase `phrase` stands for: "Odessa{,|} TX" -> ["Odessa, TX", "Odessa TX"]."""
    m = _CHOICE.search(phrase)
    if not m:
        return [phrase]
    head, tail = phrase[: m.start()], phrase[m.end() :]
    return [p for choice in m.group(1).split("|") for p in expand(head + choice + tail)]


def _add(table: dict[str, Form], form: Form) -> None:
    k = key(form.variant)
    if k == key(form.canonical):
        return  # the canonical form listed among the variants: nothing to replace
    old = table.get(k)
    if old is not None and old.canonical != form.canonical:
        raise LexiconError(
            f"{form.variant!r} claimed by {old.rule!r} ({old.canonical}) "
            f"and {form.rule!r} ({form.canonical})"
        )
    table.setdefault(k, form)


def _add_entry(lex: Lexicon, entry: dict[str, Any]) -> None:
    rule, canonical = entry["id"], entry["canonical"]
    if entry.get("renamed"):
        lex.renamed[rule] = str(entry.get("former_name") or "")
    variants = [str(v) for v in entry.get("variants") or []]
    only_before = entry.get("only_before")
    table = lex.context_forms if only_before else lex.forms
    for variant in variants:
        _add(table, Form(variant, canonical, rule))

    if entry.get("type") == "person" and entry.get("given_name"):
        given = entry["given_name"]
        given_forms = [given, *[str(g) for g in entry.get("given_variants") or []]]
        gated = [str(v) for v in entry.get("gated_variants") or []]
        for first in given_forms:
            for surname in [canonical, *variants, *gated]:
                _add(table, Form(f"{first} {surname}", f"{given} {canonical}", rule))

    for phrase in entry.get("exceptions") or []:
        for expanded in expand(str(phrase)):
            lex.exceptions[key(expanded)] = rule
    if entry.get("namesake_surname"):
        for variant in variants:
            lex.namesakes[key(variant)] = rule


def _check(lex: Lexicon) -> None:
    """Refuse lexicons whose rules contradict each other or would not be stable when run twice."""
    for k in lex.exceptions.keys() & (lex.forms.keys() | lex.context_forms.keys()):
        raise LexiconError(f"exception {k!r} is also a spelling to replace: it would never change")
    for rule, former in lex.renamed.items():
        other = lex.forms.get(key(former))
        if other is not None and other.rule != rule:
            raise LexiconError(f"former name {former!r} of {rule!r} is a variant of {other.rule!r}")
    canonical_keys = {key(c) for c in lex.canonicals}
    canonical_words = {w for c in canonical_keys for w in c.split(" ")}
    for k, form in [*lex.forms.items(), *lex.context_forms.items()]:
        if k.endswith("'"):
            # a closing quote after a name would be read as part of the name
            raise LexiconError(f"variant {form.variant!r} ({form.rule}) ends with an apostrophe")
        if k in canonical_keys or (" " not in k and k in canonical_words):
            raise LexiconError(f"variant {form.variant!r} ({form.rule}) is a canonical form")


def _unit(ch: str) -> str:
    return _UNITS.get(ch) or re.escape(ch)


def trie_regex(phrases: list[str]) -> str:
    """One regex matching any of `phrases` (already keyed), longest first at every branch."""
    trie: dict[str, Any] = {}
    for phrase in phrases:
        node = trie
        for ch in phrase:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        branches = [_unit(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(trie)


def _trie_or_never(phrases: list[str], fold: bool = True) -> str:
    return trie_regex(sorted({key(p, fold) for p in phrases})) if phrases else "(?!)"


# "known until 2016 as", "spelled in Soviet times as": a naming verb, up to four words, then "as".
_KNOWN_UNTIL_AS = r"(?:known|called|named|spelled|spelt|listed)(?:\s+(?!as\b)[\w,]+){1,4}\s+as"


def _compile(lex: Lexicon) -> None:
    phrases = sorted(set(lex.forms) | set(lex.context_forms) | set(lex.exceptions))
    body = f"(?<!{WORD}){trie_regex(phrases)}(?!{WORD})"
    lex.pattern = re.compile(body)
    lex.pattern_ignorecase = re.compile(body, re.IGNORECASE)
    titles = lex.honorifics + [h[:1].upper() + h[1:] for h in lex.honorifics]  # sentence start
    prefixes = _trie_or_never(titles + lex.given_names, fold=False)
    lex.person_prefix = re.compile(rf"(?<!{WORD})(?:{prefixes}|[A-Z]\.){_SEP}\Z")
    words = _trie_or_never(lex.oblast_words)
    lex.oblast_word = re.compile(rf"{_SEP}{words}(?!{WORD})", re.IGNORECASE)
    cues = _trie_or_never(lex.mentions_before)
    lex.mention_before = re.compile(
        rf"(?<!{WORD})(?:{cues}|{_KNOWN_UNTIL_AS})[,:]?{_SEP}?[\"“‘'«(]?\Z", re.IGNORECASE
    )
    cues = _trie_or_never([c.rstrip("-") for c in lex.rename_cues])
    lex.rename_before = re.compile(
        rf"(?<!{WORD}){cues}(?:{_SEP}|[{DASHES}])\Z", re.IGNORECASE
    )
    cues = _trie_or_never(lex.mentions_after)
    lex.mention_after = re.compile(rf"[\"”’'»]?,?{_SEP}?{cues}(?!{WORD})", re.IGNORECASE)


_MENTION_BEFORE = (
    r"(?<!{w}){canon}\s*(?:\(\s*(?:(?:or|also|formerly|aka|a\.k\.a\.|russian:)\s+)?"
    r"|/\s*|,?\s+(?:or|formerly|also|aka)\s+)[\"“‘'«]?\Z"
)
_MENTION_AFTER = (
    r"[\"”’'»]?\s*(?:\(\s*(?:(?:now|today|or|ukrainian:)\s+)?|/\s*|,?\s+(?:now|or|today)\s+)"
    r"[\"“‘'«]?{canon}(?!{w})"
)


@lru_cache(maxsize=4096)
def beside_canonical(canonical: str) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """Patterns for a variant written right after / right before its own canonical form."""
    canon = _SEP.join(re.escape(w) for w in canonical.split(" "))
    return (
        re.compile(_MENTION_BEFORE.format(w=WORD, canon=canon), re.IGNORECASE),
        re.compile(_MENTION_AFTER.format(w=WORD, canon=canon), re.IGNORECASE),
    )
