"""The progress line of long loops: plain lines off a terminal, count / rate / ETA in them."""

import io

from autoarray.progress_util import Progress


def test__plain_lines_every_tenth_with_count_rate_and_eta():
    out = io.StringIO()
    with Progress("fit", total=20, unit="obj", file=out) as progress:
        for _ in range(20):
            progress.update(postfix="errors=1")
    lines = out.getvalue().splitlines()
    # every 2 objects (a tenth of 20); closing adds nothing new
    assert len(lines) == 10
    assert lines[0].startswith("fit:  10%") and " 2/20 [" in lines[0]
    assert "obj/s" in lines[0] and "<" in lines[0]  # rate and ETA
    assert lines[-1].startswith("fit: 100%") and "20/20" in lines[-1] and "errors=1" in lines[-1]
    assert "\r" not in out.getvalue()


def test__open_ended_count_and_disabled():
    out = io.StringIO()
    progress = Progress("search", unit="eval", file=out, interval=1e9)
    for _ in range(5):
        progress.update()
    progress.close()
    progress.close()  # a second close writes nothing more
    assert out.getvalue().count("\n") == 1 and out.getvalue().startswith("search: 5eval [")
    silent = io.StringIO()
    with Progress("x", total=3, file=silent, enabled=False) as progress:
        progress.update(3)
    assert silent.getvalue() == "" and progress.count == 3
