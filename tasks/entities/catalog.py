"""The curated entity catalogue (catalog.yaml) and the word-level index the matcher walks.

Kept apart from the matcher so the quotes stage and the flow can resolve names and build the
entity_catalog table without running mention detection.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from tasks.memo import BoundedMemo

ENTITY_TYPES: tuple[str, ...] = ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT")

# Words, possessive 's, acronyms with dots (U.S.), and single punctuation marks. The possessive
# is its own token so "Kyiv's" matches Kyiv; other apostrophes stay inside the word (O'Brien).
TOKEN_RE = re.compile(r"(?:[^\W\d_]\.){2,}|\w+(?:['’](?![sS]\b)\w+)*|['’][sS]\b|[^\w\s]")


def _fold(token: str) -> str:
    """Matching key of a token: lower case, no accents, straight apostrophe (`fold` caches it)."""
    token = token.replace("’", "'").lower()
    if token.isascii():
        return token
    decomposed = unicodedata.normalize("NFKD", token)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


FOLD_CACHE_MAX = 65536  # the matcher folds a few hundred tokens an article

fold = BoundedMemo(_fold, FOLD_CACHE_MAX)  # fold(token) == _fold(token), cached


def slug(text: str) -> str:
    """Readable, deterministic ID part: "Donetsk People's Republic" -> "donetsk-peoples-republic"."""
    words = re.findall(r"[a-z0-9]+", fold(text).replace("'", ""))
    return "-".join(words)


def entity_id_for(type_: str, name: str) -> str:
    return f"{type_.lower()}:{slug(name)}"


@dataclass(frozen=True)
class Entity:
    entity_id: str
    name: str
    type: str
    wikidata_id: str | None
    aliases: tuple[str, ...]  # matched anywhere
    region: str | None = None  # entity meant by "<name> region" (city -> oblast)
    short_forms: tuple[str, ...] = ()  # matched only once a longer name appears in the same text

    def as_row(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "type": self.type,
            "wikidata_id": self.wikidata_id,
            "aliases": [*self.aliases, *self.short_forms],
        }

    def as_ref(self) -> dict[str, Any]:
        return {
            "entity_id": self.entity_id,
            "name": self.name,
            "type": self.type,
            "wikidata_id": self.wikidata_id,
        }


@dataclass(frozen=True)
class Variant:
    """One way of writing an entity: its tokens' case pattern and how much of it is the mention."""

    entity: Entity
    cases: tuple[str, ...]  # per token: "upper" (acronym), "title" (needs a capital), "any"
    keep: int  # number of leading tokens that form the mention; the rest are required context
    short: bool  # only valid once a longer name of the entity appears in the same text


@dataclass
class Node:
    children: dict[str, Node] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)


def _case_of(token: str) -> str:
    letters = [c for c in token if c.isalpha()]
    if len(letters) >= 2 and all(c.isupper() for c in letters):
        return "upper"
    if letters and token[0].isupper():
        return "title"
    return "any"


def split_alias(alias: str) -> tuple[list[str], int]:
    """Tokens of an alias and how many of them form the mention ("Time [magazine]" -> 1)."""
    core, _, context = alias.partition("[")
    core_tokens = TOKEN_RE.findall(core)
    context_tokens = TOKEN_RE.findall(context.replace("]", ""))
    return core_tokens + context_tokens, len(core_tokens)


class Catalog:
    """Entries by id, a token trie over every alias, and name lookups for other stages."""

    def __init__(self, entries: list[dict[str, Any]], index: bool = True):
        self.entities: dict[str, Entity] = {}
        self.root = Node()
        self._index_aliases = index  # False: entries only, for reading the catalogue, not matching
        self._by_key: dict[tuple[str, ...], list[Variant]] = {}
        # Capitalised word as written -> (its trie node under the root or None, that node's
        # variants whose case fits the word); the matcher clears it when it grows past a bound.
        self.case_cache: dict[str, tuple[Node | None, list[Variant]]] = {}
        for raw in entries:
            self._add(raw)

    def _add(self, raw: dict[str, Any]) -> None:
        type_ = raw["type"]
        if type_ not in ENTITY_TYPES:
            raise ValueError(f"catalog entry {raw['name']!r} has unknown type {type_!r}")
        entity_id = raw.get("id") or entity_id_for(type_, raw["name"])
        if entity_id in self.entities:
            raise ValueError(f"duplicate catalog id {entity_id}")
        aliases = [a for a in (raw.get("aliases") or []) if a != raw["name"]]
        forms = ([raw["name"]] if raw.get("match_name", True) else []) + aliases
        if "short" in raw:
            shorts = list(raw["short"] or [])
        elif type_ == "PERSON":
            # The surname alone, once the full name has appeared ("Hegseth" after "Pete Hegseth").
            shorts = sorted({TOKEN_RE.findall(f)[-1] for f in forms if len(TOKEN_RE.findall(f)) > 1})
        else:
            shorts = []
        always = {fold(f) for f in forms}
        shorts = [f for f in shorts if fold(f) not in always]
        entity = Entity(
            entity_id=entity_id,
            name=raw["name"],
            type=type_,
            wikidata_id=raw.get("wikidata"),
            aliases=tuple(dict.fromkeys(a.replace("[", "").replace("]", "") for a in aliases)),
            region=raw.get("region"),
            short_forms=tuple(shorts),
        )
        self.entities[entity_id] = entity
        if not self._index_aliases:
            return
        for form in forms:
            self._index(entity, form, short=False)
        for form in shorts:
            self._index(entity, form, short=True)

    def _index(self, entity: Entity, form: str, short: bool) -> None:
        if entity.type == "ORG" and form.startswith("The "):
            form = form[4:]  # "The Guardian" is found as "Guardian", like "the Kremlin"
        tokens, keep = split_alias(form)
        if not tokens:
            return
        key = tuple(fold(t) for t in tokens)
        node = self.root
        for k in key:
            node = node.children.setdefault(k, Node())
        variant = Variant(entity, tuple(_case_of(t) for t in tokens), keep, short)
        if any(v.entity is entity and v.short == short and v.cases == variant.cases for v in node.variants):
            return  # the same spelling of the same name, listed twice (nodes hold a few variants)
        node.variants.append(variant)
        self._by_key.setdefault(key[:keep], []).append(variant)

    def resolve_key(self, tokens: list[str]) -> list[Variant]:
        """Variants whose mention part is exactly these tokens (case-insensitive)."""
        return self._by_key.get(tuple(fold(t) for t in tokens), [])

    def rows(self) -> list[dict[str, Any]]:
        return [e.as_row() for e in self.entities.values()]


_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser reads the catalogue ~10x faster


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader


def _data_text(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def load_catalog() -> Catalog:
    """catalog.yaml, plus any spelling the normalisation lexicon knows that it does not list yet."""
    entries = _yaml(_data_text("catalog.yaml"))
    lexicon = _read_lexicon()
    if lexicon:
        entries = with_lexicon(entries, lexicon)
    return Catalog(with_region_forms(entries))


REGION_HEADS = ("Oblast", "Region", "Province")


def with_region_forms(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every spelling of a city also names its oblast with a capitalised head: "Kharkov Oblast"."""
    ids = {raw.get("id") or entity_id_for(raw["type"], raw["name"]): k for k, raw in enumerate(entries)}
    out = [dict(raw) for raw in entries]
    for raw in entries:
        target = ids.get(raw.get("region") or "")
        if target is None:
            continue
        region = out[target]
        have = {fold(a) for a in [region["name"], *(region.get("aliases") or [])]}
        spellings = [raw["name"], *(a for a in raw.get("aliases") or [] if "[" not in a)]
        extra = [f"{s} {head}" for s in spellings for head in REGION_HEADS if fold(f"{s} {head}") not in have]
        region["aliases"] = [*(region.get("aliases") or []), *extra]
    return out


LEXICON_PLACE_TYPES = {"city": "GPE", "town": "GPE", "village": "GPE", "region": "GPE", "river": "LOC", "landmark": "LOC"}


def _read_lexicon() -> dict[str, Any] | None:
    """The normalise stage's lexicon as data (never its code); None when absent or unreadable."""
    override = os.environ.get("NEWSETL_LEXICON")
    try:
        if override:
            text = Path(override).read_text(encoding="utf-8")
        else:
            text = resources.files("tasks").joinpath("normalise", "lexicon.yaml").read_text(encoding="utf-8")
        data = _yaml(text)
    except (OSError, yaml.YAMLError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("entries"), list) else None


def lexicon_additions(entries: list[dict[str, Any]], lexicon: dict[str, Any]) -> tuple[dict[str, list[str]], list[dict[str, Any]]]:
    """(aliases to add per catalogue entity id, new entries) so every lexicon spelling links.

    A person's surname variants become full-name aliases ("Volodymyr Zelenskyy"), and bare
    aliases too when the canonical surname alone is already an alias; place variants become
    aliases of the place. Oblast entries are skipped: "<spelling> Oblast" follows the city.
    """
    catalog = Catalog(entries, index=False)
    by_form: dict[str, list[Entity]] = {}
    for entity in catalog.entities.values():
        for form in (entity.name, *entity.aliases):
            by_form.setdefault(fold(form), []).append(entity)
    add: dict[str, list[str]] = {}
    new: list[dict[str, Any]] = []
    for entry in lexicon.get("entries") or []:
        kind, canonical = entry.get("type"), entry.get("canonical")
        if not canonical or kind == "oblast":
            continue
        variants = [v for v in entry.get("variants") or [] if v != canonical]
        if kind == "person":
            given = entry.get("given_name") or ""
            forms = [f"{given} {v}".strip() for v in variants + (entry.get("gated_variants") or [])]
            forms += [f"{g} {canonical}" for g in entry.get("given_variants") or [] if g != given]
            target = _person_named(catalog, canonical, given)
            if target is not None and fold(canonical) in {fold(a) for a in (target.name, *target.aliases)}:
                forms += variants  # the bare surname links anywhere, so its spellings do too
            name = target.name if target else f"{given} {canonical}".strip()
            type_ = "PERSON"
        else:
            forms = variants
            target = next((e for e in by_form.get(fold(canonical), []) if e.type in {"GPE", "LOC"}), None)
            name = target.name if target else canonical
            type_ = LEXICON_PLACE_TYPES.get(kind, "GPE")
        known = {fold(a) for a in ((target.name, *target.aliases) if target else (name,))}
        missing = [f for f in dict.fromkeys(forms) if fold(f) not in known]
        if target is None:
            new.append({"name": name, "type": type_, "aliases": missing})
        elif missing:
            add.setdefault(target.entity_id, []).extend(missing)
    return add, new


def with_lexicon(entries: list[dict[str, Any]], lexicon: dict[str, Any]) -> list[dict[str, Any]]:
    add, new = lexicon_additions(entries, lexicon)
    out = []
    for raw in entries:
        entity_id = raw.get("id") or entity_id_for(raw["type"], raw["name"])
        extra = add.get(entity_id)
        out.append({**raw, "aliases": [*(raw.get("aliases") or []), *extra]} if extra else raw)
    taken = {raw.get("id") or entity_id_for(raw["type"], raw["name"]) for raw in entries}
    out.extend(e for e in new if entity_id_for(e["type"], e["name"]) not in taken)
    return out


def _person_named(catalog: Catalog, surname: str, given: str) -> Entity | None:
    people = [e for e in catalog.entities.values() if e.type == "PERSON" and fold(e.name.split()[-1]) == fold(surname)]
    exact = [e for e in people if fold(e.name.split()[0]) == fold(given)]
    return (exact or people or [None])[0]


@lru_cache(maxsize=1)
def load_cues() -> dict[str, Any]:
    return _yaml(_data_text("cues.yaml"))


@lru_cache(maxsize=1)
def load_first_names() -> frozenset[str]:
    lines = _data_text("first_names.txt").splitlines()
    return frozenset(fold(line.strip()) for line in lines if line.strip() and not line.startswith("#"))
