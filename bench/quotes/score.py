"""Score the quotes stage against the labelled development set (tests/quotes/devset/*.yaml).

Each dev article is run the way the flow runs it: normalise and entities first (when those stages
are importable), then quotes. Predicted and gold quotes are compared on offsets in the published
text (body or headline), one-to-one, greedily by overlap; a pair matches when they overlap by at
least half of the shorter span.

Reported, for the seeds and for the whole set:
- full quotes: recall = gold full (non-partial) quotes matched by any prediction; precision =
  predicted full quotes matching any gold quote (a fragment flagged full counts against it);
- all quotes: the same over every quote, partial ones included;
- speakers: share of matched gold full quotes whose predicted speaker is the gold one (null must be
  predicted null), and the same over all matched quotes;
- partial flag: share of matched quotes with the gold is_partial.

Speaker names match when they fold to the same string, when the entities lookup gives both the
same entity, or when surnames are equal up to one edit (Zelensky/Zelenskyy) and the given names,
when both are present, start alike (Vladimir/Volodymyr).

    .venv/bin/python bench/quotes/score.py            # summary
    .venv/bin/python bench/quotes/score.py -v         # plus every miss and wrong speaker
    .venv/bin/python bench/quotes/score.py --json     # machine-readable
    .venv/bin/python bench/quotes/score.py -v --only 'dev_5[7-9]_*,dev_6[01]_*'  # one round
"""

from __future__ import annotations

import argparse
import json
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "tests" / "quotes" / "devset"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tasks.quotes import published_span, quotes_doc  # noqa: E402
from tasks.records import Doc  # noqa: E402


def load_devset(path: Path = DEVSET, pattern: str = "*.yaml") -> list[dict[str, Any]]:
    """Every dev article, or those matching `pattern` (globs separated by commas)."""
    files = {p for glob in pattern.split(",") for p in path.glob(glob.strip())}
    return [yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(files)]


def run_pipeline(article: dict[str, Any], with_stages: bool = True) -> Doc:
    """The dev article through normalise -> entities -> quotes, as the flow would run it."""
    doc = Doc(
        source_path=f"devset/{article['id']}",
        source_format="text",
        text=article["text"],
        title=article.get("title"),
        article_id=article["id"],
    )
    doc.text_normalized, doc.title_normalized = doc.text, doc.title
    if with_stages:
        try:
            from tasks.normalise import normalise_doc

            normalise_doc(doc)
        except ImportError:
            pass
        try:
            from tasks.entities import entities_doc

            entities_doc(doc)
        except ImportError:
            pass
    quotes_doc(doc)
    return doc


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).lower().replace("’", "'").strip()


def _edits_le1(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) <= 1
    if len(a) > len(b):
        a, b = b, a
    return any(a == b[:i] + b[i + 1 :] for i in range(len(b)))


def same_speaker(pred: str | None, gold: str | None) -> bool:
    if pred is None or gold is None:
        return pred is None and gold is None
    p, g = _fold(pred), _fold(gold)
    if p == g:
        return True
    try:
        from tasks.entities import lookup

        lp, lg = lookup(pred), lookup(gold)
        if lp and lg and lp.get("entity_id") == lg.get("entity_id"):
            return True
    except ImportError:
        pass
    pw, gw = p.split(), g.split()
    if not (pw and gw and _edits_le1(pw[-1], gw[-1])):
        return False
    if len(pw) > 1 and len(gw) > 1:
        return pw[0][0] == gw[0][0]
    return True


@dataclass
class Tally:
    gold_full: int = 0
    gold_full_hit: int = 0
    pred_full: int = 0
    pred_full_hit: int = 0
    gold_all: int = 0
    gold_all_hit: int = 0
    pred_all: int = 0
    pred_all_hit: int = 0
    speaker_full: int = 0
    speaker_full_ok: int = 0
    speaker_all: int = 0
    speaker_all_ok: int = 0
    partial_ok: int = 0
    problems: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for k, v in vars(other).items():
            if isinstance(v, int):
                setattr(self, k, getattr(self, k) + v)
            else:
                getattr(self, k).extend(v)

    def metrics(self) -> dict[str, float]:
        def r(a: int, b: int) -> float:
            return round(a / b, 3) if b else 1.0

        return {
            "full_recall": r(self.gold_full_hit, self.gold_full),
            "full_precision": r(self.pred_full_hit, self.pred_full),
            "all_recall": r(self.gold_all_hit, self.gold_all),
            "all_precision": r(self.pred_all_hit, self.pred_all),
            "speaker_full": r(self.speaker_full_ok, self.speaker_full),
            "speaker_all": r(self.speaker_all_ok, self.speaker_all),
            "partial_flag": r(self.partial_ok, self.speaker_all),
            "gold_full": self.gold_full,
            "gold_all": self.gold_all,
            "pred_all": self.pred_all,
        }


def _gold_spans(article: dict[str, Any]) -> list[tuple[int, int, dict[str, Any]]]:
    out = []
    taken: dict[tuple[bool, str], int] = {}
    for g in article["quotes"]:
        hay = (article.get("title") or "") if g.get("headline") else article["text"]
        key = (bool(g.get("headline")), g["text"])
        start = hay.find(g["text"], taken.get(key, 0))
        if start < 0:
            raise ValueError(f"{article['id']}: gold quote not in text: {g['text'][:60]!r}")
        taken[key] = start + 1
        out.append((start, start + len(g["text"]), g))
    return out


def _pred_spans(doc: Doc) -> list[tuple[int, int, dict[str, Any]]]:
    out = []
    for row in doc.quotes:
        field_ = "title" if row["is_headline"] else "text"
        changes = [c for c in doc.normalizations if c.get("field") == field_]
        s, e = published_span(changes, row["start"], row["end"])
        out.append((s, e, row))
    return out


def score_article(article: dict[str, Any], doc: Doc) -> Tally:
    t = Tally()
    gold = _gold_spans(article)
    pred = _pred_spans(doc)
    pairs = []
    for gi, (gs, ge, g) in enumerate(gold):
        for pi, (ps, pe, p) in enumerate(pred):
            if bool(g.get("headline")) != bool(p["is_headline"]):
                continue
            overlap = min(ge, pe) - max(gs, ps)
            if overlap > 0 and overlap >= 0.5 * min(ge - gs, pe - ps):
                pairs.append((overlap, gi, pi))
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    g_of: dict[int, int] = {}
    p_of: dict[int, int] = {}
    for _, gi, pi in pairs:
        if gi not in g_of and pi not in p_of:
            g_of[gi], p_of[pi] = pi, gi
    aid = article["id"]
    for gi, (_, _, g) in enumerate(gold):
        full = not g.get("partial")
        t.gold_all += 1
        t.gold_full += full
        if gi not in g_of:
            t.problems.append(f"{aid}: MISSED {'full' if full else 'partial'} {g['text'][:70]!r}")
            continue
        p = pred[g_of[gi]][2]
        t.gold_all_hit += 1
        t.gold_full_hit += full
        ok = same_speaker(p["speaker"], g.get("speaker"))
        t.speaker_all += 1
        t.speaker_all_ok += ok
        t.speaker_full += full
        t.speaker_full_ok += full and ok
        t.partial_ok += bool(p["is_partial"]) == bool(g.get("partial"))
        if not ok:
            t.problems.append(
                f"{aid}: SPEAKER {p['speaker']!r} (surface {p['speaker_surface']!r}) for gold "
                f"{g.get('speaker')!r}: {g['text'][:50]!r}"
            )
        if bool(p["is_partial"]) != bool(g.get("partial")):
            t.problems.append(f"{aid}: PARTIAL flag {p['is_partial']} for {g['text'][:50]!r}")
    for pi, (_, _, p) in enumerate(pred):
        full = not p["is_partial"]
        t.pred_all += 1
        t.pred_full += full
        if pi in p_of:
            t.pred_all_hit += 1
            t.pred_full_hit += full
        else:
            t.problems.append(f"{aid}: SPURIOUS {'full' if full else 'partial'} {p['text'][:70]!r}")
    return t


def score(articles: list[dict[str, Any]] | None = None, with_stages: bool = True) -> dict[str, Any]:
    """Metrics for the seeds and for the whole dev set, and the list of problems."""
    articles = articles if articles is not None else load_devset()
    seeds, everything = Tally(), Tally()
    for article in articles:
        doc = run_pipeline(article, with_stages)
        t = score_article(article, doc)
        everything.add(t)
        if article.get("seed"):
            seeds.add(t)
    return {
        "seeds": seeds.metrics(),
        "all": everything.metrics(),
        "problems": everything.problems,
        "articles": len(articles),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss and wrong speaker")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--bare", action="store_true", help="skip normalise and entities (quotes alone)")
    ap.add_argument("--only", default="*.yaml", help="score only the dev files matching these globs, comma-separated (one round)")
    args = ap.parse_args(argv)
    result = score(load_devset(pattern=args.only), with_stages=not args.bare)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{result['articles']} articles")
    cols = ["full_recall", "full_precision", "speaker_full", "all_recall", "all_precision", "speaker_all", "partial_flag"]
    print(f"{'':6} " + " ".join(f"{c:>14}" for c in cols) + f" {'gold full/all':>14}")
    for name in ("seeds", "all"):
        m = result[name]
        print(f"{name:6} " + " ".join(f"{m[c]:14.3f}" for c in cols) + f" {m['gold_full']:>8}/{m['gold_all']}")
    if args.verbose:
        for p in result["problems"]:
            print("  " + p)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
