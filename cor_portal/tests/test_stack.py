"""Calls at any depth inside run_on_deep_stack do not map and unmap frame-stack blocks."""

import resource
import sys
import threading

import pytest

from cor_portal.stack import run_on_deep_stack

CALLS = 200


def worst_page_faults(max_depth: int = 600) -> int:
    """Return the most page faults that CALLS calls made at any depth up to ``max_depth`` cost.

    A call that crosses the end of a frame-stack block maps a new block and touches it (a
    page fault), then unmaps it on return; calls that stay within a block cost none.
    """

    def leaf() -> int:
        return 1

    def at(depth: int) -> None:
        if depth:
            return at(depth - 1)
        for _ in range(CALLS):
            leaf()
        return None

    worst = 0
    for depth in range(max_depth):
        before = resource.getrusage(resource.RUSAGE_THREAD).ru_minflt
        at(depth)
        worst = max(worst, resource.getrusage(resource.RUSAGE_THREAD).ru_minflt - before)
    return worst


def in_new_thread(function):
    """Return ``function()``, run on a new thread (a new, empty frame stack)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(function()))
    thread.start()
    thread.join()
    return result[0]


def test_it_returns_what_the_function_returns():
    assert run_on_deep_stack(lambda: 42) == 42


def test_calls_at_any_depth_stay_within_one_block():
    worst = in_new_thread(lambda: run_on_deep_stack(worst_page_faults))
    assert worst < CALLS // 4


@pytest.mark.skipif(sys.version_info[:2] != (3, 11), reason="the interpreter this is measured on")
def test_without_it_calls_at_a_block_end_map_a_block_each_time():
    assert in_new_thread(worst_page_faults) >= CALLS
