"""Group reports of one utterance across articles and outlets, as Quotebank does.

Outlets cut quotes differently, elide with "…", insert "[Putin]" and spell names their way. Two
quotes are one utterance when their word 3-gram shingles are similar (MinHash LSH, Jaccard), or
when one is a cut of the other (most of its shingles inside the other). Short fragments ("a good
compromise") are too common to link long quotes together, so they join one cluster at most, and
only one whose quote has the same speaker.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from typing import Any

from datasketch import MinHash, MinHashLSH

SHINGLE = 3
JACCARD = 0.5  # LSH threshold and the exact check after it
CONTAINMENT = 0.8  # share of a cut quote's shingles found in the fuller report
MIN_SHINGLES = 3  # fewer than this (about five words) is a fragment
MAX_POSTING = 200  # shingles shared by more quotes than this say nothing ("we will not")
NUM_PERM = 128

_SEGMENT_BREAK = re.compile(r"\[[^\]]*\]|…|\.\s*\.\s*\.|\(\s*\.\.\.\s*\)")
_WORD = re.compile(r"\w+")


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.replace("’", "'").replace("‘", "'").lower()


def segments(text: str) -> list[list[str]]:
    """Word lists of the runs between ellipses and editorial brackets."""
    return [w for w in (_WORD.findall(seg) for seg in _SEGMENT_BREAK.split(fold(text))) if w]


def shingles(text: str) -> set[str]:
    out = set()
    for words in segments(text):
        if len(words) < SHINGLE:
            continue
        for i in range(len(words) - SHINGLE + 1):
            out.add(" ".join(words[i : i + SHINGLE]))
    return out


def _speaker_key(row: dict[str, Any]) -> str | None:
    if row.get("speaker_entity_id"):
        return "id:" + str(row["speaker_entity_id"])
    if row.get("speaker"):
        return "name:" + fold(str(row["speaker"])).split()[-1]
    return None


def _compatible(a: dict[str, Any], b: dict[str, Any]) -> bool:
    ka, kb = _speaker_key(a), _speaker_key(b)
    if ka is None or kb is None or ka == kb:
        return True
    # one side may know the entity, the other only the name
    na = fold(str(a.get("speaker") or "")).split()
    nb = fold(str(b.get("speaker") or "")).split()
    return bool(na and nb and na[-1] == nb[-1])


class _UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> None:
        ri, rj = self.find(i), self.find(j)
        if ri != rj:
            self.parent[max(ri, rj)] = min(ri, rj)


def cluster_quotes(rows: list[dict[str, Any]]) -> None:
    """Set `quote_cluster_id` on every row: the smallest quote_id among reports of the utterance."""
    if not rows:
        return
    texts = [str(r.get("text_normalized") or r.get("text") or "") for r in rows]
    sh = [shingles(t) for t in texts]
    uf = _UnionFind(len(rows))

    # 1. Similar reports (Jaccard) through MinHash LSH.
    lsh = MinHashLSH(threshold=JACCARD, num_perm=NUM_PERM)
    hashes: dict[int, MinHash] = {}
    for i, s in enumerate(sh):
        if len(s) < MIN_SHINGLES:
            continue
        m = MinHash(num_perm=NUM_PERM)
        m.update_batch([x.encode("utf-8") for x in sorted(s)])
        hashes[i] = m
        lsh.insert(str(i), m)
    for i, m in hashes.items():
        for key in lsh.query(m):
            j = int(key)
            if j <= i:
                continue
            inter = len(sh[i] & sh[j])
            if inter / len(sh[i] | sh[j]) >= JACCARD and _compatible(rows[i], rows[j]):
                uf.union(i, j)

    # 2. Cuts: most of a quote's shingles inside a longer report.
    postings: dict[str, list[int]] = defaultdict(list)
    for i, s in enumerate(sh):
        for x in s:
            postings[x].append(i)
    for i, s in enumerate(sh):
        if len(s) < MIN_SHINGLES:
            continue
        shared: dict[int, int] = defaultdict(int)
        for x in s:
            post = postings[x]
            if len(post) > MAX_POSTING:
                continue
            for j in post:
                if j != i:
                    shared[j] += 1
        for j, n in shared.items():
            if len(sh[j]) >= len(s) and n / len(s) >= CONTAINMENT and _compatible(rows[i], rows[j]):
                uf.union(i, j)

    # 3. Fragments join the one cluster whose quote contains them, said by the same speaker.
    attach: dict[int, int] = {}
    folded = [" ".join(w for seg in segments(t) for w in seg) for t in texts]
    by_speaker: dict[str, list[int]] = defaultdict(list)
    for j, r in enumerate(rows):
        key = _speaker_key(r)
        if key and len(sh[j]) >= MIN_SHINGLES:
            by_speaker[key].append(j)
    for i, s in enumerate(sh):
        if len(s) >= MIN_SHINGLES or not folded[i]:
            continue
        key = _speaker_key(rows[i])
        if key is None:
            continue
        needle = f" {folded[i]} "
        hosts = [j for j in by_speaker[key] if needle in f" {folded[j]} "]
        if hosts:
            same_article = [j for j in hosts if rows[j].get("article_id") == rows[i].get("article_id")]
            pool = same_article or hosts
            attach[i] = min(pool, key=lambda j: (str(rows[j].get("quote_id")), j))

    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(rows)):
        members[uf.find(i)].append(i)
    cluster_of: dict[int, str] = {}
    for root, idx in members.items():
        cid = min(str(rows[k].get("quote_id")) for k in idx)
        for k in idx:
            cluster_of[k] = cid
    for i, j in attach.items():
        root = uf.find(i)
        if len(members[root]) == 1:
            cluster_of[i] = cluster_of[j]
    for i, r in enumerate(rows):
        r["quote_cluster_id"] = cluster_of[i]
