"""Worker processes that never outlive their run.

A pool's workers end when the run ends, however it ends: :func:`die_with_parent` (run in each
worker as it starts) asks Linux to send the worker SIGTERM when its parent dies (a kill -9
included), and a watchdog thread ends it within a second where that is not available;
:func:`stop_pool` ends them at once when the parent is interrupted (Ctrl-C, SIGTERM) instead of
waiting for their queued work. Workers ignore SIGINT (a Ctrl-C in a terminal reaches them too,
and the parent ends them) and end quietly on SIGTERM.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1


def _watch(parent: int) -> None:
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(1)


def die_with_parent(parent: int) -> None:
    """Make this worker end when the process ``parent`` (its parent's pid) ends."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()


def _init(parent: int, initializer, initargs) -> None:
    # The parent alone handles interruptions (stop_pool), instead of every worker printing a
    # KeyboardInterrupt traceback: a terminal's Ctrl-C reaches the whole process group, and the
    # SIGTERM stop_pool sends ends a worker at once (a forked worker inherits the CLI's handler,
    # which turns SIGTERM into KeyboardInterrupt to clean up the parent's folder)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


class WorkerPool(ProcessPoolExecutor):
    """A process pool that knows its workers: the child processes started since it was made
    (``multiprocessing.active_children()``, public API; a run has one pool at a time)."""

    def __init__(self, max_workers: int, initializer=None, initargs: tuple = ()):
        self.older_children = {child.pid for child in multiprocessing.active_children()}
        super().__init__(max_workers=max_workers, initializer=initializer, initargs=initargs)

    def workers(self) -> list[multiprocessing.Process]:
        """The pool's worker processes alive now."""
        return [child for child in multiprocessing.active_children() if child.pid not in self.older_children]


def pool(max_workers: int, initializer=None, initargs: tuple = ()) -> WorkerPool:
    """A process pool whose workers end with the parent (see the module docstring)."""
    return WorkerPool(max_workers, initializer=_init, initargs=(os.getpid(), initializer, initargs))


def stop_pool(executor: WorkerPool) -> None:
    """Cancel queued work and end the workers now (after an interruption or an error); they
    are gone when this returns (SIGTERM, then SIGKILL for one that does not end in 5 s)."""
    executor.shutdown(wait=False, cancel_futures=True)
    workers = executor.workers()
    for process in workers:
        process.terminate()
    for process in workers:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join()
