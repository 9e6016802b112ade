"""The run's list of inputs, kept in a temporary file rather than as objects in memory.

A run needs its inputs twice, whole: once to fingerprint them (is there anything to do?) and
once to hand them out a batch at a time. As a list of `Source` objects, 100,000 inputs took about
29 MB, allocated before the first batch and freed batch by batch. Python's allocator gives
memory back to the system only in whole arenas, and the objects each batch leaves behind settle
in the gaps, so most of it stayed with the flow to the end of the run. Here the list is pickled a
block at a time into an anonymous temporary file and read back a block at a time.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterable, Iterator
from typing import IO

from tasks.ingest import Source

# Sources pickled together: one block is all of the list that is ever in memory at once.
BLOCK = 1_000


class InputList:
    """Sources in discovery order, readable again and again, a block at a time.

    Use as a context manager, or call `close`: the file has no name, so the system removes it
    when it is closed or the process ends, however it ends.
    """

    def __init__(self, sources: Iterable[Source]):
        self._file: IO[bytes] | None = tempfile.TemporaryFile(prefix="newsetl-inputs-")
        self._count = 0
        self._end = 0
        block: list[Source] = []
        for source in sources:
            block.append(source)
            if len(block) == BLOCK:
                self._write(block)
                block = []
        if block:
            self._write(block)

    def _write(self, block: list[Source]) -> None:
        assert self._file is not None
        pickle.dump(block, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._end = self._file.tell()
        self._count += len(block)

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Source]:
        for block in self._blocks():
            yield from block

    def _blocks(self) -> Iterator[list[Source]]:
        """The blocks in order; each read seeks first, so two readers may take turns."""
        if self._file is None:
            raise ValueError("the input list is closed")
        position = 0
        while position < self._end:
            self._file.seek(position)
            block = pickle.load(self._file)
            position = self._file.tell()
            yield block

    def batches(self, size: int) -> Iterator[list[Source]]:
        """Consecutive lists of `size` sources (the last may be shorter)."""
        batch: list[Source] = []
        for source in self:
            batch.append(source)
            if len(batch) == size:
                yield batch
                batch = []
        if batch:
            yield batch

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def __enter__(self) -> InputList:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
