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


def duplicate_candidates(
    source: TableSource, kwargs: dict[str, Any], chunk_bytes: int, to_pandas
) -> tuple[pd.DataFrame, int, int]:
    """(rows that may repeat a key, indexed by position; rows in the table; rows considered)."""
    columns = key_columns(kwargs)
    hashes: list[np.ndarray] = []
    positions: list[np.ndarray] = []
    considered_rows = 0
    first_row = 0
    for chunk in source.iter_chunks(chunk_bytes, columns):
        keep = considered(chunk, columns, kwargs)
        considered_rows += pc.sum(keep).as_py() or 0
        mask = np.asarray(keep.to_numpy(zero_copy_only=False), dtype=bool)
        frame = to_pandas(chunk, first_row)
        hashes.append(pd.util.hash_pandas_object(frame[mask], index=False).to_numpy())
        positions.append(np.arange(first_row, first_row + chunk.num_rows)[mask])
        first_row += chunk.num_rows
        del frame
    all_hashes = np.concatenate(hashes) if hashes else np.empty(0, np.uint64)
    all_positions = np.concatenate(positions) if positions else np.empty(0, np.int64)
    del hashes, positions
    order = np.argsort(all_hashes, kind="stable")
    ranked = all_hashes[order]
    repeated = np.zeros(len(ranked), dtype=bool)
    if len(ranked) > 1:
        same = ranked[1:] == ranked[:-1]
        repeated[1:] |= same
        repeated[:-1] |= same
    candidates = np.sort(all_positions[order][repeated]).tolist()
    values = source.rows_at(candidates, columns, chunk_bytes)
    table = pa.table({c: pa.array(values[c], source.schema.field(c).type) for c in columns})
    frame = to_pandas(table, 0)
    frame.index = pd.Index(candidates, dtype="int64") if candidates else pd.RangeIndex(0)
    return frame, source.num_rows, considered_rows
