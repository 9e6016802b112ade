"""Print the lines of labelled cases where the text cleaner disagrees with the gold labels.

    .venv/bin/python bench/extract/diff.py DIR_OR_FILE...
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tasks.extract.evaluate import parse_lbl  # noqa: E402
from tasks.extract.text_cleaner import clean_text  # noqa: E402

GOLD_BODY = {"B", "+"}


def main() -> None:
    paths = []
    for arg in sys.argv[1:]:
        p = Path(arg)
        paths.extend(sorted(p.glob("*.lbl")) if p.is_dir() else [p])
    for path in paths:
        case = parse_lbl(path.read_text(encoding="utf-8"), path.stem)
        cleaned = clean_text(case.raw)
        print(f"== {path.stem}  title={'ok' if cleaned.title == case.title else repr(cleaned.title)}")
        for gold, (label, line) in zip(case.labels, cleaned.labels):
            if not gold:
                continue
            got_body = label == "body"
            if got_body != (gold in GOLD_BODY):
                print(f"  gold {gold} got {label:9} | {line[:110]}")


if __name__ == "__main__":
    main()
