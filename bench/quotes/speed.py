"""How fast the quotes stage runs: quotes_doc per article, cluster_quotes per run.

Articles: the dev set (already through normalise and entities), each run `--rounds` times.
Clustering: every dev quote reported by `--outlets` imaginary outlets, each with its own cut.

    .venv/bin/python bench/quotes/speed.py [--rounds 20] [--outlets 200]
"""

from __future__ import annotations

import argparse
import copy
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).parent))

from score import load_devset, run_pipeline  # noqa: E402

from tasks.quotes import cluster_quotes, quotes_doc  # noqa: E402
from tasks.records import content_id  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--outlets", type=int, default=200)
    args = ap.parse_args()
    docs = [run_pipeline(a) for a in load_devset()]
    chars = sum(len(d.text) for d in docs)
    t0 = time.perf_counter()
    for _ in range(args.rounds):
        for d in docs:
            quotes_doc(copy.copy(d))
    dt = time.perf_counter() - t0
    n = args.rounds * len(docs)
    print(f"quotes_doc: {n} articles in {dt:.2f} s = {n / dt:.0f} articles/s, {chars * args.rounds / dt / 1e6:.2f} M chars/s")

    rng = random.Random(1)
    base = [r for d in docs for r in d.quotes]
    rows = []
    for outlet in range(args.outlets):
        for r in base:
            words = r["text_normalized"].split()
            a = rng.randint(0, max(0, len(words) // 4))
            b = len(words) - rng.randint(0, max(0, len(words) // 4))
            text = " ".join(words[a:b]) or r["text_normalized"]
            rows.append(dict(r, quote_id=content_id(str(outlet), r["quote_id"]), article_id=f"{outlet}:{r['article_id']}",
                             text=text, text_normalized=text, quote_cluster_id=None))
    t0 = time.perf_counter()
    cluster_quotes(rows)
    dt = time.perf_counter() - t0
    clusters = len({r["quote_cluster_id"] for r in rows})
    print(f"cluster_quotes: {len(rows)} rows in {dt:.2f} s = {len(rows) / dt:.0f} rows/s, {clusters} clusters "
          f"({len(base)} distinct dev quotes)")


if __name__ == "__main__":
    main()
