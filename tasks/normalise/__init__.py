"""The `normalise` stage: canonical spellings of Ukrainian places and people, with an audit trail.

Outlets write Kiev/Kyiv, Zelenskyy/Zelensky, Lugansk/Luhansk...; grouping or searching by name
splits counts unless the text is normalised. The published text is kept as is; `text_normalized`
and `title_normalized` sit beside it, and every change is a row of the `normalizations` table
(offsets into the published field), so it can be traced and undone.

The lexicon (`lexicon.yaml`, beside this file) holds the data; set NEWSETL_LEXICON to a path to run
with another one.
"""

from __future__ import annotations

import os
from typing import Any

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.batch import StageResult, run_stage
from tasks.normalise.lexicon import LEXICON_PATH, Lexicon, load_lexicon
from tasks.normalise.normalizer import (
    Change,
    Kept,
    Normalized,
    apply,
    normalized_span,
    published_span,
    scan,
    undo,
)
from tasks.records import Doc

__all__ = [
    "LEXICON",
    "LEXICON_VERSION",
    "Change",
    "Kept",
    "Normalized",
    "apply",
    "explain",
    "find_variants",
    "normalise_batch",
    "normalise_doc",
    "normalize_text",
    "normalized_span",
    "published_span",
    "undo",
]

LEXICON: Lexicon = load_lexicon(os.environ.get("NEWSETL_LEXICON") or LEXICON_PATH)
LEXICON_VERSION: str = LEXICON.version


def normalize_text(text: str) -> Normalized:
    """Canonical spellings for `text`, with the changes (offsets into `text`) that made them."""
    return scan(LEXICON, text)


def find_variants(text: str) -> list[Change]:
    """Variant spellings still in `text` (exceptions respected); empty for normalised text."""
    return scan(LEXICON, text).changes


def _rows(article_id: str | None, field: str, changes: list[Change]) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article_id,
            "field": field,
            "start": c.start,
            "end": c.end,
            "original": c.original,
            "replacement": c.replacement,
            "rule": c.rule,
        }
        for c in changes
    ]


def normalise_doc(doc: Doc) -> None:
    """Fill text_normalized, title_normalized and the audit rows; the published fields stay."""
    body = normalize_text(doc.text or "")
    doc.text_normalized = body.text
    rows = _rows(doc.article_id, "text", body.changes)
    if doc.title is None:
        doc.title_normalized = None
    else:
        title = normalize_text(doc.title)
        doc.title_normalized = title.text
        rows += _rows(doc.article_id, "title", title.changes)
    doc.normalizations = rows


@task(name="normalise", cache_policy=NO_CACHE)
def normalise_batch(docs: list[Doc]) -> StageResult:
    return run_stage("normalise", normalise_doc, docs)


def explain(text: str) -> str:
    """What `text` becomes and why: the normalised text, each change, and each exception kept."""
    result = normalize_text(text)
    lines = [result.text, "", f"lexicon {LEXICON_VERSION}: {len(result.changes)} change(s)"]
    for c in result.changes:
        lines.append(f"  [{c.start}:{c.end}] {c.original} -> {c.replacement}  ({c.rule})")
    for k in result.kept:
        lines.append(f"  [{k.start}:{k.end}] kept {k.text!r}  ({k.reason}: {k.rule})")
    if result.rules:
        lines.append("rules fired: " + ", ".join(result.rules))
    return "\n".join(lines)
