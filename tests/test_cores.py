"""``cores.on_both_cores``: a step over every source, run by this process and a forked copy,
gives what it gives in one process, whatever the copy does."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import pytest

from build_digest import cores

from .conftest import cli, make_project, needs_fork

FIXTURES = Path(__file__).parent / "fixtures" / "multilingual"


def _slow_double(item: int) -> tuple[int, int]:
    """Twice the item, and which process made it: slow enough that both processes get some."""
    total = 0
    for n in range(20_000):
        total += n
    return item * 2, os.getpid()


@needs_fork
def test_results_come_back_in_order_from_both_processes() -> None:
    results = cores.on_both_cores(_slow_double, list(range(400)))
    assert [value for value, _ in results] == [item * 2 for item in range(400)]
    assert {pid for _, pid in results} - {os.getpid()}, "the copy did none of the work"


def test_a_few_items_are_done_in_this_process_alone() -> None:
    results = cores.on_both_cores(_slow_double, list(range(cores.BOTH_CORES_FROM - 1)))
    assert {pid for _, pid in results} == {os.getpid()}


def _fails_on_37(item: int) -> int:
    if item == 37:
        raise ValueError("item 37")
    return item


@needs_fork
def test_an_error_the_step_lets_out_is_raised_here() -> None:
    with pytest.raises(ValueError, match="item 37"):
        cores.on_both_cores(_fails_on_37, list(range(400)))


@needs_fork
def test_what_a_copy_that_died_took_is_done_here() -> None:
    parent = os.getpid()

    def dies_in_the_copy(item: int) -> int:
        if os.getpid() != parent:
            os._exit(3)
        return item + 1

    assert cores.on_both_cores(dies_in_the_copy, list(range(400))) == list(range(1, 401))


@needs_fork
def test_a_site_built_on_both_cores_equals_one_built_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Issue 23: reading, cleaning, fingerprints, dates, figures and story pages of a cold
    build are shared with a copy, task by task; the site is the same, byte for byte."""
    sources = {p.name: p.read_bytes() for p in FIXTURES.glob("*.txt")}
    project = make_project(tmp_path, sources)
    sites = {}
    for name, start in (("one", 10**9), ("two", 1)):
        with monkeypatch.context() as patched, caplog.at_level(logging.DEBUG, cores.log.name):
            patched.setattr(cores, "BOTH_CORES_FROM", start)
            patched.setattr(cores, "TASK_ITEMS", 1)
            done = cli(project, "build", "--no-cache", "--site-dir", str(tmp_path / name))
        assert done.returncode == 0, done.stdout + done.stderr
        sites[name] = {
            p.relative_to(tmp_path / name).as_posix(): p.read_bytes()
            for p in (tmp_path / name).rglob("*")
            if p.is_file()
        }
        shutil.rmtree(tmp_path / name)
    shared = [r.getMessage() for r in caplog.records if "in a second process" in r.getMessage()]
    steps = {message.split(":")[0] for message in shared}
    assert {"_read_entry", "_clean_one", "_fingerprinted", "_dated"} <= steps
    assert {"story_figures", "story_parts", "group_events"} <= steps
    assert sites["two"] == sites["one"]


def _pid_and_sum(numbers: list[int]) -> tuple[int, int]:
    return os.getpid(), sum(numbers)


@needs_fork
def test_a_step_beside_comes_from_the_copy() -> None:
    with cores.Beside(_pid_and_sum, list(range(10)), items=cores.BOTH_CORES_FROM) as beside:
        pid, total = beside.result()
    assert total == 45
    assert pid != os.getpid(), "computed here, not by the copy"


def test_a_step_beside_a_few_items_is_computed_here() -> None:
    beside = cores.Beside(_pid_and_sum, [1, 2], items=cores.BOTH_CORES_FROM - 1)
    assert beside.result() == (os.getpid(), 3)


def _fails(numbers: list[int]) -> int:
    raise ValueError(f"{len(numbers)} numbers")


@needs_fork
def test_an_error_of_a_step_beside_is_raised_here() -> None:
    beside = cores.Beside(_fails, [1, 2], items=cores.BOTH_CORES_FROM)
    with beside, pytest.raises(ValueError, match="2 numbers"):
        beside.result()


@needs_fork
def test_a_step_beside_whose_copy_died_is_computed_here() -> None:
    parent = os.getpid()

    def dies_in_the_copy(numbers: list[int]) -> int:
        if os.getpid() != parent:
            os._exit(3)
        return sum(numbers)

    with cores.Beside(dies_in_the_copy, [1, 2, 3], items=cores.BOTH_CORES_FROM) as beside:
        assert beside.result() == 6


@needs_fork
def test_a_step_beside_that_is_not_waited_for_is_stopped() -> None:
    def sleeps(numbers: list[int]) -> int:
        time.sleep(60)
        return 0

    with cores.Beside(sleeps, [], items=cores.BOTH_CORES_FROM) as beside:
        process = beside._process
        assert process is not None and process.is_alive()
    assert not process.is_alive()
