"""Publish: turn documents into table rows, stage them as Parquet, then swap them in as one set.

Tables are written aside (`<output>/.staging/<run>/`), validated there, and only then moved over
the published ones. A journal written before the first move is the commit point: a run killed
during the moves is finished by the next run's `recover` (killed before it, the staging is
dropped), so the table set is always one run's and each file is always whole. A lock file stops
two runs writing the same output. The previous tables double as the cache of incremental runs
(`PreviousRun`): an unchanged input keeps its rows instead of being processed again.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import shutil
import signal
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.publish.schema import TABLES, statistics_columns
from tasks.records import Doc

STAGING = ".staging"
MANIFEST = "_manifest.json"
JOURNAL = "_journal.json"  # in a staging dir: its tables are validated and being moved in
LOCK = ".newsetl.lock"
# Tables whose rows belong to one article, written in input order (the incremental cache relies on it).
ARTICLE_TABLES = ("articles", "entities", "comments", "normalizations", "quotes")
ROW_ORDER = "input"  # manifest marker: rows follow the input order, so PreviousRun can stream them


def article_row(doc: Doc, lexicon_version: str | None) -> dict[str, Any]:
    return {
        "article_id": doc.article_id,
        "source_path": doc.source_path,
        "source_format": doc.source_format,
        "encoding": doc.encoding,
        "url": doc.url,
        "outlet": doc.outlet,
        "title": doc.title,
        "title_normalized": doc.title_normalized,
        "author": doc.author,
        "published_at": doc.published_at,
        "language": doc.language,
        "text": doc.text,
        "text_normalized": doc.text_normalized,
        "word_count": doc.word_count,
        "extractor": doc.extractor,
        "sha256": doc.sha256 or None,
        "lexicon_version": lexicon_version,
    }


def rows_from_docs(docs: Iterable[Doc], lexicon_version: str | None) -> dict[str, list[dict]]:
    """The rows each finished document contributes to each table."""
    rows: dict[str, list[dict]] = {"articles": [], "quotes": [], "entities": [], "comments": [], "normalizations": []}
    for doc in docs:
        rows["articles"].append(article_row(doc, lexicon_version))
        rows["quotes"].extend(doc.quotes)
        rows["entities"].extend(doc.mentions)
        rows["comments"].extend(doc.comments)
        rows["normalizations"].extend(doc.normalizations)
    return rows


# A table's rows are gathered into row groups of about this many Arrow bytes (or ROW_GROUP_ROWS
# rows) before they are written. With one group per batch the footers grew with the corpus: a
# writer keeps every group's metadata until it closes (about 20 MiB for the tables of 100,000
# articles), and every reader parses all of it. Bigger groups cost memory while they gather and
# when validation reads them back, the same at any corpus size: measured peaks of the flow
# process at 10,000 / 100,000 articles were 572 / 638 MiB with a group per batch, 570 / 622 MiB
# at 2 MiB, and 597 / 602 MiB at 4 MiB.
ROW_GROUP_BYTES = 4 * 2**20
ROW_GROUP_ROWS = 122_880  # DuckDB's own row group size


class TableWriter:
    """Streams rows into one staged Parquet file per table, a row group per ROW_GROUP_BYTES.

    Memory stays bounded by the row group, not the corpus. Every table in `TABLES` is written,
    empty or not, so readers can rely on all of them existing.
    """

    def __init__(self, staging_dir: Path, metadata: dict[str, str] | None = None):
        self.dir = Path(staging_dir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.metadata = {f"newsetl.{k}": str(v) for k, v in (metadata or {}).items() if v is not None}
        self._writers: dict[str, pq.ParquetWriter] = {}
        self._gathered: dict[str, list[pa.Table]] = {}
        self.counts: dict[str, int] = dict.fromkeys(TABLES, 0)

    def path(self, table: str) -> Path:
        return self.dir / f"{table}.parquet"

    def _writer(self, table: str) -> pq.ParquetWriter:
        if table not in self._writers:
            schema = TABLES[table].with_metadata({**self.metadata, "newsetl.table": table})
            self._writers[table] = pq.ParquetWriter(
                self.path(table), schema, compression="zstd", write_statistics=statistics_columns(schema)
            )
        return self._writers[table]

    def write(self, table: str, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        gathered = self._gathered.setdefault(table, [])
        gathered.append(pa.Table.from_pylist(rows, schema=TABLES[table]))
        self.counts[table] += len(rows)
        if sum(t.nbytes for t in gathered) >= ROW_GROUP_BYTES or sum(len(t) for t in gathered) >= ROW_GROUP_ROWS:
            self._flush(table)

    def write_all(self, rows_by_table: dict[str, list[dict]]) -> None:
        for table, rows in rows_by_table.items():
            self.write(table, rows)

    def _flush(self, table: str) -> None:
        """Write the table's gathered rows as one row group."""
        gathered = self._gathered.pop(table, None)
        if gathered:
            writer = self._writer(table)
            data = pa.concat_tables(gathered).replace_schema_metadata(writer.schema.metadata)
            writer.write_table(data, row_group_size=len(data))

    def close(self) -> dict[str, Path]:
        for table in TABLES:
            self._flush(table)
            self._writer(table)  # creates the file of a table that got no rows
        self._close_files()
        return {table: self.path(table) for table in TABLES}

    def abandon(self) -> None:
        """Close the files without writing the gathered rows (the run failed; they are discarded)."""
        self._gathered.clear()
        self._close_files()

    def _close_files(self) -> None:
        for writer in self._writers.values():
            writer.close()
        self._writers.clear()


def staging_dir(output_dir: Path, run_id: str) -> Path:
    return Path(output_dir) / STAGING / run_id


# --- one writer at a time ------------------------------------------------------------------


class OutputLocked(RuntimeError):
    """Another run holds the output's lock; this one must not write there."""


class OutputLock:
    """An exclusive `flock` on `<output>/.newsetl.lock`, held for the whole run.

    The kernel releases it when the process dies, even by SIGKILL, so a killed run never leaves
    a stale lock behind. The file holds the owner's PID for the error message only.
    """

    def __init__(self, output_dir: Path):
        self.path = Path(output_dir) / LOCK
        self._fd: int | None = None

    def __enter__(self) -> OutputLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise OutputLocked(f"another newsetl run (pid {holder}) is writing {self.path.parent}") from None
            raise
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None


# --- publishing a snapshot -------------------------------------------------------------------


def _fault_point(name: str) -> None:
    """Die here, as a SIGKILL would, when NEWSETL_FAULT names this point (kill-safety tests)."""
    if os.environ.get("NEWSETL_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


def _write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w") as f:
        f.write(json.dumps(data, indent=2, sort_keys=True, default=str) + "\n")
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def publish_staged(staged: Path, output_dir: Path, manifest: dict[str, Any]) -> dict[str, Path]:
    """Swap the staged tables in as one set: journal (the commit point), moves, manifest.

    Once the journal exists the run counts as published: a kill during the moves is completed by
    `recover` at the start of the next run, which repeats the moves still to do.
    """
    staged, output_dir = Path(staged), Path(output_dir)
    for table in TABLES:
        with open(staged / f"{table}.parquet", "rb") as f:
            os.fsync(f.fileno())
    _write_json_atomic(staged / JOURNAL, {"tables": list(TABLES), "manifest": manifest})
    _fsync_dir(staged)
    _fault_point("after-journal")
    _complete(staged, output_dir)
    return {table: output_dir / f"{table}.parquet" for table in TABLES}


def _complete(staged: Path, output_dir: Path) -> None:
    """Move whatever the journal lists that is still staged, write the manifest, drop the staging."""
    journal = json.loads((staged / JOURNAL).read_text())
    for i, table in enumerate(journal["tables"]):
        src = staged / f"{table}.parquet"
        if src.exists():
            os.replace(src, output_dir / f"{table}.parquet")
        if i == 2:
            _fault_point("mid-publish")
    _write_json_atomic(output_dir / MANIFEST, journal["manifest"])
    _fsync_dir(output_dir)
    discard_staged(staged)


def recover(output_dir: Path) -> list[str]:
    """Finish or roll back what killed runs left in `<output>/.staging`; call it under the lock.

    A staging dir with a journal was validated and committed: its remaining moves are done. One
    without is a run that died before publishing: it is deleted. Returns what was done, for logs.
    """
    root = Path(output_dir) / STAGING
    if not root.is_dir():
        return []
    done = []
    for staged in sorted(root.iterdir()):
        if (staged / JOURNAL).exists():
            _complete(staged, Path(output_dir))
            done.append(f"completed {staged.name}")
        else:
            discard_staged(staged)
            done.append(f"discarded {staged.name}")
    return done


def discard_staged(staged: Path) -> None:
    shutil.rmtree(staged, ignore_errors=True)
    parent = staged.parent
    if parent.name == STAGING and parent.exists() and not any(parent.iterdir()):
        parent.rmdir()


def read_manifest(output_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((Path(output_dir) / MANIFEST).read_text())
    except (OSError, ValueError):
        return None


@task(name="publish", cache_policy=NO_CACHE)
def publish_task(staged: Path, output_dir: Path, manifest: dict[str, Any]) -> dict[str, Path]:
    return publish_staged(staged, output_dir, manifest)


# --- what a run's tables depend on --------------------------------------------------------------

_CODE_SUFFIXES = {".py", ".yaml", ".yml", ".txt", ".csv", ".json"}
_code_version: str | None = None


def code_version() -> str:
    """`<package version>+<hash>` of the code and data files of `tasks/` and `flows/`.

    Any edit to a stage, its word lists or the flow changes it, and a changed code version makes
    the next run reprocess everything: outputs never mix rows made by two versions of the code.
    """
    global _code_version
    if _code_version is None:
        import newsetl

        root = Path(__file__).resolve().parents[2]
        h = hashlib.sha256()
        for package in ("tasks", "flows"):
            for path in sorted((root / package).rglob("*")):
                if path.suffix in _CODE_SUFFIXES and path.is_file() and "__pycache__" not in path.parts:
                    h.update(path.relative_to(root).as_posix().encode())
                    h.update(b"\0")
                    h.update(path.read_bytes())
        _code_version = f"{newsetl.__version__}+{h.hexdigest()[:12]}"
    return _code_version


def inputs_fingerprint(paths: Iterable[tuple[str, str | Path | None]], *extra: str, max_bytes: int | None = None) -> str:
    """SHA-256 over every input's relative path and bytes, plus `extra` (versions, settings).

    Equal to the last published run's, the run has nothing to do: same inputs, same code. An input
    that ingest will refuse without opening (path None: a link out of the root, a pipe) counts by
    name only; one above `max_bytes` by size and mtime, so a huge file is never read here.
    """
    h = hashlib.sha256()
    for value in extra:
        h.update(value.encode())
        h.update(b"\0")
    for rel, path in paths:
        h.update(rel.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
        if path is None:
            h.update(b"refused")
            continue
        try:
            stat = os.stat(path)
            if max_bytes is not None and stat.st_size > max_bytes:
                h.update(f"large:{stat.st_size}:{stat.st_mtime_ns}".encode())
                continue
            with open(path, "rb") as f:
                h.update(hashlib.file_digest(f, "sha256").digest())
        except OSError as exc:
            h.update(f"unreadable:{exc.errno}".encode())
    return h.hexdigest()


def dir_fingerprint(directory: Path | None) -> str:
    """Hash of the files of a folder (the expectation suites): a changed suite is a changed run."""
    if directory is None or not Path(directory).is_dir():
        return ""
    h = hashlib.sha256()
    for path in sorted(Path(directory).glob("*.json")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()


# --- the previous tables as the cache of incremental runs ----------------------------------------


class _Cursor:
    """Reads one previous table forward, handing out the rows of the articles asked for.

    Rows are in input order and so are the runs' batches, so one forward pass per table serves
    the whole run: memory holds one record batch, never the table.
    """

    def __init__(self, path: Path, position: dict[str, int], rows_per_read: int = 1024):
        self._batches = pq.ParquetFile(path).iter_batches(batch_size=rows_per_read)
        self._rows: list[dict[str, Any]] = []
        self._i = 0
        self._position = position

    def take(self, wanted: set[str], upto: int) -> dict[str, list[dict[str, Any]]]:
        """Rows of `wanted` articles among those up to previous position `upto`; skips the rest."""
        out: dict[str, list[dict[str, Any]]] = {}
        while True:
            if self._i >= len(self._rows):
                batch = next(self._batches, None)
                if batch is None:
                    return out
                self._rows, self._i = batch.to_pylist(), 0
                continue
            row = self._rows[self._i]
            if self._position.get(row["article_id"], -1) > upto:
                return out
            self._i += 1
            if row["article_id"] in wanted:
                out.setdefault(row["article_id"], []).append(row)


class PreviousRun:
    """The last published tables, used as a cache keyed by input path + content hash.

    Usable only when they were made by the same code version and lexicon version (from the
    manifest and each article row): then an input whose path and SHA-256 match a published article
    keeps that article's rows, and one that extract quarantined keeps its quarantine row.
    Everything else (dedupe decisions, duplicates, quote clusters, the catalogue) is recomputed,
    so an incremental run gives the same tables as a full one.
    """

    def __init__(self, output_dir: Path, code_version: str, lexicon_version: str | None):
        self.dir = Path(output_dir)
        self.articles: dict[tuple[str, str], tuple[str, int]] = {}  # (path, sha256) -> (id, position)
        self.extract_quarantine: dict[tuple[str, str], dict[str, Any]] = {}
        self._position: dict[str, int] = {}
        self._cursors: dict[str, _Cursor] = {}
        manifest = read_manifest(self.dir) or {}
        self.usable = (
            manifest.get("code_version") == code_version
            and manifest.get("lexicon_version") == lexicon_version
            and manifest.get("row_order") == ROW_ORDER
            and all((self.dir / f"{t}.parquet").exists() for t in TABLES)
        )
        if not self.usable:
            return
        index = pq.read_table(self.dir / "articles.parquet", columns=["article_id", "source_path", "sha256", "lexicon_version"])
        for pos, (aid, path, sha, lexicon) in enumerate(
            zip(*(index.column(c).to_pylist() for c in ("article_id", "source_path", "sha256", "lexicon_version")), strict=True)
        ):
            self._position[aid] = pos
            if sha and lexicon == lexicon_version:
                self.articles[(path, sha)] = (aid, pos)
        quarantine = pq.read_table(self.dir / "quarantine.parquet", filters=[("stage", "=", "extract")]).to_pylist()
        for row in quarantine:
            if row["sha256"]:
                self.extract_quarantine[(row["source_path"], row["sha256"])] = row
        self._cursors = {t: _Cursor(self.dir / f"{t}.parquet", self._position) for t in ARTICLE_TABLES}

    def article_of(self, source_path: str, sha256: str) -> str | None:
        hit = self.articles.get((source_path, sha256)) if self.usable else None
        return hit[0] if hit else None

    def quarantine_of(self, source_path: str, sha256: str) -> dict[str, Any] | None:
        return self.extract_quarantine.get((source_path, sha256)) if self.usable else None

    def rows(self, article_ids: list[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """table -> article_id -> previous rows, for articles asked for in input order, batch by batch."""
        if not article_ids:
            return {t: {} for t in ARTICLE_TABLES}
        wanted = set(article_ids)
        upto = max(self._position[a] for a in article_ids)
        return {t: cursor.take(wanted, upto) for t, cursor in self._cursors.items()}


# --- outputs on other filesystems (s3://, gs://, memory://...) -----------------------------------


def is_remote(output: str) -> bool:
    """True for an fsspec URL other than a local path (those are published in place)."""
    return "://" in str(output) and not str(output).startswith("file://")


def local_path(output: str) -> Path:
    return Path(str(output).removeprefix("file://"))


def fetch_published(url: str, local_dir: Path) -> None:
    """Copy the tables and manifest published at `url` into `local_dir` (the incremental cache)."""
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    local_dir = Path(local_dir)
    local_dir.mkdir(parents=True, exist_ok=True)
    for name in [*(f"{t}.parquet" for t in TABLES), MANIFEST]:
        remote = f"{root.rstrip('/')}/{name}"
        if fs.exists(remote):
            tmp = local_dir / f".{name}.fetch"
            fs.get(remote, str(tmp))
            os.replace(tmp, local_dir / name)


def mirror_published(local_dir: Path, url: str) -> list[str]:
    """Upload the published tables to `url`, the manifest last.

    Each object is replaced whole (an S3/GCS PUT is atomic per object), so readers never see a
    partial file; the manifest, written last, says which run the set belongs to.
    """
    import fsspec

    fs, root = fsspec.core.url_to_fs(url)
    fs.makedirs(root, exist_ok=True)
    written = []
    for name in [*(f"{t}.parquet" for t in TABLES), MANIFEST]:
        remote = f"{root.rstrip('/')}/{name}"
        fs.put_file(str(Path(local_dir) / name), remote)
        written.append(remote)
    return written
