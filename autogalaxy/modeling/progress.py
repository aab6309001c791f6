"""
Progress of long loops (a fit's likelihood evaluations, a sample's objects): count, rate and ETA.

On a terminal it is a ``tqdm`` bar redrawn in place; when the stream is not a terminal (a log file,
a batch job's output) it writes plain lines, formatted by ``tqdm`` too, every tenth of the total or
every ``interval`` seconds, and one at the end, so a log holds a readable history rather than
carriage returns.
"""

import sys
import time

from tqdm import tqdm

__all__ = ["Progress"]


class Progress:
    """
    Count, rate and ETA of a loop of ``total`` steps (or an open-ended one).

    Parameters
    ----------
    description : str
        The label in front of the count (e.g. ``"fit"``).
    total : int or None
        The number of steps, or None when it is not known (no ETA then).
    unit : str
        The name of one step (``"obj"``, ``"eval"``).
    file : file-like or None
        Where to write; None: ``sys.stdout``.
    enabled : bool
        False writes nothing (the counter still counts).
    interval : float
        Seconds between plain lines when ``file`` is not a terminal.

    Notes
    -----
    Use it as a context manager, or call :meth:`close` to write the last line.
    """

    def __init__(
        self,
        description: str,
        total: int | None = None,
        unit: str = "it",
        file=None,
        enabled: bool = True,
        interval: float = 30.0,
    ):
        self.description, self.total, self.unit = description, total, unit
        self.file = sys.stdout if file is None else file
        self.enabled, self.interval = enabled, interval
        self.count = 0
        self.postfix = ""
        self.start = time.perf_counter()
        self._last_line = self.start
        self._last_count = 0
        self._closed = False
        self._lines = 0
        is_terminal = bool(getattr(self.file, "isatty", lambda: False)())
        self._bar = (
            tqdm(total=total, desc=description, unit=unit, file=self.file, dynamic_ncols=True)
            if enabled and is_terminal
            else None
        )

    def update(self, n: int = 1, postfix: str = ""):
        """Advance by ``n`` steps; ``postfix`` (e.g. ``"errors=1"``) is shown after the rate."""
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
        step = max(1, self.total // 10) if self.total else None
        if now - self._last_line >= self.interval or (
            step is not None and self.count - self._last_count >= step
        ):
            self._write_line(now)

    def _write_line(self, now: float):
        line = tqdm.format_meter(
            self.count,
            self.total,
            now - self.start,
            prefix=self.description,
            unit=self.unit,
            postfix=self.postfix or None,
            ascii=True,
        )
        print(line, file=self.file, flush=True)
        self._last_line, self._last_count = now, self.count
        self._lines += 1

    def close(self):
        """Write the final count, rate and elapsed time."""
        if self._closed:
            return
        self._closed = True
        if self._bar is not None:
            self._bar.close()
        elif self.enabled and (self.count != self._last_count or not self._lines):
            self._write_line(time.perf_counter())

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()
