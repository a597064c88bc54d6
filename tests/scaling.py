"""Checking that work grows about linearly with the size of the input, without
timed assertions: the ratio of two measured times is compared with generous
slack, so a loaded machine slows both sizes alike and the test cannot flake,
while a quadratic step (64 times slower for 8 times the input) still fails."""

from __future__ import annotations

import gc
import time


def best_time(fn, repeats: int = 3) -> float:
    """The shortest of ``repeats`` runs of ``fn()``, in seconds. The garbage
    collector is held off while timing: in a long test session the heap is
    large, and a full collection that falls into the large run but not the
    small one would look like superlinear work of the code measured."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            fn()
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


def growth(make, run, small: int, large: int, repeats: int = 3, attempts: int = 3, linear_enough: float = 12.0) -> float:
    """How many times longer ``run(make(large))`` takes than ``run(make(small))``.
    ``make`` builds the input (not timed). A ratio that looks worse than
    ``linear_enough`` is measured again (up to ``attempts`` times) and the
    smallest kept: a busy machine can slow one measurement, but it cannot
    make quadratic work look linear on every attempt."""
    a, b = make(small), make(large)
    run(a)  # warm up imports and caches
    best_ratio = float("inf")
    for _ in range(attempts):
        ratio = best_time(lambda: run(b), repeats) / max(best_time(lambda: run(a), repeats), 1e-6)
        best_ratio = min(best_ratio, ratio)
        if best_ratio <= linear_enough:
            break
    return best_ratio
