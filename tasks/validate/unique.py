"""Uniqueness over a whole table without holding the table: hash the keys, recheck the few repeats.

A uniqueness expectation compares every row with every other, so it cannot be merged from
chunks. GX run on all of a big table's keys costs several hundred MB (2.6M mention spans).
Instead each row's key is hashed to 8 bytes chunk by chunk; only rows whose hash repeats can be
duplicates, so GX is run on just those rows (their real keys, indexed by their row positions)
and decides exactly. The counts GX would report for the whole table (rows, rows considered) are
computed here the way GX computes them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from tasks.validate.chunks import TableSource


def key_columns(kwargs: dict[str, Any]) -> list[str]:
    return [kwargs["column"]] if kwargs.get("column") is not None else list(kwargs.get("column_list") or [])


def considered(chunk: pa.Table, columns: list[str], kwargs: dict[str, Any]) -> pa.ChunkedArray | pa.Array:
    """Rows GX counts for the expectation: non-null for a column; per `ignore_row_if` for a list."""
    nulls = [pc.is_null(chunk.column(c), nan_is_null=True) for c in columns]
    if kwargs.get("column") is not None:
        return pc.invert(nulls[0])
    mode = kwargs.get("ignore_row_if") or "all_values_are_missing"
    if mode == "never":
        return pa.array(np.ones(chunk.num_rows, dtype=bool))
    combine = pc.and_ if mode == "all_values_are_missing" else pc.or_
    ignored = nulls[0]
    for n in nulls[1:]:
        ignored = combine(ignored, n)
    return pc.invert(ignored)


# Hashes held at once. A table with more considered rows is hashed in several passes, each
# keeping only the hashes of one residue class (equal keys, equal hashes, same class), so the
# memory stays the same from 10k to 100k articles (3.3M entity rows) instead of growing with it.
HASHES_PER_PASS = 1 << 19


def duplicate_candidates(
    source: TableSource, kwargs: dict[str, Any], chunk_bytes: int, to_pandas
) -> tuple[pd.DataFrame, int, int]:
    """(rows that may repeat a key, indexed by position; rows in the table; rows considered)."""
    columns = key_columns(kwargs)
    passes = max(1, -(-source.num_rows // HASHES_PER_PASS))
    is_candidate = np.zeros(source.num_rows, dtype=bool)
    hashed = 0
    for residue in range(passes):
        hashes, rows, considered_rows = _hashes_of_class(source, columns, kwargs, chunk_bytes, to_pandas, residue, passes)
        if residue == 0:
            hashed = considered_rows
        ranked = np.sort(hashes)
        repeated = np.unique(ranked[1:][ranked[1:] == ranked[:-1]])  # hashes of two rows or more
        del ranked
        is_candidate[rows[_among(hashes, repeated)]] = True
        del hashes, rows
    candidates = np.flatnonzero(is_candidate).tolist()
    values = source.rows_at(candidates, columns, chunk_bytes)
    table = pa.table({c: pa.array(values[c], source.schema.field(c).type) for c in columns})
    frame = to_pandas(table, 0)
    frame.index = pd.Index(candidates, dtype="int64") if candidates else pd.RangeIndex(0)
    return frame, source.num_rows, hashed


def _hashes_of_class(
    source: TableSource, columns: list[str], kwargs: dict[str, Any], chunk_bytes: int, to_pandas, residue: int, passes: int
) -> tuple[np.ndarray, np.ndarray, int]:
    """(8-byte key hashes equal to `residue` modulo `passes`, their row positions, rows considered)."""
    hash_parts: list[np.ndarray] = []
    row_parts: list[np.ndarray] = []
    considered_rows = first_row = 0
    for chunk in source.iter_chunks(chunk_bytes, columns):
        keep = np.asarray(considered(chunk, columns, kwargs).to_numpy(zero_copy_only=False), dtype=bool)
        frame = to_pandas(chunk, first_row)
        found = pd.util.hash_pandas_object(frame[keep], index=False).to_numpy()
        rows = np.flatnonzero(keep) + first_row
        if passes > 1:
            mine = found % np.uint64(passes) == residue
            found, rows = found[mine], rows[mine]
        hash_parts.append(found)
        row_parts.append(rows)
        considered_rows += int(keep.sum())
        first_row += chunk.num_rows
        del frame
    hashes = np.concatenate(hash_parts) if hash_parts else np.zeros(0, dtype=np.uint64)
    rows = np.concatenate(row_parts) if row_parts else np.zeros(0, dtype=np.int64)
    return hashes, rows, considered_rows


def _among(values: np.ndarray, sorted_keys: np.ndarray, step: int = 1 << 20) -> np.ndarray:
    """For each value, whether it is one of `sorted_keys` (a slice at a time: no full-size copies)."""
    found = np.zeros(len(values), dtype=bool)
    if len(sorted_keys):
        for start in range(0, len(values), step):
            part = values[start : start + step]
            at = np.minimum(np.searchsorted(sorted_keys, part), len(sorted_keys) - 1)
            found[start : start + step] = sorted_keys[at] == part
    return found
