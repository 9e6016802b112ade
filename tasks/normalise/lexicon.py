"""Load the spelling lexicon (data in `lexicon.yaml`) and compile it into one matcher.

Every spelling becomes a branch of a single case-insensitive regex, built as a character trie so
that the engine tests one branch per character instead of hundreds of alternatives. Three groups,
tried in this order at each position: exceptions (kept as published), spellings that need the next
word to be an oblast word, and plain variants. Within a group the trie prefers the longest match,
and every match must be a whole word on both sides.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

LEXICON_PATH = Path(__file__).with_name("lexicon.yaml")

APOSTROPHES = "'’ʼ‘"
DASHES = "-‐‑–"
# Whitespace between two words of a name: any run, but never a paragraph break.
_SEP = r"(?:[^\S\n]*\n[^\S\n]*|[^\S\n]+)"
_UNITS = {" ": _SEP, "'": f"[{APOSTROPHES}]", "-": f"[{DASHES}]"}
_KEY_APOS = re.compile(f"[{APOSTROPHES}]")
_KEY_DASH = re.compile(f"[{DASHES}]")
_KEY_SPACE = re.compile(r"\s+")

# Text that is an identifier, not prose: links, e-mail addresses, handles and hashtags.
PROTECTED_PATTERNS = (
    r"https?://\S+",
    r"www\.\S+",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"(?:[\w-]+\.)+(?:com|org|net|gov|edu|info|io|ua|ru|uk|eu|de|fr|int|news|tv)\b(?:/\S*)?",
    r"@\w+",
    r"#\w+",
)


class LexiconError(ValueError):
    """The lexicon file is inconsistent (a spelling claimed twice, a variant that is canonical...)."""


def key(text: str) -> str:
    """The form two spellings share when the matcher treats them as the same."""
    text = _KEY_APOS.sub("'", text)
    text = _KEY_DASH.sub("-", text)
    return _KEY_SPACE.sub(" ", text).strip().lower()


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
    exception_patterns: list[tuple[str, str]] = field(default_factory=list)  # (regex, rule)
    namesakes: dict[str, str] = field(default_factory=dict)  # key(variant) -> rule
    honorifics: list[str] = field(default_factory=list)
    given_names: list[str] = field(default_factory=list)
    oblast_words: list[str] = field(default_factory=list)
    pattern: re.Pattern[str] = field(init=False, repr=False)

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
    )
    seen_ids: set[str] = set()
    for entry in lex.entries:
        rule = entry["id"]
        if rule in seen_ids:
            raise LexiconError(f"duplicate entry id {rule!r}")
        seen_ids.add(rule)
        _add_entry(lex, entry)
    _check(lex)
    lex.pattern = _compile(lex)
    return lex


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
        lex.exceptions[key(str(phrase))] = rule
    for regex in entry.get("exception_patterns") or []:
        lex.exception_patterns.append((regex, rule))
    if entry.get("namesake_surname"):
        for variant in variants:
            lex.namesakes[key(variant)] = rule


def _check(lex: Lexicon) -> None:
    """A variant that is also a canonical form would make normalising twice change the text."""
    canonical_keys = {key(c) for c in lex.canonicals}
    canonical_words = {w for c in canonical_keys for w in c.split(" ")}
    for k, form in lex.forms.items():
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


def _compile(lex: Lexicon) -> re.Pattern[str]:
    exceptions = [trie_regex(sorted(lex.exceptions))] if lex.exceptions else []
    exceptions += [p for p, _ in lex.exception_patterns]
    exceptions += list(PROTECTED_PATTERNS)
    if lex.namesakes:
        prefixes = trie_regex(sorted({key(w) for w in lex.honorifics + lex.given_names}))
        initial = r"(?-i:[A-Z])\."
        exceptions.append(
            f"(?:{prefixes}|{initial}){_SEP}(?:{trie_regex(sorted(lex.namesakes))})"
        )
    groups = [f"(?P<keep>{'|'.join(exceptions)})"]
    if lex.context_forms:
        words = trie_regex(sorted({key(w) for w in lex.oblast_words}))
        groups.append(
            f"(?P<context>{trie_regex(sorted(lex.context_forms))})(?={_SEP}{words}(?!\\w))"
        )
    groups.append(f"(?P<variant>{trie_regex(sorted(lex.forms))})")
    return re.compile(r"(?<!\w)(?:" + "|".join(groups) + r")(?!\w)", re.IGNORECASE)
