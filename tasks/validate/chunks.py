"""Read staged tables a bounded chunk at a time, so validation memory follows the chunk size.

A 100,000-article run stages about a gigabyte of article text and millions of mention rows;
reading any of that whole would make validation's memory grow with the corpus. Everything here
reads Parquet (or an Arrow table already in memory) in pieces of at most `chunk_bytes` of Arrow
data: whole chunks for the row-local expectations, a few key columns for uniqueness, and the
article texts that span checks need, fetched by article ID for one chunk at a time.
"""

from __future__ import annotations

import bisect
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

# Arrow bytes per chunk. Pandas, the check columns and GX's metrics take a few times this.
DEFAULT_CHUNK_BYTES = 32 * 2**20
# Rows per chunk: narrow tables (mentions) cost far more as Python rows than as Arrow bytes.
MAX_CHUNK_ROWS = 100_000
# A chunk is assembled from pieces this many times smaller than itself, so it stays under its
# bound and fills it closely (fewer chunks: each costs GX a fixed few hundred milliseconds).
PIECES_PER_CHUNK = 32
MAX_PIECE_ROWS = 65_536
# Span checks fetch the texts of articles whose rows make up at most this share of a chunk.
TEXT_SHARE_OF_CHUNK = 0.25


def chunk_bytes_setting(value: int | None = None) -> int:
    """The chunk bound: the argument, else NEWSETL_VALIDATE_CHUNK_BYTES, else the default."""
    chosen = value or int(os.environ.get("NEWSETL_VALIDATE_CHUNK_BYTES") or DEFAULT_CHUNK_BYTES)
    if chosen < 1:
        raise ValueError(f"chunk size must be positive, not {chosen}")
    return chosen


class TableSource:
    """One Parquet table, readable in bounded pieces by row group.

    An open file holds its parsed footer, which describes every row group: 1.8 MiB for the
    articles of 100,000 (125 groups as the pipeline stages them; 7.2 MiB with a group per
    200-article batch). `release` lets it go once the table is done with; it is opened again
    if read later.
    """

    def __init__(self, parquet: pq.ParquetFile, path: Path | None = None):
        self._parquet: pq.ParquetFile | None = parquet
        self._path = path
        meta = parquet.metadata
        self.schema = parquet.schema_arrow
        self.num_rows = meta.num_rows
        self.group_rows = [meta.row_group(g).num_rows for g in range(meta.num_row_groups)]
        self._bytes = sum(meta.row_group(g).total_byte_size for g in range(meta.num_row_groups))
        self.group_starts = [0]
        for rows in self.group_rows:
            self.group_starts.append(self.group_starts[-1] + rows)

    @classmethod
    def from_parquet(cls, path: Path) -> TableSource:
        # No pre-buffering: a reader that pre-buffers keeps the buffers of every row group it has
        # read until it is done, so a pass over a table would hold about all of its column data.
        return cls(cls._open(path), path)

    @staticmethod
    def _open(path: Path) -> pq.ParquetFile:
        return pq.ParquetFile(path, pre_buffer=False)

    @property
    def _file(self) -> pq.ParquetFile:
        if self._parquet is None:
            assert self._path is not None
            self._parquet = self._open(self._path)
        return self._parquet

    def release(self) -> None:
        """Let the open file and its footer go (a source read from a path only)."""
        if self._path is not None:
            self._parquet = None

    @property
    def columns(self) -> list[str]:
        return list(self.schema.names)

    def row_bytes(self) -> float:
        """Average bytes of a row, as the metadata gives them."""
        return max(1.0, self._bytes / max(self.num_rows, 1))

    def piece_rows(self, chunk_bytes: int, columns: list[str] | None = None) -> int:
        """Rows per piece, from the average row size the file's metadata gives."""
        share = 1.0 if columns is None else max(len(columns), 1) / max(len(self.schema.names), 1)
        row_bytes = max(1.0, self._bytes * share / max(self.num_rows, 1))
        return int(max(1, min(MAX_PIECE_ROWS, chunk_bytes / PIECES_PER_CHUNK / row_bytes)))

    def _pieces(self, rows: int, columns: list[str] | None, groups: list[int] | None = None) -> Iterator[pa.RecordBatch]:
        if groups is not None and not groups:
            return
        yield from self._file.iter_batches(batch_size=rows, row_groups=groups, columns=columns, use_threads=False)

    def iter_chunks(
        self, chunk_bytes: int, columns: list[str] | None = None, max_rows: int = MAX_CHUNK_ROWS
    ) -> Iterator[pa.Table]:
        """Consecutive chunks of at most `chunk_bytes` and `max_rows` (unless one piece is larger).

        Always yields at least one chunk, empty for an empty table, so every table is
        validated along the same path.
        """
        schema = self.schema if columns is None else pa.schema([self.schema.field(c) for c in columns])
        pending: list[pa.RecordBatch] = []
        size = rows = 0
        yielded = False
        piece_rows = min(self.piece_rows(chunk_bytes, columns), max(1, max_rows // PIECES_PER_CHUNK))
        for piece in self._sliced(self._pieces(piece_rows, columns), chunk_bytes // PIECES_PER_CHUNK):
            if pending and (size + piece.nbytes > chunk_bytes or rows + piece.num_rows > max_rows):
                chunk = pa.Table.from_batches(pending, schema=schema)
                pending, size, rows = [], 0, 0  # the caller alone holds the chunk, and can free it
                yield chunk
                del chunk
                yielded = True
            pending.append(piece)
            size += piece.nbytes
            rows += piece.num_rows
        if pending or not yielded:
            yield pa.Table.from_batches(pending, schema=schema)

    @staticmethod
    def _sliced(pieces: Iterable[pa.RecordBatch], target_bytes: int) -> Iterator[pa.RecordBatch]:
        """Pieces cut to about `target_bytes` where the metadata's row size misled (repeated values)."""
        for piece in pieces:
            if piece.nbytes <= target_bytes or piece.num_rows <= 1:
                yield piece
                continue
            rows = max(1, int(piece.num_rows * target_bytes / piece.nbytes))
            for start in range(0, piece.num_rows, rows):
                yield piece.slice(start, rows)

    def read_columns(self, columns: Iterable[str]) -> pa.Table:
        """Whole columns (keys for uniqueness and references: a small share of the table)."""
        wanted = [c for c in columns if c in self.schema.names]
        return self._file.read(columns=wanted, use_threads=False)

    def rows_at(self, positions: list[int], columns: list[str], chunk_bytes: int) -> dict[str, list[Any]]:
        """Column values of the rows at sorted global `positions`, reading only their row groups."""
        out: dict[str, list[Any]] = {c: [] for c in columns}
        if not positions:
            return out
        by_group: dict[int, list[int]] = {}
        for pos in positions:
            group = bisect.bisect_right(self.group_starts, pos) - 1
            by_group.setdefault(group, []).append(pos - self.group_starts[group])
        # One pass over just these groups; `wanted` counts rows across them as they are read.
        groups = sorted(by_group)
        wanted: list[int] = []
        offset = 0
        for group in groups:
            wanted += [offset + p for p in by_group[group]]
            offset += self.group_rows[group]
        start = i = 0
        for piece in self._pieces(self.piece_rows(chunk_bytes, columns), columns, groups):
            end = start + piece.num_rows
            j = bisect.bisect_left(wanted, end, i)
            if j > i:
                taken = piece  # positions are distinct: as many as the piece has rows are all of them
                if j - i < piece.num_rows:
                    taken = piece.take(pa.array([p - start for p in wanted[i:j]], pa.int64()))
                for c in columns:
                    out[c].extend(taken.column(c).to_pylist())
                i = j
            if i == len(wanted):
                break
            start = end
        return out


class ArticleTexts:
    """Article text by ID, fetched for one chunk's articles at a time (never all texts at once).

    Holds only the article IDs, as one Arrow array (not a Python object per article), to find
    an ID's row. When an ID occurs twice, the later row wins, as a dict built from the whole
    table would have it.
    """

    def __init__(
        self, articles: TableSource, chunk_bytes: int, article_ids: pa.ChunkedArray | pa.Array | None = None
    ):
        self.articles = articles
        self.chunk_bytes = chunk_bytes
        # A chunk of quotes can name tens of thousands of articles. Their texts are fetched a few
        # at a time, held as Arrow data and as Python strings beside the chunk itself.
        self.articles_per_lookup = max(1, int(chunk_bytes * TEXT_SHARE_OF_CHUNK / articles.row_bytes()))
        if article_ids is None:
            article_ids = articles.read_columns(["article_id"]).column("article_id")
        if isinstance(article_ids, pa.ChunkedArray):
            article_ids = article_ids.combine_chunks()
        if not (pa.types.is_string(article_ids.type) or pa.types.is_large_string(article_ids.type)):
            article_ids = pa.array([], pa.string())  # IDs that are not strings name no article
        self._ids = article_ids

    def locate(self, article_ids: Iterable[Any]) -> dict[str, int]:
        """Row of each given ID that is an article's (one pass over the IDs for a whole chunk's)."""
        wanted = list({a for a in article_ids if isinstance(a, str)})
        if not wanted:
            return {}
        which = pc.index_in(self._ids, value_set=pa.array(wanted, self._ids.type)).fill_null(-1).to_numpy()
        rows = np.flatnonzero(which >= 0)
        last = np.full(len(wanted), -1)
        np.maximum.at(last, which[rows], rows)  # an ID on two rows: the later row wins
        return {a: int(row) for a, row in zip(wanted, last.tolist(), strict=True) if row >= 0}

    def fetch(
        self, located: dict[str, int], article_ids: Iterable[Any], columns: list[str]
    ) -> dict[str, dict[str, Any]]:
        """column -> {article_id: value} for the given IDs among the `located` ones."""
        rows = {a: located[a] for a in set(article_ids) if isinstance(a, str) and a in located}
        order = sorted(rows, key=rows.__getitem__)
        values = self.articles.rows_at([rows[a] for a in order], columns, self.chunk_bytes)
        return {c: dict(zip(order, values[c], strict=True)) for c in columns}

    def lookup(self, article_ids: Iterable[Any], columns: list[str]) -> dict[str, dict[str, Any]]:
        """column -> {article_id: value} for the given IDs that are articles."""
        article_ids = list(article_ids)
        return self.fetch(self.locate(article_ids), article_ids, columns)
