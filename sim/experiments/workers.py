"""Worker processes that never outlive their run.

A pool's workers end when the run ends, however it ends: :func:`die_with_parent` (run in each
worker as it starts) asks Linux to send the worker SIGTERM when its parent dies (a kill -9
included), and a watchdog thread ends it within a second where that is not available or does
not apply (the ``forkserver`` start method, whose workers are the fork server's children);
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


def _watch(started_by: int, via_server: bool) -> None:
    # under a fork server (the worker's parent, which lives as long as its workers do), the
    # run itself, through its pipe to the worker (multiprocessing.parent_process(), public API)
    run = multiprocessing.parent_process() if via_server else None
    while True:
        time.sleep(1.0)
        if os.getppid() != started_by or (run is not None and not run.is_alive()):
            os._exit(1)


def die_with_parent(parent: int, via_server: bool = False) -> None:
    """Make this worker end when the process ``parent`` (the run's pid) ends. ``via_server``:
    the worker was started by a fork server (the ``forkserver`` start method), its parent
    process, which outlives the run while it has workers: the watchdog then follows the run
    itself, and ends the worker within a second of it."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass
    started_by = os.getppid()
    if started_by != parent and not via_server:  # the parent died before the request took effect
        os._exit(1)
    threading.Thread(target=_watch, args=(started_by, via_server), daemon=True).start()


def _init(parent: int, via_server: bool, initializer, initargs) -> None:
    # The parent alone handles interruptions (stop_pool), instead of every worker printing a
    # KeyboardInterrupt traceback: a terminal's Ctrl-C reaches the whole process group, and the
    # SIGTERM stop_pool sends ends a worker at once (a forked worker inherits the CLI's handler,
    # which turns SIGTERM into KeyboardInterrupt to clean up the parent's folder)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(parent, via_server)
    if initializer is not None:
        initializer(*initargs)


class WorkerPool(ProcessPoolExecutor):
    """A process pool that knows its workers: the child processes started since it was made
    (``multiprocessing.active_children()``, public API; a run has one pool at a time), and
    starts them with ``context`` (a ``multiprocessing`` context: the default start method
    unless given), with which a queue for its workers is made (:func:`progress_queue`)."""

    def __init__(self, max_workers: int, initializer=None, initargs: tuple = (), context=None):
        self.older_children = {child.pid for child in multiprocessing.active_children()}
        self.context = context or multiprocessing.get_context()
        super().__init__(
            max_workers=max_workers, mp_context=self.context, initializer=initializer, initargs=initargs
        )

    def workers(self) -> list[multiprocessing.Process]:
        """The pool's worker processes alive now."""
        return [child for child in multiprocessing.active_children() if child.pid not in self.older_children]


def pool(max_workers: int, initializer=None, initargs: tuple = (), context=None) -> WorkerPool:
    """A process pool whose workers end with the parent (see the module docstring), started
    with the ``multiprocessing`` context ``context`` (default: the default start method's)."""
    context = context or multiprocessing.get_context()
    via_server = context.get_start_method() == "forkserver"
    initargs = (os.getpid(), via_server, initializer, initargs)
    return WorkerPool(max_workers, initializer=_init, initargs=initargs, context=context)


def progress_queue(context=None):
    """A queue on which a pool's workers tell the parent how far their work is (a replication's
    share done, at each simulated midnight), made with the pool's ``multiprocessing`` context
    and handed to the workers through the pool's initializer.

    A ``SimpleQueue``: a worker's ``put`` is written to the pipe before it returns (no feeder
    thread), so every message a task sent is there to read when its result arrives, and a
    worker that :func:`stop_pool` ends leaves no thread behind. Messages are small and the
    parent reads them as they come: a worker never waits on a full pipe for long."""
    return (context or multiprocessing.get_context()).SimpleQueue()


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
