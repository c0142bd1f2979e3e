"""A build's progress, step by step: a tqdm bar on a terminal, one line per step otherwise.

``Progress.step(name, total, unit)`` is a context manager: the step advances its
bar as it goes (``step.advance(n)``), says what it did (``step.done(text)``), and
at its end ``log`` receives one line ``name: text (seconds)``; the seconds are kept
in ``Progress.timings`` for the manifest.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from contextlib import contextmanager

from tqdm import tqdm

#: A test hook: a build whose environment names one of its checkpoints here kills
#: itself with SIGKILL when it reaches it (tests of interrupted builds; no sleeps).
KILL_AT = "CQKG_BUILD_KILL_AT"


class Step:
    """One step under way: its bar (on a terminal) and the summary it ends with."""

    def __init__(self, bar):
        self.bar, self.summary = bar, ""

    def advance(self, amount: int = 1) -> None:
        """Move the step's bar on by ``amount`` units."""
        if self.bar is not None:
            self.bar.update(amount)

    def done(self, summary: str) -> None:
        """Say what the step did (counts), for its line."""
        self.summary = summary


class Progress:
    """The steps of one build, reported through ``log`` (and with tqdm bars when ``bars``)."""

    def __init__(self, log, bars: bool = False):
        self.log, self.bars = log, bars
        self.timings: dict[str, float] = {}

    @contextmanager
    def step(self, name: str, total: int | None = None, unit: str = "item"):
        """Run one step: a bar while it runs (on a terminal), then one line with its counts and seconds."""
        # A step of unknown length shows its name and elapsed time rather than an empty count.
        shape = {} if total else {"bar_format": "{desc}: {elapsed}"}
        bar = tqdm(total=total, desc=name, unit=unit, file=sys.stderr, leave=False, dynamic_ncols=True,
                   **shape) if self.bars else None
        step, started = Step(bar), time.perf_counter()
        try:
            yield step
        finally:
            if bar is not None:
                bar.close()
        seconds = time.perf_counter() - started
        self.timings[f"{name}_s"] = round(seconds, 3)
        self.log(f"{name}: {step.summary} ({seconds:.2f} s)" if step.summary else f"{name} ({seconds:.2f} s)")
        checkpoint(name)


def checkpoint(name: str) -> None:
    """The test hook: die here, as a killed build would, if ``CQKG_BUILD_KILL_AT`` names this point."""
    if os.environ.get(KILL_AT) == name:
        os.kill(os.getpid(), signal.SIGKILL)
