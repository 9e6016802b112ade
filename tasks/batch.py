"""Run a per-document function over a batch, turning failures into quarantine rows.

Every stage's Prefect task is a thin call to `run_stage`: one task run per batch (task runs cost
milliseconds each), one bad document never stops the batch, and each stage reports stats the way
datatrove's pipeline steps do.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from tasks.records import Doc, Quarantined

log = logging.getLogger(__name__)


@dataclass
class StageResult:
    """What a stage hands on: the documents that survived, the ones it quarantined, its counts."""

    docs: list[Doc] = field(default_factory=list)
    quarantined: list[dict[str, Any]] = field(default_factory=list)
    stats: Counter = field(default_factory=Counter)


def run_stage(stage: str, fn: Callable[[Doc], Any], docs: Iterable[Doc]) -> StageResult:
    """Apply `fn` to each document in place; a document that raises is quarantined, not lost.

    `Quarantined` carries an expected reason (empty page, not an article...); any other exception
    is a bug or hostile input, recorded with its type so it can be found and fixed.
    """
    result = StageResult()
    for doc in docs:
        result.stats["in"] += 1
        try:
            fn(doc)
        except Quarantined as q:
            result.quarantined.append(doc.quarantine_row(stage, q.reason, q.detail))
            result.stats[f"quarantined:{q.reason}"] += 1
            continue
        except Exception as exc:  # noqa: BLE001 - one bad document must not stop the run
            log.warning("%s failed on %s: %r", stage, doc.source_path, exc)
            result.quarantined.append(
                doc.quarantine_row(stage, f"error:{type(exc).__name__}", str(exc))
            )
            result.stats[f"error:{type(exc).__name__}"] += 1
            continue
        result.docs.append(doc)
        result.stats["out"] += 1
    return result
