"""Shared by the stages: a step that reads each source on its own, run on both cores.

A cold build cleans and fingerprints every source one after another: at 10,000 sources the
cleaning took 62 s and the fingerprints most of the 85 s of *dates and fingerprints*, on one
core while the other waited. ``on_both_cores`` hands part of the items to a forked copy of the
build: the copy inherits the step and its items (nothing is sent to it) and sends back only
each result. Both take the next task from one shared counter, so neither waits for the other
while tasks remain, whatever each item costs. Every result is computed by the same function
from the same input in either process, so where it ran changes nothing.

No thread of this process serves the copy: this one reads what the copy sent between its own
tasks. (Through a process pool, whose threads take the interpreter's lock from the step in
turn, the copy did a quarter of the work, not half.)

Only where that pays: on a system that forks, with more than one core, and for enough items.
If the copy fails, what it did not hand back is computed here.
"""

from __future__ import annotations

import gc
import logging
import multiprocessing
import os
import queue
import time
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

log = logging.getLogger("mkdocs.plugins.digest")
T = TypeVar("T")
R = TypeVar("R")

BOTH_CORES_FROM = 100
"""Fewer items are done here alone. Forking costs about 0.05 s of this process; a hundred
sources take about 0.6 s to clean and 0.4 s to fingerprint."""
TASK_ITEMS = 16
"""Items in one task: few enough that the two processes finish within a task of each other,
enough that taking a task and sending it back cost little beside it."""
LAST_WAIT = 1.0
"""Seconds between checks that the copy is still alive, once this process has no task left."""


class _Tasks:
    """The next task, for whichever process asks first: a counter both processes share."""

    def __init__(self, context: Any, count: int) -> None:
        self.count = count
        self._next = context.Value("l", 0)

    def take(self) -> int | None:
        with self._next.get_lock():
            n = int(self._next.value)
            if n >= self.count:
                return None
            self._next.value = n + 1
            return n


def on_both_cores(fn: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """``[fn(item) for item in items]``, part of it computed by a forked copy of this process
    when there are at least ``BOTH_CORES_FROM`` items and a second core.

    ``fn`` must catch what it expects an item to raise (an error it lets out is raised here, as
    it would be without the copy), return picklable results, and log nothing the build counts:
    the copy's records are its own, which ``--strict`` never sees."""
    if len(items) < BOTH_CORES_FROM or not can_fork():
        return [fn(item) for item in items]
    ranges = [
        (start, min(start + TASK_ITEMS, len(items))) for start in range(0, len(items), TASK_ITEMS)
    ]
    context = multiprocessing.get_context("fork")
    tasks = _Tasks(context, len(ranges))
    sent = context.Queue()
    done: dict[int, list[R]] = {}
    start = time.perf_counter()
    try:
        # Forked, not spawned: the copy is handed the step and its items as this process
        # holds them, nothing pickled.
        copy = context.Process(
            target=_copy, args=(fn, items, ranges, tasks, sent), name="digest-both-cores"
        )
        copy.daemon = True
        copy.start()
    except OSError as exc:  # no process can be started here: all of it in this one
        log.debug("No second process (%s): one core", exc)
        return [fn(item) for item in items]
    mine = 0
    try:
        while (n := tasks.take()) is not None:
            done[n] = _task(fn, items, ranges[n])
            mine += 1
            _receive(sent, done, block=False)
        _receive_rest(copy, sent, done)
        copied = len(done) - mine
        for n, bounds in enumerate(ranges):
            if n not in done:  # the copy took it and failed on it, or died
                done[n] = _task(fn, items, bounds)
    finally:
        if copy.is_alive():  # this process raised: the copy's work is not wanted
            copy.terminate()
            copy.join()
    log.debug(
        "%s: %d of %d tasks in a second process, %.2f s",
        _name(fn),
        copied,
        len(ranges),
        time.perf_counter() - start,
    )
    return [result for n in range(len(ranges)) for result in done[n]]


FAILED = None
"""What the copy sends for a task its step raised on: this process does it again, and the
error is raised here."""


def _task(fn: Callable[[T], R], items: Sequence[T], bounds: tuple[int, int]) -> list[R]:
    return [fn(item) for item in items[slice(*bounds)]]


def _copy(
    fn: Callable[[Any], Any],
    items: Sequence[Any],
    ranges: list[tuple[int, int]],
    tasks: _Tasks,
    sent: Any,
) -> None:
    """In the copy: take tasks until none is left, send each one's results, then None."""
    gc.freeze()  # the collector never walks what the copy shares with the build
    while (n := tasks.take()) is not None:
        try:
            sent.put((n, _task(fn, items, ranges[n])))
        except Exception:
            sent.put((n, FAILED))
    sent.put(None)
    sent.close()
    sent.join_thread()


def _receive(sent: Any, done: dict[int, list[Any]], block: bool) -> bool:
    """Put what the copy has sent in ``done``; whether it said it is finished. Waits for the
    first message only when ``block``."""
    while True:
        try:
            message = sent.get(block, LAST_WAIT) if block else sent.get_nowait()
        except queue.Empty:
            return False
        if message is None:
            return True
        n, results = message
        if results is not FAILED:
            done[n] = results
        block = False


def _receive_rest(copy: Any, sent: Any, done: dict[int, list[Any]]) -> None:
    """Everything the copy still sends, until it says it is finished or is gone."""
    finished = False
    while not finished:
        finished = _receive(sent, done, block=True)
        if not finished and not copy.is_alive():
            finished = _receive(sent, done, block=False) or True
    copy.join()


def _name(fn: Callable[..., Any]) -> str:
    """The step's function name, for the log (a ``partial`` by the function it wraps)."""
    return str(getattr(getattr(fn, "func", fn), "__name__", "a step"))


def can_fork() -> bool:
    """A second core, and a system whose processes fork (not Windows)."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # macOS: no affinity call
        cores = os.cpu_count() or 1
    return cores > 1 and "fork" in multiprocessing.get_all_start_methods()


class Beside(Generic[R]):
    """``fn(*args)``, computed by a forked copy of this process while this one goes on with
    stages that do not need it; ``result`` waits for it.

    At 10,000 sources, a one-source rebuild grouped the events (11 s) on one core after
    related coverage (7 s) and the search records (1.5 s) on the same core, while the other
    waited: neither reads what the other makes. The copy inherits ``fn`` and its arguments
    as this process holds them and sends back only the result, so where it ran changes
    nothing. Without a second core or a system that forks, or if the copy fails or dies,
    ``result`` computes it here (an error ``fn`` raises is raised here, as it would be without
    the copy). ``fn`` must log nothing the build counts: the copy's records are its own."""

    def __init__(self, fn: Callable[..., R], *args: Any, items: int) -> None:
        """``items``: how many sources or stories ``fn`` reads; under ``BOTH_CORES_FROM`` it
        is computed here alone."""
        self._fn, self._args = fn, args
        self._process: Any = None
        self._reader: Any = None
        self._started = time.perf_counter()
        if items < BOTH_CORES_FROM or not can_fork():
            return
        context = multiprocessing.get_context("fork")
        reader, writer = context.Pipe(duplex=False)
        try:
            process = context.Process(
                target=_beside, args=(fn, args, writer), name="digest-beside", daemon=True
            )
            process.start()
        except OSError as exc:  # no process can be started here: computed by ``result``
            log.debug("No second process (%s): %s here", exc, _name(fn))
            reader.close()
            writer.close()
            return
        writer.close()  # the copy holds the only writing end: its death ends the reading
        self._process, self._reader = process, reader

    def __enter__(self) -> Beside[R]:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()  # the build raised before it asked for the result: the copy is stopped

    def result(self) -> R:
        """The result, from the copy or else computed here."""
        if self._process is None:
            return self._fn(*self._args)
        try:
            sent = self._reader.recv()
        except (EOFError, OSError):  # the copy died before it sent anything
            sent = FAILED
        finally:
            self.close()
        if sent is FAILED:
            log.debug("%s: not from the second process, computed here", _name(self._fn))
            return self._fn(*self._args)
        log.debug(
            "%s: in a second process, %.2f s", _name(self._fn), time.perf_counter() - self._started
        )
        return sent[0]

    def close(self) -> None:
        """Stop the copy if it still runs (its result is not wanted) and release the pipe."""
        process, self._process = self._process, None
        if process is None:
            return
        self._reader.close()
        if process.is_alive():
            process.terminate()
        process.join()


def _beside(fn: Callable[..., Any], args: tuple[Any, ...], writer: Any) -> None:
    """In the copy: compute, send ``(result,)``, or ``FAILED`` if ``fn`` raised."""
    gc.freeze()  # the collector never walks what the copy shares with the build
    try:
        sent: Any = (fn(*args),)
    except Exception:
        sent = FAILED
    try:
        writer.send(sent)
    except Exception:  # the result would not pickle: computed again in the build
        writer.send(FAILED)
    writer.close()
