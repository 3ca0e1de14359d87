"""Progress lines for long runs (cohort grading, the benchmark): how many are done, how many remain, and about how
long the rest will take.

The estimate is the wall time so far divided by the items done, times the items left: with parallel workers it
already includes their overlap. It is printed only once something is done (before that there is no basis).

>>> clock = iter([0.0, 10.0, 20.0]).__next__
>>> p = Progress(4, "students", clock=clock)
>>> p.step("alice: 5/7")
'[1/4 students] alice: 5/7 · 3 left, about 30 s to go'
>>> p.step("bob: 7/7")
'[2/4 students] bob: 7/7 · 2 left, about 20 s to go'
"""
from __future__ import annotations

import sys
import time


def duration(seconds: float) -> str:
    """``42 s``, ``3 min 5 s``, ``1 h 2 min``: as a person says it."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds} s" if seconds else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


class Progress:
    """Counts items of a run of ``total``; :meth:`step` returns (and :meth:`say` prints) the progress line."""

    def __init__(self, total: int, what: str, *, clock=time.monotonic, stream=None):
        self.total, self.what, self.done = total, what, 0
        self.clock = clock
        self.stream = stream
        self.started = clock()

    def step(self, text: str = "") -> str:
        self.done += 1
        left = max(self.total - self.done, 0)
        line = f"[{self.done}/{self.total} {self.what}]" + (f" {text}" if text else "")
        if left:
            rate = (self.clock() - self.started) / self.done
            line += f" · {left} left, about {duration(rate * left)} to go"
        else:
            line += f" · all done in {duration(self.clock() - self.started)}"
        return line

    def say(self, text: str = "") -> None:
        print(self.step(text), file=self.stream or sys.stderr, flush=True)
