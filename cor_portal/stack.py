"""Run a long-lived loop on one large block of Python's frame stack.

CPython 3.11 keeps the frames of Python calls on a per-thread stack made of 16 KiB blocks
("chunks"). When a call does not fit in the current block it allocates a new one with mmap,
and it unmaps that block as soon as the call returns. Code that calls repeatedly at the depth
where one block ends therefore maps and unmaps a block on every call (CPython issue
gh-142183, fixed in later versions by keeping one spare block). A page of the portal renders
its table cells about 150 frames deep, which is where the first block ends under gunicorn:
measured with ``strace``, a list page made about 1,500 mmap/munmap pairs per request, a third
of its time.

``run_on_deep_stack(run)`` calls ``run`` from a frame too large for a 16 KiB block, so the
interpreter allocates one block of 512 KiB for it; everything ``run`` calls is then stacked in
the rest of that block (about 200 KiB, a thousand frames or more) and never crosses a block's
end. gunicorn's
workers run their request loop this way (``gunicorn.conf.py``).
"""

from collections.abc import Callable
from types import FunctionType
from typing import TypeVar

T = TypeVar("T")

# The frame's value stack, in pointer-sized slots. The interpreter allocates a block of the
# smallest power of two (from 16 KiB) that holds the frame and a margin of 1,000 slots: for
# 40,000 slots (320 KiB), 512 KiB, which leaves about 200 KiB for the frames above.
DEEP_FRAME_SLOTS = 40_000


def _call(run: Callable[[], T]) -> T:
    return run()


_deep_call: Callable[[Callable[[], object]], object] = FunctionType(
    _call.__code__.replace(co_stacksize=DEEP_FRAME_SLOTS), globals(), "run_on_deep_stack"
)


def run_on_deep_stack(run: Callable[[], T]) -> T:
    """Return ``run()``, called on a large block of the frame stack (see the module's note)."""
    return _deep_call(run)  # type: ignore[return-value]
