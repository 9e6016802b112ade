"""Dedupe: the same content under two names becomes one article and one `duplicates` row.

Two checks, both exact: the same input bytes (`sha256`, right after ingest, so a copy is never
extracted twice) and the same extracted body (`article_id`, after extract: the same article saved
twice with different page furniture). The index of what was seen belongs to the flow's process
(kept in a temporary SQLite file) and spans batches, so the first copy in input order is the one
kept, run after run.
"""

from __future__ import annotations

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.dedupe.index import DiskMap, temporary_database
from tasks.records import Doc


class SeenIndex:
    """What a run has kept so far: content hash or article ID -> (article_id, source_path).

    On disk (`index.DiskMap`), so the flow's memory does not grow with the corpus. A plain class,
    not a dataclass, on purpose: Prefect walks a task's dataclass arguments entry by entry
    looking for futures.
    """

    __slots__ = ("_db", "by_sha256", "by_article", "article_of_sha")

    def __init__(self) -> None:
        self._db = temporary_database()
        self.by_sha256 = DiskMap(self._db, "by_sha256")  # sha256 -> source_path
        self.by_article = DiskMap(self._db, "by_article")  # article_id -> source_path
        self.article_of_sha = DiskMap(self._db, "article_of_sha")  # sha256 -> article_id

    def clear(self) -> None:
        """Forget everything and give the database's file back (the index stays usable)."""
        self._db.close()
        self.__init__()


def drop_exact_duplicates(docs: list[Doc], seen: SeenIndex) -> tuple[list[Doc], list[Doc]]:
    """Split docs into (first copies, exact copies of an earlier input); records the firsts."""
    kept, copies = [], []
    for doc in docs:
        if doc.sha256 and doc.sha256 in seen.by_sha256:
            copies.append(doc)
            continue
        if doc.sha256:
            seen.by_sha256[doc.sha256] = doc.source_path
        kept.append(doc)
    return kept, copies


def drop_body_duplicates(
    docs: list[Doc], copies: list[Doc], seen: SeenIndex
) -> tuple[list[Doc], list[dict], list[dict]]:
    """Keep the first document per article_id; returns (kept, duplicates rows, quarantine rows).

    `copies` are the exact copies found before extract; they are resolved here, once the article
    their first copy became is known. A copy of an input that was quarantined is quarantined too.
    """
    kept: list[Doc] = []
    duplicates: list[dict] = []
    for doc in docs:
        first = seen.by_article.get(doc.article_id)
        if first is not None:
            duplicates.append(_row(doc.source_path, doc.article_id, first, "body"))
        else:
            seen.by_article[doc.article_id] = doc.source_path
            kept.append(doc)
        if doc.sha256:
            seen.article_of_sha[doc.sha256] = doc.article_id
    quarantined: list[dict] = []
    for copy in copies:
        first = seen.by_sha256[copy.sha256]
        article_id = seen.article_of_sha.get(copy.sha256)
        if article_id is None:
            quarantined.append(
                copy.quarantine_row("dedupe", "copy-of-quarantined", f"same bytes as {first}")
            )
        else:
            duplicates.append(_row(copy.source_path, article_id, first, "exact"))
    return kept, duplicates, quarantined


def _row(source_path: str, article_id: str, duplicate_of: str, kind: str) -> dict:
    return {"source_path": source_path, "article_id": article_id, "duplicate_of": duplicate_of, "kind": kind}


@task(name="dedupe-exact", cache_policy=NO_CACHE)
def dedupe_exact_batch(docs: list[Doc], seen: SeenIndex) -> tuple[list[Doc], list[Doc]]:
    return drop_exact_duplicates(docs, seen)
