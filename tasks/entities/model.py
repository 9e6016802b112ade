"""Optional statistical NER beside the catalogue (`--ner-model NAME`): never required.

A model's entities only fill gaps: catalogue and rule mentions keep their spans, and a model
span that overlaps one is dropped. Model labels map onto the table's types; others are ignored.
Turn it on with `configure(name)` in-process, or with NEWSETL_NER_MODEL=name in the environment
(what a `--ner-model` option should set, so every worker process loads the same model).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from tasks.entities.matcher import auto_entity

LABELS = {"PERSON": "PERSON", "PER": "PERSON", "ORG": "ORG", "GPE": "GPE", "LOC": "LOC", "FAC": "LOC", "NORP": "NORP", "EVENT": "EVENT"}

_nlp: Any = None


class NerModelError(RuntimeError):
    """The requested spaCy model is not installed or has no entity recogniser."""


def configure(ner_model: str | None) -> None:
    """Use an installed spaCy model (package name or path) beside the catalogue; None turns it off."""
    global _nlp, _env_checked
    _env_checked = True
    if ner_model is None:
        _nlp = None
        return
    import spacy

    try:
        nlp = spacy.load(ner_model)
    except (OSError, ImportError) as exc:
        raise NerModelError(
            f"spaCy model {ner_model!r} cannot be loaded ({exc}). Install it "
            f"(e.g. `pip install {ner_model}`) or run without --ner-model: the catalogue and rules need no model."
        ) from exc
    if not any(name in nlp.pipe_names for name in ("ner", "entity_ruler", "span_ruler")):
        raise NerModelError(f"spaCy model {ner_model!r} has no entity recogniser (pipes: {nlp.pipe_names})")
    _nlp = nlp


MODEL_ENV = "NEWSETL_NER_MODEL"
_env_checked = False


def current() -> Any:
    return _nlp


def active() -> bool:
    """Whether a model is in use; the first call honours NEWSETL_NER_MODEL (set by --ner-model),
    so worker processes that never saw configure() still load the same model."""
    global _env_checked
    if not _env_checked:
        _env_checked = True
        name = os.environ.get(MODEL_ENV)
        if name and _nlp is None:
            configure(name)
    return _nlp is not None


def parse_all(texts: list[str]) -> list[Any]:
    """The model's Docs for a batch via nlp.pipe; None for each text if the batch cannot be parsed
    together (each document is then parsed alone, so one bad text is quarantined alone)."""
    if _nlp is None:
        return [None] * len(texts)
    try:
        return list(_nlp.pipe(t if isinstance(t, str) else "" for t in texts))
    except Exception:  # noqa: BLE001 - fall back to per-document parsing and per-document failures
        return [None] * len(texts)


def model_mentions(
    text: str, rows: list[dict[str, Any]], lookup: Callable[[str], dict[str, Any] | None], parsed: Any = None
) -> list[dict[str, Any]]:
    """`rows` plus the model's non-overlapping entities, linked to the catalogue when possible."""
    if _nlp is None:
        return rows
    if parsed is None or parsed.text != text:
        parsed = _nlp(text)
    taken = [(r["start"], r["end"]) for r in rows]
    added = []
    for ent in parsed.ents:
        type_ = LABELS.get(ent.label_)
        if type_ is None or any(ent.start_char < e and s < ent.end_char for s, e in taken):
            continue
        surface = text[ent.start_char : ent.end_char]
        ref = lookup(surface)
        if ref is None or ref["type"] != type_:
            ref = auto_entity(type_, " ".join(surface.split())).as_ref()
        added.append({**ref, "surface": surface, "start": ent.start_char, "end": ent.end_char, "source": "model"})
        taken.append((ent.start_char, ent.end_char))
    ordered = rows + [{k: r[k] for k in ("entity_id", "name", "type", "surface", "start", "end", "wikidata_id", "source")} for r in added]
    return sorted(ordered, key=lambda r: r["start"])
