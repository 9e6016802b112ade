"""Handing freed memory back to the system, for the stages and the flow alike.

Both allocators under the pipeline keep what they free for reuse: Arrow's (mimalloc) and the C
library's heap. In a long process that reads tables a chunk at a time, or after the batches are
done, that memory would otherwise count in every later peak.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc

import pyarrow as pa


def release_arrow_memory() -> None:
    """Give back what Arrow's allocator has freed but keeps for its next allocations.

    Without it, each chunk a stage reads stacks its peak on what earlier chunks left behind.
    """
    pa.default_memory_pool().release_unused()


def release_free_memory() -> None:
    """Collect garbage, then hand back Arrow's and the C heap's free pages (glibc's
    `malloc_trim`; elsewhere the heap is left as it is).

    After the batches the flow's heap is full of holes left by documents, rows and indexes that
    are gone; glibc keeps those pages until told otherwise, and they would count in the peak
    that clustering and validation reach next (about 25 MiB at 30,000 articles). Arrow's
    allocator likewise keeps what the table writers freed (about 20 MiB).
    """
    gc.collect()
    release_arrow_memory()
    name = ctypes.util.find_library("c")
    try:
        trim = ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):
        trim = None
    if trim is not None:
        trim(0)
