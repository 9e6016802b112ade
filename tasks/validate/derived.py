"""Columns computed for validation only: facts that need more than one row, one table, or code.

GX expectations judge one table at a time, so cross-row and cross-table facts (does an offset
point at its surface in the article's text?) and facts that need the project's own rules (is a
line page furniture? is a spelling one the lexicon replaces?) are computed here as `check_*`
columns. Each holds the evidence of a problem, or null when the row is fine, and the suites in
`expectations/` require them to be null, so a failing report shows the offending value.
Nothing here is published.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tasks.validate.checks import furniture_line, span_mismatch, variant_spelling

if TYPE_CHECKING:
    from tasks.validate.chunks import ArticleTexts

# Table -> the columns added here (the suites' column sets list them after the schema's).
DERIVED_COLUMNS: dict[str, list[str]] = {
    "articles": ["check_furniture_line", "check_variant_spelling"],
    "quotes": ["check_orphan_article_id", "check_orphan_speaker_entity_id", "check_span_mismatch"],
    "entities": ["check_orphan_article_id", "check_orphan_entity_id", "check_span_mismatch"],
    "comments": ["check_orphan_article_id"],
    "normalizations": ["check_orphan_article_id", "check_span_mismatch"],
    "duplicates": ["check_orphan_article_id", "check_orphan_duplicate_of", "check_source_also_article"],
    "quarantine": ["check_source_also_article"],
}


class KeySet:
    """An exact set of string keys kept as one Arrow array: a few bytes a key instead of a
    Python object each (at 100,000 articles the ID and path sets alone held about 75 MB).
    Membership is asked for a whole chunk's values at once."""

    def __init__(self, keys: Iterable[Any] | pa.Array | pa.ChunkedArray):
        if not isinstance(keys, (pa.Array, pa.ChunkedArray)):
            keys = pa.array(list(keys), type=pa.string(), from_pandas=True)
        if isinstance(keys, pa.ChunkedArray):
            keys = keys.combine_chunks()
        self.keys = pc.unique(keys.drop_null().cast(pa.string()))

    def contains(self, values: list[Any]) -> list[bool]:
        """For each value, whether it is one of the keys (a null or NaN never is)."""
        if not values:
            return []
        array = pa.array([v if isinstance(v, str) else None for v in values], type=pa.string())
        return pc.is_in(array, value_set=self.keys).fill_null(False).to_pylist()

    def __contains__(self, value: Any) -> bool:
        return self.contains([value])[0]

    def __len__(self) -> int:
        return len(self.keys)


@dataclass
class TableReferences:
    """Keys of the articles and the entity catalog, and article texts fetched per chunk."""

    article_ids: KeySet
    article_paths: KeySet
    entity_ids: KeySet
    texts: ArticleTexts  # fetched for at most `texts.articles_per_lookup` articles at a time


def _evidence(values: list[str | None], index: pd.Index) -> pd.Series:
    return pd.Series(values, index=index, dtype="str")


def span_mismatches(frame: pd.DataFrame, value_col: str, text_of) -> list[str | None]:
    """For each row, why `text_of(row)[start:end]` is not the row's `value_col`, or None."""
    names = ["article_id", "start", "end", value_col, *_extra(frame)]
    # Plain lists: iterating Arrow-backed columns value by value is several times slower.
    columns = [frame[c].tolist() for c in names]
    out = []
    for values in zip(*columns, strict=True):
        row = dict(zip(names, values, strict=True))
        out.append(span_mismatch(text_of(row), row["start"], row["end"], row[value_col]))
    return out


def _extra(frame: pd.DataFrame) -> list[str]:
    return [c for c in ("is_headline", "field") if c in frame.columns]


# Table -> (the column a span must equal, the article columns it may point into, which one a row uses)
SPANS = {
    "quotes": ("text_normalized", ["text_normalized", "title_normalized"],
               lambda row: "title_normalized" if _is_true(row.get("is_headline")) else "text_normalized"),
    "entities": ("surface", ["text_normalized"], lambda row: "text_normalized"),
    "normalizations": ("original", ["text", "title"],
                       lambda row: "title" if row.get("field") == "title" else "text"),
}


def derive_chunk(table: str, frame: pd.DataFrame, refs: TableReferences) -> pd.DataFrame:
    """The `check_*` columns of one chunk of `table` (any rows of it: each check is per row)."""
    if table not in DERIVED_COLUMNS:
        return frame
    frame = frame.copy()
    if table == "articles":
        frame["check_furniture_line"] = _evidence([furniture_line(t) for t in frame["text"]], frame.index)
        frame["check_variant_spelling"] = _evidence(
            [variant_spelling(t) for t in frame["text_normalized"]], frame.index
        )
    if table in SPANS:
        value_col, text_cols, which = SPANS[table]
        found: list[str | None] = []
        ids = frame["article_id"].tolist()
        for start, end in _runs_of_articles(ids, refs.texts.articles_per_lookup):
            texts = refs.texts.lookup(ids[start:end], text_cols)

            def text_of(row, texts=texts):
                return texts[which(row)].get(row["article_id"])

            found += span_mismatches(frame.iloc[start:end], value_col, text_of)
        frame["check_span_mismatch"] = _evidence(found, frame.index)
    for name, column, known in _reference_checks(table, refs):
        frame[name] = _orphans(frame[column], known)
    if table in ("duplicates", "quarantine"):
        # An input is an article, a duplicate or quarantined: never two of them.
        paths = frame["source_path"].tolist()
        also = refs.article_paths.contains(paths)
        frame["check_source_also_article"] = _evidence(
            [p if _is_set(p) and a else None for p, a in zip(paths, also, strict=True)], frame.index
        )
    return frame


def _runs_of_articles(article_ids: list[Any], most: int) -> list[tuple[int, int]]:
    """Consecutive row ranges naming at most `most` articles each, so their texts stay bounded."""
    runs, start, seen = [], 0, set()
    for i, article_id in enumerate(article_ids):
        if article_id not in seen and len(seen) >= max(most, 1):
            runs.append((start, i))
            start, seen = i, set()
        seen.add(article_id)
    runs.append((start, len(article_ids)))
    return runs


def _orphans(values: pd.Series, known: KeySet) -> pd.Series:
    """The value where it is set but not among `known` (a broken reference), else null."""
    listed = values.tolist()
    found = known.contains(listed)
    return _evidence([v if _is_set(v) and not f else None for v, f in zip(listed, found, strict=True)], values.index)


def _is_set(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def _reference_checks(table: str, refs: TableReferences) -> list[tuple[str, str, KeySet]]:
    """Referential integrity as `check_orphan_*` columns (the evidence is the dangling key).

    Computed here rather than with a `$PARAMETER` value set so that the Data Docs do not list
    every article ID, and large runs stay fast.
    """
    return {
        "quotes": [("check_orphan_article_id", "article_id", refs.article_ids),
                   ("check_orphan_speaker_entity_id", "speaker_entity_id", refs.entity_ids)],
        "entities": [("check_orphan_article_id", "article_id", refs.article_ids),
                     ("check_orphan_entity_id", "entity_id", refs.entity_ids)],
        "comments": [("check_orphan_article_id", "article_id", refs.article_ids)],
        "normalizations": [("check_orphan_article_id", "article_id", refs.article_ids)],
        "duplicates": [("check_orphan_article_id", "article_id", refs.article_ids),
                       ("check_orphan_duplicate_of", "duplicate_of", refs.article_paths)],
    }.get(table, [])


def _is_true(value) -> bool:
    return value is True or (value is not None and not pd.isna(value) and bool(value))


def expectation_parameters() -> dict[str, object]:
    """Run-time values the suites refer to with {"$PARAMETER": name}."""
    return {"now": pd.Timestamp.now(tz="UTC").isoformat()}
