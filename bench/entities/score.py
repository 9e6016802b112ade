"""Score the entities stage on the labelled development set (tests/entities/devset/*.yaml).

    python bench/entities/score.py            # totals
    python bench/entities/score.py -v         # plus every miss and false alarm
    python bench/entities/score.py -v "holdout_1[4-8]*"   # one round only

A gold line `[surface, TYPE, canonical name]` labels every whole-word, same-case occurrence of
the surface (an optional fourth item lists which occurrences, from 0); an occurrence inside a
longer gold surface belongs to the longer one. Metrics: precision and recall of exact spans
with the right type, linking accuracy (right canonical name among those), and strict precision
and recall (span, type and name all right).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEVSET = ROOT / "tests" / "entities" / "devset"


@dataclass
class Gold:
    start: int
    end: int
    type: str
    name: str


@dataclass
class Score:
    tp: int = 0  # exact span and type
    fp: int = 0
    fn: int = 0
    linked: int = 0  # tp with the right canonical name
    by_type: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def linking(self) -> float:
        return self.linked / self.tp if self.tp else 1.0

    @property
    def strict_precision(self) -> float:
        return self.linked / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def strict_recall(self) -> float:
        return self.linked / (self.tp + self.fn) if self.tp + self.fn else 1.0


def _same_name(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return " ".join(s.replace("’", "'").casefold().split())

    return norm(a) == norm(b)


def load_doc(path: Path) -> tuple[str, list[Gold]]:
    """The document's text and its gold mentions with offsets."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    text = raw["text"]
    spans: list[Gold] = []
    for item in raw["gold"]:
        surface, type_, name = item[:3]
        wanted = set(item[3]) if len(item) > 3 else None
        found = [m for m in re.finditer(r"(?<!\w)" + re.escape(surface) + r"(?!\w)", text)]
        if not found:
            raise ValueError(f"{path.name}: gold surface {surface!r} not in text")
        for k, m in enumerate(found):
            if wanted is None or k in wanted:
                spans.append(Gold(m.start(), m.end(), type_, name))
    spans.sort(key=lambda g: (g.start, -(g.end - g.start)))
    kept: list[Gold] = []
    for g in spans:
        if kept and g.start < kept[-1].end:
            if g.end <= kept[-1].end and (g.end - g.start) < (kept[-1].end - kept[-1].start):
                continue  # inside a longer gold mention
            raise ValueError(f"{path.name}: gold spans overlap at {g.start}: {text[g.start:g.end]!r}")
        kept.append(g)
    return text, kept


def score_doc(path: Path, find_mentions, score: Score) -> None:
    text, gold = load_doc(path)
    predicted = {(m["start"], m["end"], m["type"]): m for m in find_mentions(text)}
    expected = {(g.start, g.end, g.type): g for g in gold}
    for key, g in expected.items():
        m = predicted.get(key)
        if m is None:
            score.fn += 1
            score.by_type[f"{g.type} missed"] += 1
            score.errors.append(f"{path.stem}: MISS {text[g.start:g.end]!r} {g.type} {g.name}")
            continue
        score.tp += 1
        score.by_type[f"{g.type} found"] += 1
        if _same_name(m["name"], g.name):
            score.linked += 1
        else:
            score.errors.append(f"{path.stem}: LINK {m['surface']!r} -> {m['name']} (gold {g.name})")
    for key, m in predicted.items():
        if key not in expected:
            score.fp += 1
            score.by_type[f"{m['type']} false"] += 1
            score.errors.append(f"{path.stem}: FALSE {m['surface']!r} {m['type']} {m['name']} ({m['source']})")


def score_devset(find_mentions, devset: Path = DEVSET) -> Score:
    score = Score()
    for path in sorted(devset.glob("*.yaml")):
        score_doc(path, find_mentions, score)
    return score


def main() -> int:
    parser = argparse.ArgumentParser(description="Score entity mentions on the dev set.")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every error")
    parser.add_argument("pattern", nargs="?", default="*", help="score only files matching this glob, e.g. 'holdout_1[4-8]*'")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tasks.entities import find_mentions

    paths = sorted(DEVSET.glob(args.pattern + ".yaml"))
    s = Score()
    for path in paths:
        score_doc(path, find_mentions, s)
    if args.verbose:
        print("\n".join(s.errors))
    docs = len(paths)
    print(f"documents {docs}  gold {s.tp + s.fn}  predicted {s.tp + s.fp}")
    print(f"span+type  precision {s.precision:.3f}  recall {s.recall:.3f}  F1 {s.f1:.3f}")
    print(f"linking    accuracy {s.linking:.3f} (right canonical name among correct spans)")
    print(f"strict     precision {s.strict_precision:.3f}  recall {s.strict_recall:.3f}")
    for t in ("PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT"):
        found, missed, false = (s.by_type[f"{t} {k}"] for k in ("found", "missed", "false"))
        if found + missed + false:
            print(f"  {t:6} found {found:4}  missed {missed:3}  false {false:3}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
