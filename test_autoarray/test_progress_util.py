"""Progress output: plain lines off a terminal (one per update), a redrawn bar on one."""

import io
import re
from pathlib import Path

import pytest

from autoarray.progress_util import Progress, is_terminal

ROOT = Path(__file__).resolve().parents[1]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test__plain_lines_every_tenth_with_count_rate_and_eta():
    out = io.StringIO()
    with Progress("fit", total=20, unit="obj", file=out) as progress:
        for _ in range(20):
            progress.update(postfix="errors=1")
    lines = out.getvalue().splitlines()
    assert len(lines) == 10  # one per 2 steps; closing adds nothing new
    assert lines[0].startswith("fit:  10%") and " 2/20 [" in lines[0]
    assert "obj/s" in lines[0] and "<" in lines[0]  # rate, and elapsed<ETA
    assert lines[-1].startswith("fit: 100%") and "20/20" in lines[-1]
    assert lines[-1].endswith("errors=1]")
    assert "\r" not in out.getvalue()


def test__open_ended_every_n_steps_and_a_last_line():
    out = io.StringIO()
    with Progress("search", unit="eval", file=out, every=5, interval=1e9) as progress:
        for i in range(12):
            progress.update(postfix=f"best {i}")
    lines = out.getvalue().splitlines()
    counts = [int(re.match(r"search: (\d+)eval \[", line).group(1)) for line in lines]
    assert counts == [5, 10, 12]
    assert lines[-1].endswith("best 11]")


def test__interval_writes_a_line_when_time_passed():
    out = io.StringIO()
    progress = Progress("x", file=out, interval=0.0)
    for _ in range(3):
        progress.update()
    progress.close()
    progress.close()  # once only
    assert len(out.getvalue().splitlines()) == 3


def test__disabled_writes_nothing_but_counts():
    out = io.StringIO()
    with Progress("x", total=3, file=out, enabled=False) as progress:
        progress.update(3)
    assert out.getvalue() == "" and progress.count == 3


def test__terminal_gets_the_redrawn_bar():
    out = Terminal()
    assert is_terminal(out) and not is_terminal(io.StringIO()) and not is_terminal(object())
    with Progress("fit", total=4, file=out) as progress:
        for _ in range(4):
            progress.update()
    assert "\r" in out.getvalue() and "4/4" in out.getvalue()


@pytest.mark.parametrize("every", [0, 2.5, True, "3"])
def test__every_must_be_a_positive_int(every):
    with pytest.raises(TypeError, match=r"every must be a positive int or None, got"):
        Progress("x", every=every, file=io.StringIO())


def test__no_other_source_writes_carriage_returns():
    """Progress output goes through Progress, which writes plain lines off a terminal."""
    offenders = []
    for folder in ("autoarray", "autogalaxy", "workspace_scripts", "benchmarks"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name != "progress_util.py" and "\\r" in path.read_text():
                offenders.append(str(path.relative_to(ROOT)))
    assert offenders == []
