"""Imported by the local pool's fork server: the chain's data loaded once, before any worker forks.

Workers forked from the server then share it, so no batch pays a second of loading per worker.
"""

from tasks.chain import warm_up

warm_up()
