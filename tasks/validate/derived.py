"""Columns computed for validation only: facts that need more than one row, one table, or code.

GX expectations judge one table at a time, so cross-row and cross-table facts (does an offset
point at its surface in the article's text?) and facts that need the project's own rules (is a
line page furniture? is a spelling one the lexicon replaces?) are computed here as `check_*`
columns. Each holds the evidence of a problem, or null when the row is fine, and the suites in
`expectations/` require them to be null, so a failing report shows the offending value.
Nothing here is published.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
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
        return self.members(array).to_pylist()

    def members(self, values: pa.Array | pa.ChunkedArray) -> pa.Array | pa.ChunkedArray:
        """For each value of a string array, whether it is one of the keys (a null never is)."""
        # Hashing a chunk's few distinct values, not every key, is what makes this cheap.
        distinct = pc.unique(values).drop_null().cast(pa.string())
        present = self.keys.filter(pc.is_in(self.keys, value_set=distinct))
        return pc.is_in(values, value_set=present.cast(values.type)).fill_null(False)

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


def _arrow_evidence(values: pa.Array | pa.ChunkedArray, index: pd.Index) -> pd.Series:
    """An Arrow string array as an evidence column (the same dtype `_evidence` gives)."""
    series = values.to_pandas()
    series.index = index
    return series


def _headline_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which quotes are headline quotes (their spans point into the title)."""
    if "is_headline" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    flags = frame["is_headline"]
    if isinstance(flags.dtype, pd.BooleanDtype):
        return flags.to_numpy(dtype=bool, na_value=False)
    return np.array([_is_true(v) for v in flags.tolist()], dtype=bool)


def _title_rows(frame: pd.DataFrame) -> np.ndarray:
    """Which normalizations changed the title (their spans point into it)."""
    if "field" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return np.array([v == "title" for v in frame["field"].tolist()], dtype=bool)


# Table -> (the column a span must equal, the article column a span points into, the article
# column a title's span points into, which rows are titles)
SPANS: dict[str, tuple[str, str, str | None, Callable[[pd.DataFrame], np.ndarray] | None]] = {
    "quotes": ("text_normalized", "text_normalized", "title_normalized", _headline_rows),
    "entities": ("surface", "text_normalized", None, None),
    "normalizations": ("original", "text", "title", _title_rows),
}


def derive_chunk(table: str, frame: pd.DataFrame, refs: TableReferences) -> pd.DataFrame:
    """The `check_*` columns of one chunk of `table` (any rows of it: each check is per row)."""
    if table not in DERIVED_COLUMNS:
        return frame
    checks: dict[str, pd.Series] = {}
    if table == "articles":
        checks["check_furniture_line"] = _evidence(_each_text(furniture_line, frame["text"]), frame.index)
        variants = _each_text(variant_spelling, frame["text_normalized"])
        checks["check_variant_spelling"] = _evidence(variants, frame.index)
    if table in SPANS:
        checks["check_span_mismatch"] = _span_checks(table, frame, refs.texts)
    for name, column, known in _reference_checks(table, refs):
        checks[name] = _orphans(frame[column], known)
    if table in ("duplicates", "quarantine"):
        # An input is an article, a duplicate or quarantined: never two of them.
        checks["check_source_also_article"] = _also_article(frame["source_path"], refs.article_paths)
    return frame.assign(**checks)


# Texts made Python strings at a time: a chunk's worth at once would take as much again.
TEXTS_AT_ONCE = 256


def _each_text(check: Callable[[Any], str | None], texts: pd.Series) -> list[str | None]:
    """`check` of each text, a few hundred texts at a time."""
    found: list[str | None] = []
    for start in range(0, len(texts), TEXTS_AT_ONCE):
        found += [check(t) for t in texts.iloc[start : start + TEXTS_AT_ONCE].tolist()]
    return found


# Rows whose span columns are made Python values at a time.
SPAN_ROWS_AT_ONCE = 16_384


def _span_checks(table: str, frame: pd.DataFrame, texts: ArticleTexts) -> pd.Series:
    """`check_span_mismatch` of a chunk, holding the texts of a bounded number of articles at once."""
    value_col, body_col, title_col, title_rows = SPANS[table]
    columns = [body_col] if title_col is None else [body_col, title_col]
    codes, article_ids = pd.factorize(frame["article_id"])  # a number per article; -1: none
    article_ids = article_ids.tolist()
    located = texts.locate(article_ids)
    is_title = title_rows(frame) if title_rows is not None else np.zeros(len(frame), dtype=bool)
    found: dict[int, str] = {}
    for first, rows in _blocks_of_articles(codes, len(article_ids), texts.articles_per_lookup):
        block_ids = article_ids[first : first + texts.articles_per_lookup]
        fetched = texts.fetch(located, block_ids, columns)
        bodies = [fetched[body_col].get(a) for a in block_ids]
        titles = [fetched[title_col].get(a) for a in block_ids] if title_col is not None else bodies
        for at in range(0, len(rows), SPAN_ROWS_AT_ONCE):
            part = rows[at : at + SPAN_ROWS_AT_ONCE]
            articles = (codes[part] - first).tolist()
            spans = [frame[c].take(part).tolist() for c in ("start", "end", value_col)]
            found.update(span_mismatches(part.tolist(), articles, is_title[part].tolist(), bodies, titles, *spans))
    return _sparse_evidence(found, frame.index)


def span_mismatches(
    rows: list[int], articles: list[int], is_title: list[bool], bodies: list[str | None], titles: list[str | None],
    starts: list[Any], ends: list[Any], values: list[Any],
) -> dict[int, str]:
    """Row -> why `text[start:end]` is not the row's value, for the rows where it is not.

    A row's text is `titles[article]` or `bodies[article]` (article -1: none).
    """
    found: dict[int, str] = {}
    for row, article, title, start, end, value in zip(rows, articles, is_title, starts, ends, values, strict=True):
        text = None if article < 0 else (titles if title else bodies)[article]
        # The common case, a span that reads its value, is answered without the full check.
        if (
            text is not None and type(start) is int and type(end) is int
            and 0 <= start <= end <= len(text) and text[start:end] == value
        ):
            continue
        why = span_mismatch(text, start, end, value)
        if why is not None:
            found[row] = why
    return found


def _blocks_of_articles(codes: np.ndarray, articles: int, most: int) -> list[tuple[int, np.ndarray]]:
    """(first article, rows) of each block of at most `most` articles, numbered by first mention.

    Rows with no article (code -1) go with the first block. One block holds every row when the
    chunk names few enough articles.
    """
    most = max(most, 1)
    if articles <= most:
        return [(0, np.arange(len(codes)))]
    block_of_row = np.maximum(codes, 0) // most
    return [(first, np.flatnonzero(block_of_row == first // most)) for first in range(0, articles, most)]


def _sparse_evidence(found: dict[int, str], index: pd.Index) -> pd.Series:
    """An evidence column that is null but at the given row positions."""
    evidence = pa.nulls(len(index), pa.large_string())
    if found:
        mask = np.zeros(len(index), dtype=bool)
        mask[list(found)] = True
        values = pa.array([found[row] for row in sorted(found)], pa.large_string())
        evidence = pc.replace_with_mask(evidence, pa.array(mask), values)
    return _arrow_evidence(evidence, index)


def _string_array(values: pd.Series) -> pa.Array | pa.ChunkedArray | None:
    """The Arrow array behind a string column (no copy), or None when it holds no strings."""
    if not isinstance(values.dtype, pd.StringDtype):
        return None
    array = pa.array(values)
    return array if pa.types.is_string(array.type) or pa.types.is_large_string(array.type) else None


def _orphans(values: pd.Series, known: KeySet) -> pd.Series:
    """The value where it is set but not among `known` (a broken reference), else null."""
    return _values_where(values, known, member=False)


def _also_article(paths: pd.Series, article_paths: KeySet) -> pd.Series:
    """The path where it is set and also an article's, else null."""
    return _values_where(paths, article_paths, member=True)


def _values_where(values: pd.Series, keys: KeySet, member: bool) -> pd.Series:
    """The value where it is set and is (`member`) or is not one of `keys`, else null."""
    array = _string_array(values)
    if array is not None:
        found = keys.members(array)
        kept = found if member else pc.invert(found)
        return _arrow_evidence(pc.if_else(kept, array, pa.scalar(None, array.type)), values.index)
    listed = values.tolist()  # not a string column (a broken schema): value by value
    found = keys.contains(listed)
    return _evidence([v if _is_set(v) and f == member else None for v, f in zip(listed, found, strict=True)], values.index)


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
