"""How a batch's results become rows: every input in exactly one table, no dangling duplicates."""

from __future__ import annotations

from collections import Counter

from tasks.chain import Batch, InputOrder, ProcessedBatch, assemble_batch, warm_up
from tasks.dedupe import SeenIndex, drop_exact_duplicates
from tasks.ingest import Source
from tasks.records import Doc


def _doc(path: str, sha: str) -> Doc:
    return Doc(source_path=path, source_format="text", sha256=sha)


def _finished(article_id: str) -> dict[str, list[dict]]:
    return {"articles": [{"article_id": article_id}], "quotes": [], "entities": [], "comments": [], "normalizations": []}


def test_a_copy_of_an_article_quarantined_after_extract_is_not_a_dangling_duplicate():
    # a.txt and b.txt extract to the same body; c.txt is an exact copy of a.txt.
    # A later stage (row checks) quarantines a.txt, so b.txt must become the article.
    seen = SeenIndex()
    docs = [_doc("a.txt", "s1"), _doc("b.txt", "s2"), _doc("c.txt", "s1")]
    fresh, copies = drop_exact_duplicates(docs, seen)
    order = InputOrder([Source(path=None, rel=p) for p in ("a.txt", "b.txt", "c.txt")])
    batch = Batch(
        ingest_quarantine=[], fresh=fresh, copies=copies, cached={}, cached_quarantine=[], stats=Counter(), order=order
    )
    processed = ProcessedBatch(
        extracted={"a.txt": "A", "b.txt": "A"},
        finished={"b.txt": _finished("A")},
        quarantined={"validate": [{"source_path": "a.txt", "stage": "validate", "reason": "row-check:furniture"}]},
    )
    rows, duplicates, quarantined = assemble_batch(batch, processed, seen, None)

    assert [r["article_id"] for r in rows["articles"]] == ["A"]
    assert duplicates == []
    assert {r["source_path"]: r["reason"] for r in quarantined} == {
        "a.txt": "row-check:furniture",
        "c.txt": "copy-of-quarantined",
    }


def test_warm_up_takes_both_formats_through_every_stage():
    """The fork server's warm-up only loads a stage's data if its document reaches that stage."""
    out = warm_up()
    assert sorted(out.finished) == ["warm-up.html", "warm-up.txt"]
    assert not any(out.quarantined.values())
    for rows in out.finished.values():
        assert any(q["speaker"] and "Zelensky" in q["speaker"] for q in rows["quotes"])
        assert any(e["entity_id"] for e in rows["entities"])


def test_a_batch_is_one_value_to_prefect():
    from prefect.utilities.collections import visit_collection

    from tasks.chain import OpaqueDocs

    batch = OpaqueDocs([Doc(source_path=f"{i}.txt", source_format="text", raw="x") for i in range(50)])
    visited = []
    visit_collection(batch, lambda x: visited.append(x), return_data=False)
    assert visited == [batch]


def test_loading_the_stages_is_not_charged_to_the_first_document():
    """A process not forked from the warmed-up fork server (one worker, a Dask worker) loads
    every stage's data on its first batch; the per-document time limit must not count that.

    A fresh interpreter, in which loading the text cleaner's stop words is made to take a
    second, as loading everything does on a busy machine, and a limit of 0.75 s: far above
    what an article takes once loaded (about 0.05 s idle), below the loading. The warm-up
    itself must not be cut short by the limit either, or the loading is left to the article.
    """
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    seed = sorted((root / "seeds").glob("*.txt"))[0]
    code = (
        "import json, sys, time\n"
        "import justext\n"
        "real, slowed = justext.get_stoplist, []\n"
        "def slow_get_stoplist(language):\n"
        "    if not slowed:  # until a load has been let finish\n"
        "        time.sleep(1.0)\n"
        "        slowed.append(language)\n"
        "    return real(language)\n"
        "justext.get_stoplist = slow_get_stoplist\n"
        "from tasks.chain import process_docs\n"
        "from tasks.records import Doc\n"
        "doc = Doc(source_path='first.txt', source_format='text', raw=open(sys.argv[1], encoding='utf-8').read())\n"
        "out = process_docs([doc], None)\n"
        "print(json.dumps({'slowed': bool(slowed), 'finished': sorted(out.finished), "
        "'quarantined': [r['reason'] for rows in out.quarantined.values() for r in rows]}))\n"
    )
    env = {**os.environ, "NEWSETL_DOC_TIME_LIMIT": "0.75", "PYTHONPATH": str(root)}
    proc = subprocess.run([sys.executable, "-c", code, str(seed)], cwd=root, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result == {"slowed": True, "finished": ["first.txt"], "quarantined": []}
