"""Documents per second for the entities stage, on dev-set article bodies repeated to N documents.

    python bench/entities/bench_speed.py            # 10,000 documents
    python bench/entities/bench_speed.py -n 2000

Reports the pure function (find_mentions) and the stage as the flow runs it (entities_batch.fn
over batches of 200, with run_stage's per-document bookkeeping). Catalogue loading is timed
apart: it happens once per process.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "tests" / "entities" / "devset"
sys.path.insert(0, str(ROOT))


def main() -> int:
    parser = argparse.ArgumentParser(description="Entities stage throughput.")
    parser.add_argument("-n", type=int, default=10_000, help="documents to process")
    parser.add_argument("--batch", type=int, default=200, help="documents per entities_batch call")
    parser.add_argument(
        "--spacy-ruler", action="store_true",
        help="also time spaCy's EntityRuler (blank 'en', phrase_matcher_attr=LOWER) on the same aliases",
    )
    args = parser.parse_args()

    texts = [yaml.safe_load(p.read_text(encoding="utf-8"))["text"] for p in sorted(DEVSET.glob("*.yaml"))]
    # Vary each copy slightly so nothing downstream can benefit from identical inputs.
    docs_text = [f"{texts[i % len(texts)]}\n\nReport {i}." for i in range(args.n)]
    chars = sum(len(t) for t in docs_text)

    t0 = time.perf_counter()
    from tasks.entities import entities_batch, find_mentions
    from tasks.entities.catalog import load_catalog
    from tasks.entities.matcher import cues

    load_catalog(), cues()
    t_load = time.perf_counter() - t0

    t0 = time.perf_counter()
    mentions = sum(len(find_mentions(t)) for t in docs_text)
    t_pure = time.perf_counter() - t0

    from tasks.records import Doc

    docs = [Doc(source_path=f"d{i}", source_format="text", article_id=str(i), text=t, text_normalized=t) for i, t in enumerate(docs_text)]
    t0 = time.perf_counter()
    out = 0
    for i in range(0, len(docs), args.batch):
        out += len(entities_batch.fn(docs[i : i + args.batch]).docs)
    t_stage = time.perf_counter() - t0

    print(f"catalogue and cues loaded once in {t_load:.2f} s (includes importing the stage)")
    print(f"{args.n} documents, {chars / args.n:.0f} characters on average, {mentions} mentions")
    print(f"find_mentions:   {t_pure:.2f} s  {args.n / t_pure:,.0f} docs/s  {chars / t_pure / 1e6:.1f} M chars/s")
    print(f"entities_batch:  {t_stage:.2f} s  {out / t_stage:,.0f} docs/s (batches of {args.batch})")
    if args.spacy_ruler:
        _time_spacy_ruler(docs_text)
    return 0


def _time_spacy_ruler(texts: list[str]) -> None:
    """The same catalogue aliases in spaCy's EntityRuler: catalogue matches only, no rules."""
    import spacy

    from tasks.entities.catalog import load_catalog

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    patterns = [
        {"label": e.type, "pattern": form, "id": e.entity_id}
        for e in load_catalog().entities.values()
        for form in (e.name, *e.aliases)
    ]
    ruler.add_patterns(patterns)
    t0 = time.perf_counter()
    ents = sum(len(doc.ents) for doc in nlp.pipe(texts, batch_size=200))
    elapsed = time.perf_counter() - t0
    print(f"spaCy EntityRuler (catalogue only): {elapsed:.2f} s  {len(texts) / elapsed:,.0f} docs/s  {ents} entities")


if __name__ == "__main__":
    raise SystemExit(main())
