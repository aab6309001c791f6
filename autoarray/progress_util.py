"""
Progress of long loops (a fit's likelihood evaluations, a sample's objects): count, rate and ETA.

The one progress output of the project. On a terminal it is a ``tqdm`` bar redrawn in place (with
carriage returns). When the stream is not a terminal (``make demo > log 2>&1``, a batch job's
output, a pipe) a carriage return would pile every update onto one line, so it writes plain
lines instead, formatted by ``tqdm`` too (count, rate, elapsed time and, with a total, percentage
and ETA): one per update (every ``every`` steps, a tenth of the total by default, or every
``interval`` seconds) and a last one on closing.

Example::

    with Progress("fit", total=len(objects), unit="obj") as progress:
        for obj in objects:
            ...
            progress.update(postfix=f"errors={errors}")
"""

import sys
import time

from tqdm import tqdm

__all__ = ["Progress", "is_terminal"]


def is_terminal(stream) -> bool:
    """True if ``stream`` is an interactive terminal (its ``isatty()``; False without one)."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty()) if isatty is not None else False
    except ValueError:  # a closed stream
        return False


class Progress:
    """
    Count, rate and ETA of a loop of ``total`` steps (or an open-ended one).

    Parameters
    ----------
    description : str
        The label in front of the count (e.g. ``"fit"``).
    total : int or None
        The number of steps, or None when it is not known (no percentage or ETA then).
    unit : str
        The name of one step (``"obj"``, ``"eval"``).
    file : file-like or None
        Where to write; None: ``sys.stdout``. Whether it is a terminal (``isatty()``) chooses
        between the redrawn bar and plain lines.
    enabled : bool
        False writes nothing (the counter still counts).
    every : int or None
        Off a terminal, write a line every ``every`` steps; None: every tenth of ``total``
        (open-ended loops: only every ``interval`` seconds).
    interval : float
        Off a terminal, also write a line when this many seconds passed since the last one.

    Raises
    ------
    TypeError
        If ``every`` is not a positive int or None.

    Notes
    -----
    Use it as a context manager, or call :meth:`close` to write the last line. ``count`` and
    ``postfix`` hold the current state.
    """

    def __init__(
        self,
        description: str,
        total: int | None = None,
        unit: str = "it",
        file=None,
        enabled: bool = True,
        every: int | None = None,
        interval: float = 30.0,
    ):
        if every is not None and (
            isinstance(every, bool) or not isinstance(every, int) or every < 1
        ):
            raise TypeError(f"every must be a positive int or None, got {every!r}.")
        self.description, self.total, self.unit = description, total, unit
        self.file = sys.stdout if file is None else file
        self.enabled, self.interval = enabled, interval
        self.every = every if every is not None else (max(1, total // 10) if total else None)
        self.count = 0
        self.postfix = ""
        self.start = time.perf_counter()
        self._last_line_time = self.start
        self._last_line_count = 0
        self._lines = 0
        self._closed = False
        self._bar = (
            tqdm(total=total, desc=description, unit=unit, file=self.file, dynamic_ncols=True)
            if enabled and is_terminal(self.file)
            else None
        )

    def update(self, n: int = 1, postfix: str = ""):
        """Advance by ``n`` steps; ``postfix`` (e.g. ``"best chi^2 1993.2"``) follows the rate."""
        self.count += n
        self.postfix = postfix
        if self._bar is not None:
            if postfix:
                self._bar.set_postfix_str(postfix, refresh=False)
            self._bar.update(n)
            return
        if not self.enabled:
            return
        now = time.perf_counter()
        if now - self._last_line_time >= self.interval or (
            self.every is not None and self.count - self._last_line_count >= self.every
        ):
            self._write_line(now)

    def line_from(self, now: float) -> str:
        """The plain progress line at time ``now`` (``time.perf_counter()``), without newline."""
        return tqdm.format_meter(
            self.count,
            self.total,
            now - self.start,
            prefix=self.description,
            unit=self.unit,
            postfix=self.postfix or None,
            ascii=True,
        )

    def _write_line(self, now: float):
        print(self.line_from(now), file=self.file, flush=True)
        self._last_line_time, self._last_line_count = now, self.count
        self._lines += 1

    def close(self):
        """Write the final count, rate and elapsed time (once; later calls do nothing)."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and (self.count != self._last_line_count or not self._lines):
            self._write_line(time.perf_counter())

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
