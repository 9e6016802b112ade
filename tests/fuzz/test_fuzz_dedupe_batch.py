"""Dedupe and run_stage over arbitrary batches: every document ends up exactly once."""

from hypothesis import given
from hypothesis import strategies as st
from strategies import FUZZ

from tasks.batch import run_stage
from tasks.dedupe import SeenIndex, drop_body_duplicates, drop_exact_duplicates
from tasks.records import Doc, Quarantined

docs_spec = st.lists(
    st.tuples(st.sampled_from(["", "s1", "s2", "s3"]), st.sampled_from([None, "A", "B", "C"])), max_size=12
)


@FUZZ
@given(st.lists(docs_spec, min_size=1, max_size=3))
def test_every_document_is_kept_duplicate_or_quarantined(batches):
    seen = SeenIndex()
    n = 0
    accounted = []
    for spec in batches:
        docs = [Doc(source_path=f"d{n + i}", source_format="text", sha256=sha) for i, (sha, _) in enumerate(spec)]
        articles = {f"d{n + i}": art for i, (_, art) in enumerate(spec)}
        n += len(spec)
        fresh, copies = drop_exact_duplicates(docs, seen)
        extracted = []
        for doc in fresh:  # a document without an article is one extract quarantined
            doc.article_id = articles[doc.source_path]
            if doc.article_id is None:
                accounted.append(doc.source_path)
            else:
                extracted.append(doc)
        kept, duplicates, quarantined = drop_body_duplicates(extracted, copies, seen)
        accounted += [d.source_path for d in kept] + [r["source_path"] for r in duplicates + quarantined]
        kept_ids = {d.article_id for d in kept}
        assert len(kept_ids) == len(kept)
    assert sorted(accounted) == sorted(f"d{i}" for i in range(n))


@FUZZ
@given(st.lists(st.sampled_from(["ok", "quarantine", "error", "base"]), max_size=20))
def test_run_stage_accounts_for_every_document(kinds):
    def fn(doc: Doc) -> None:
        if doc.raw == "quarantine":
            raise Quarantined("no-article-text")
        if doc.raw == "error":
            raise ValueError("boom")
        if doc.raw == "base":
            raise UnicodeError("base")

    docs = [Doc(source_path=str(i), source_format="text", raw=k) for i, k in enumerate(kinds)]
    result = run_stage("fuzz", fn, docs, time_limit=5)
    assert result.stats["in"] == len(docs) == len(result.docs) + len(result.quarantined)
    assert [d.raw for d in result.docs] == [k for k in kinds if k == "ok"]
