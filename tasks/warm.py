"""Imported by the local pool's fork server: the chain's data loaded once, before any worker forks.

Workers forked from the server then share it, so no batch pays a second of loading per worker.
"""

import gc

from tasks.chain import warm_up

warm_up()
# Everything loaded so far lives as long as the workers: keep the garbage collector from
# touching it in them, which would copy the shared pages into each worker.
gc.freeze()
