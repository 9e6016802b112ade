"""The entities stage: people, places and organisations in an article, linked to canonical IDs.

The default needs nothing from a model hub: a curated catalogue (catalog.yaml, plus any spelling
the normalisation lexicon adds) matched as a token trie over `text_normalized`, and cue-typed
rules (cues.yaml, first_names.txt) for proper names outside it. An installed spaCy model can be
added with `configure(ner_model=...)` or NEWSETL_NER_MODEL; its entities fill gaps the catalogue
and rules leave, never replace them. Types are ENTITY_TYPES: PERSON ORG GPE LOC NORP EVENT.

API: find_mentions(text) -> mention rows; entities_doc(doc) fills doc.mentions (ENTITIES
columns); entities_batch is the Prefect task; catalog_rows gives the
entity_catalog table; lookup(name, mentions=None) resolves a name as written (the quotes stage
uses it for speakers, so quotes and entities share IDs).

Entity IDs are deterministic and readable:
- catalogue entries: `<type>:<slug of canonical name>`, e.g. `person:volodymyr-zelensky`,
  `gpe:kyiv`, `org:nato` (or the entry's explicit `id`);
- rule- and model-made entities: `auto:<type>:<slug of name>`, e.g. `auto:person:tigran-keosayan`;
  the same name and type give the same ID in every article and every run.

Joinability: `catalog_rows()` gives the curated catalogue; `catalog_rows(extra_mentions=rows)`
adds one row per auto entity used in those mention rows, so every `entities.entity_id` the flow
writes has an `entity_catalog` row. The flow passes all the run's mentions.

Mentions never include titles ("Mr", "President"): "Mr Zelenskyy" is a mention "Zelenskyy".
A person's surname alone links to them once their full name appears in the same article; very
well-known surnames (Zelensky, Putin, Trump...) are catalogue aliases and link anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult, run_stage
from tasks.entities import model
from tasks.entities.catalog import ENTITY_TYPES, TOKEN_RE, Catalog, fold, load_catalog
from tasks.entities.matcher import auto_entity, cues, detect
from tasks.entities.model import configure, model_mentions
from tasks.records import Doc

__all__ = [
    "ENTITY_TYPES",
    "AutoEntities",
    "catalog_rows",
    "configure",
    "entities_batch",
    "entities_doc",
    "find_mentions",
    "lookup",
]


def find_mentions(text: str, parsed: Any = None) -> list[dict[str, Any]]:
    """Mention rows (entity_id, name, type, surface, start, end, wikidata_id, source).

    `text[start:end] == surface` always; mentions never overlap (the longest match wins).
    `parsed` is the optional model's spaCy Doc for `text` when the caller already has it.
    """
    rows = detect(text)
    return model_mentions(text, rows, lookup, parsed) if model.active() else rows


def entities_doc(doc: Doc, parsed: Any = None) -> None:
    """Fill `doc.mentions` with rows of the entities table for the normalised body."""
    if not model.active():  # the rows come out of detection with the article's ID already first
        doc.mentions = detect(doc.text_normalized, article_id=doc.article_id)
        return
    doc.mentions = [{"article_id": doc.article_id, **row} for row in find_mentions(doc.text_normalized, parsed)]


@task(name="entities", cache_policy=NO_CACHE)
def entities_batch(docs: list[Doc]) -> StageResult:
    if not model.active():
        return run_stage("entities", entities_doc, docs)
    parsed = model.parse_all([d.text_normalized for d in docs])  # nlp.pipe: one pass for the batch
    by_doc = {id(d): p for d, p in zip(docs, parsed)}
    return run_stage("entities", lambda d: entities_doc(d, by_doc.get(id(d))), docs)


class AutoEntities:
    """The entities a run found beyond the curated catalogue, gathered a batch of mentions at a
    time: per entity its first mention's name, type and Wikidata ID, and its other spellings.
    Mentions of curated entities are not kept, so this grows with the entities, not the text."""

    def __init__(self) -> None:
        self._curated = load_catalog().entities
        self._rows: dict[str, dict[str, Any]] = {}

    def add(self, mentions: Iterable[dict[str, Any]]) -> None:
        for m in mentions:
            if m["entity_id"] in self._curated:
                continue
            row = self._rows.setdefault(
                m["entity_id"],
                {"entity_id": m["entity_id"], "name": m["name"], "type": m["type"], "wikidata_id": m.get("wikidata_id"), "aliases": set()},
            )
            if m["surface"] != m["name"]:
                row["aliases"].add(m["surface"])

    def catalog_rows(self) -> list[dict[str, Any]]:
        """Rows of entity_catalog: the curated catalogue, then the auto entities by ID."""
        rows = load_catalog().rows()
        for entity_id in sorted(self._rows):
            row = self._rows[entity_id]
            rows.append({**row, "aliases": sorted(row["aliases"])})
        return rows


def catalog_rows(extra_mentions: Iterable[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Rows of entity_catalog: the curated catalogue, plus every auto entity in `extra_mentions`."""
    auto = AutoEntities()
    auto.add(extra_mentions or ())
    return auto.catalog_rows()


def lookup(name: str, mentions: Iterable[dict[str, Any]] | None = None) -> dict[str, Any] | None:
    """Canonical entry (entity_id, name, type, wikidata_id) for a name as written, or None.

    Handles titles and possessives ("Mr Zelenskyy", "President Zelensky's"), any catalogue
    alias, a surname alone when only one catalogue person has it, and, given an article's
    mention rows, names and surnames of the entities found in that article (rule-made ones too).
    """
    tokens = TOKEN_RE.findall(name or "")
    if len(tokens) > 1 and fold(tokens[-1]) == "'s":
        tokens.pop()  # "Zelensky's"
    mentions = list(mentions or ())
    catalog = load_catalog()
    titles = cues().titles | {"the", ".", ",", "'s"}
    while tokens:
        hit = _resolve(catalog, tokens, mentions)
        if hit is not None:
            return hit
        if len(tokens) > 1 and tokens[1] not in {"-", "."} and (
            fold(tokens[0]) in titles or _is_place_or_people(catalog, tokens[0])
        ):
            tokens = tokens[1:]  # "Ukrainian President Zelensky", "Ukraine's Mr Zelensky"
            continue
        return None
    return None


def _resolve(catalog: Catalog, tokens: list[str], mentions: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The article's own mentions first, then a catalogue alias, then an unambiguous surname."""
    key = [fold(t) for t in tokens]
    for m in mentions:
        if key in ([fold(t) for t in TOKEN_RE.findall(m["surface"])], [fold(t) for t in TOKEN_RE.findall(m["name"])]):
            return _ref(m)
    variants = catalog.resolve_key(tokens)
    longs = [v for v in variants if not v.short]
    if longs:
        return longs[0].entity.as_ref()
    if len(key) == 1:
        for m in mentions:
            if m["type"] == "PERSON" and fold(TOKEN_RE.findall(m["name"])[-1]) == key[0]:
                return _ref(m)
    people = {v.entity.entity_id: v.entity for v in variants if v.short}
    if len(people) == 1:
        return next(iter(people.values())).as_ref()
    return None


def _is_place_or_people(catalog: Catalog, token: str) -> bool:
    return any(v.entity.type in {"GPE", "NORP"} and not v.short for v in catalog.resolve_key([token]))


def _ref(row: dict[str, Any]) -> dict[str, Any]:
    return {k: row.get(k) for k in ("entity_id", "name", "type", "wikidata_id")}


def auto_ref(type_: str, name: str) -> dict[str, Any]:
    """The entry a rule would make for this name, for callers that find names of their own."""
    return auto_entity(type_, name).as_ref()

