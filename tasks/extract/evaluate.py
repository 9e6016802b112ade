"""Scoring extracted bodies the way article-extraction benchmarks do, and reading labelled cases.

Shingle scores: the body and the gold text become multisets of word 4-grams; precision is the
share of extracted 4-grams found in the gold text, recall the share of gold 4-grams extracted.

A labelled text case (`*.lbl`) is the page itself with a label in front of every line, so input
and gold cannot drift apart: `T|` title, `B|` body paragraph, `+|` continuation of the previous
body paragraph (a sentence split by furniture or by hard wrapping), `M|` metadata (byline,
dateline), `C|` reader comment, `F|` furniture. `#! key: value` lines carry expected metadata.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"\w+", re.UNICODE)


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text.lower())
    if len(tokens) < n:
        return Counter([tuple(tokens)]) if tokens else Counter()
    return Counter(tuple(tokens[i : i + n]) for i in range(len(tokens) - n + 1))


def prf(predicted: str, gold: str, n: int = 4) -> tuple[float, float, float]:
    """(precision, recall, F1) of word n-gram shingles; an empty pair scores 1.0."""
    p, g = shingles(predicted, n), shingles(gold, n)
    if not p and not g:
        return 1.0, 1.0, 1.0
    if not p or not g:
        return (0.0, 0.0, 0.0) if (p or g) else (1.0, 1.0, 1.0)
    tp = sum((p & g).values())
    precision, recall = tp / sum(p.values()), tp / sum(g.values())
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return precision, recall, f1


@dataclass
class Case:
    """One development page: its input and what a perfect extractor returns."""

    name: str
    source_format: str  # "text" or "html"
    raw: str
    title: str | None
    body: str
    meta: dict[str, Any] = field(default_factory=dict)  # published_at, author, outlet, comments...
    labels: list[str] | None = None  # per input line, for labelled text cases
    exact: bool = False  # seeds: every body line must be kept, every other line dropped


def parse_lbl(text: str, name: str) -> Case:
    meta: dict[str, Any] = {}
    raw_lines: list[str] = []
    labels: list[str] = []
    paragraphs: list[str] = []
    title = None
    for line in text.split("\n"):
        if line.startswith("#! "):
            key, _, value = line[3:].partition(":")
            value = value.strip()
            meta[key.strip()] = int(value) if value.isdigit() else value
            continue
        if not line:
            raw_lines.append("")
            labels.append("")
            continue
        label, content = line[0], line[3:] if len(line) > 3 else ""
        if line[1:2] != "|" or label not in "TB+MCF":
            raise ValueError(f"{name}: bad label line {line!r}")
        raw_lines.append(content)
        labels.append(label)
        if label == "T":
            title = re.sub(r"^#{1,6}\s+", "", content.strip())  # a markdown heading marker
        elif label == "B":
            paragraphs.append(re.sub(r"^#{1,6}\s+", "", " ".join(content.split())))
        elif label == "+":
            paragraphs[-1] += " " + " ".join(content.split())
    return Case(name, "text", "\n".join(raw_lines), title, "\n\n".join(paragraphs), meta, labels)


def load_cases(root: Path) -> list[Case]:
    """Labelled text cases (*.lbl), and input + gold JSON pairs (*.txt / *.html with *.json)."""
    cases: list[Case] = []
    for path in sorted(root.rglob("*")):
        if path.suffix == ".lbl":
            cases.append(parse_lbl(path.read_text(encoding="utf-8"), path.stem))
        elif path.suffix in (".txt", ".html") and path.with_suffix(".json").exists():
            gold = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
            body = gold.pop("body")
            cases.append(
                Case(
                    path.stem,
                    "html" if path.suffix == ".html" else "text",
                    path.read_text(encoding="utf-8"),
                    gold.pop("title", None),
                    body if isinstance(body, str) else "\n\n".join(body),
                    gold,
                    exact=bool(gold.pop("exact", False)),
                )
            )
    return cases
