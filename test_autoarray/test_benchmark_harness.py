"""
The benchmark harness (``benchmarks/``) without timing anything: crossovers against hand-computed
values, the comparison of runs, the storage of a run's data, the report generated from a small
synthetic run, and the rule that the harness calls no private function of the library.
"""

import ast
import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import ab  # noqa: E402
import bench_util as bu  # noqa: E402
import compare  # noqa: E402
import measure  # noqa: E402
import report  # noqa: E402

HARNESS = ("ab.py", "bench_util.py", "compare.py", "measure.py", "report.py", "run.py")


def timing(*seconds):
    return bu.Timing.from_seconds(seconds)


# ------------------------------------------------------------------------ crossovers


def test_crossover_interpolates_log_ratio_linearly_in_log_x():
    # ln(ratio) goes from -ln 2 at x = 1 to +ln 2 at x = 10: zero halfway in ln x, x = sqrt(10).
    value, kind = report.crossover_from([10, 1, 100], [2.0, 0.5, 8.0])
    assert kind == "at"
    assert value == pytest.approx(math.sqrt(10), rel=1e-12)


def test_crossover_outside_the_measured_range():
    assert report.crossover_from([1, 10], [0.2, 0.9]) == (10.0, "above")
    assert report.crossover_from([1, 10], [1.0, 3.0]) == (1.0, "below")


def test_crossover_text_names_the_bracketing_points_and_the_per_transform_figure():
    text = report.crossover_text([25, 49], [0.5, 2.0], "taps", per=5)
    # ln x halfway between ln 25 and ln 49: x = 35, 7 per transform.
    assert text == "crossover ~35 taps (between 25: 0.50 and 49: 2.00), 7 per transform"


# ------------------------------------------------------------------------ comparison


@pytest.mark.parametrize(
    "median_ratio, min_ratio, expected",
    [(1.10, 1.06, "slower"), (0.90, 0.94, "faster"), (1.10, 1.00, "noisy"), (1.04, 0.96, "same")],
)
def test_verdict_needs_median_and_minimum_to_agree(median_ratio, min_ratio, expected):
    assert compare.verdict_from(median_ratio, min_ratio, 0.05) == expected


def test_comparison_pools_the_calls_of_every_run():
    base = [{"a": timing(1, 2, 3), "b": timing(1)}, {"a": timing(5)}]
    new = [{"a": timing(3, 3)}, {"a": timing(3), "c": timing(1)}]
    (row,) = compare.comparison_from_timings(base, new)  # "b", "c": not in every run
    assert row["case"] == "a"
    assert row["base"].times == [1, 2, 3, 5] and row["new"].times == [3, 3, 3]
    assert row["median_ratio"] == pytest.approx(3 / 2.5)
    assert row["min_ratio"] == pytest.approx(3.0)
    assert row["verdict"] == "slower"


def test_comparison_of_runs_names_cases_by_s_and_sweep_kernel():
    run = {
        "ours": [{"s": 2, "timings": {"bound": timing(1.0)}}],
        "taps_sweep": [{"s": 4, "side": 11, "timings": {"jax_fft": timing(2.0)}}],
    }
    faster = {
        "ours": [{"s": 2, "timings": {"bound": timing(0.5)}}],
        "taps_sweep": [{"s": 4, "side": 11, "timings": {"jax_fft": timing(2.0)}}],
    }
    rows = compare.comparison_from([run], [faster])
    assert [(r["case"], r["verdict"]) for r in rows] == [
        ("s=2 bound", "faster"),
        ("taps s=4 k=11 jax_fft", "same"),
    ]
    assert compare.comparison_markdown(rows).endswith(
        "2 cases; more than 5% slower on median and minimum: 0; faster: 1; same: 1; only one "
        "of median / minimum moved: 0."
    )


def test_ab_without_base_is_refused(capsys):
    with pytest.raises(SystemExit):
        ab.main([])
    assert "--base is required" in capsys.readouterr().err


def test_ab_refuses_more_worker_pairs_than_rounds(capsys):
    with pytest.raises(SystemExit):
        ab.main(["--base", ".", "--rounds", "2", "--processes", "3"])
    assert "--processes must be between 1 and --rounds (2)" in capsys.readouterr().err


def test_ab_refuses_a_section_name_that_is_not_a_marker_name(capsys):
    with pytest.raises(SystemExit):
        ab.main(["--base", ".", "--section", "AB confirm"])
    err = capsys.readouterr().err
    assert "--section must be lower-case words joined by '-' (like ab-confirm)" in err
    assert "'AB confirm'" in err


def test_ab_writes_the_named_section_and_leaves_the_others(monkeypatch, tmp_path):
    class FakeSide:
        """Every call takes 1 ms on the base and 2 ms on the new side."""

        def __init__(self, root, pattern):
            self.root = root

        def read(self):
            return {"cases": {"case a": 1e-3}}

        def times_from(self, case, n):
            return [1e-3 if str(self.root) == "base" else 2e-3] * n

        def close(self):
            pass

    results = tmp_path / "RESULTS.md"
    results.write_text("<!-- ab:start -->\nfull run\n<!-- ab:end -->\n")
    monkeypatch.setattr(ab, "Side", FakeSide)
    monkeypatch.setattr(ab, "RESULTS_PATH", results)
    code = ab.main(
        ["--base", "base", "--new", "new", "--rounds", "2", "--write", "--section", "ab-confirm"]
    )
    assert code == 1  # the new side is twice as slow
    text = results.read_text()
    assert text.startswith("<!-- ab:start -->\nfull run\n<!-- ab:end -->\n")
    confirm = text.split("<!-- ab-confirm:start -->")[1].split("<!-- ab-confirm:end -->")[0]
    assert "# A/B of two checkouts (`benchmarks/ab.py`): ab-confirm" in confirm
    assert "--rounds 2 --burst 0.02 --processes 1 --section ab-confirm`" in confirm
    assert "| case a | 1 ms | 2 ms | 2.000 | 1 ms | 2 ms | 2.000 | slower |" in confirm


def test_ab_shares_the_rounds_over_fresh_worker_pairs(monkeypatch):
    started = []

    class FakeSide:
        """A worker whose every call takes 1 ms on the base and 2 ms on the new side."""

        def __init__(self, root, pattern):
            self.root, self.pair = root, len(started) // 2
            started.append(root)
            self.closed = False

        def read(self):
            return {"cases": {"case a": 1e-3, "case b": 1e-3}}

        def times_from(self, case, n):
            assert not self.closed
            return [(1e-3 if self.root == "base" else 2e-3) * (1 + self.pair)] * n

        def close(self):
            self.closed = True

    monkeypatch.setattr(ab, "Side", FakeSide)
    base, new = ab.interleaved_runs_from("base", "new", "", rounds=5, burst=3e-3, processes=2)
    assert started == ["base", "new", "base", "new"]
    # 3 rounds in the first pair, 2 in the second; 3 calls a burst (3 ms / 1 ms).
    assert sorted(base["case a"].times) == [1e-3] * 9 + [2e-3] * 6
    assert sorted(new["case b"].times) == [2e-3] * 9 + [4e-3] * 6


def test_ab_names_a_checkout_by_its_commit_or_its_path(tmp_path):
    root = Path(__file__).resolve().parents[1]
    head = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    if head:  # a git checkout (CI clones one)
        assert ab.commit_of(root).startswith(f"{head} (")
    assert ab.commit_of(tmp_path) == str(tmp_path)


# ------------------------------------------------------------------------ storage


def test_sparse_mapping_matrix_is_the_scenes_dense_one():
    scene = bu.load_scene()
    dense = scene.mapping_matrix(50, 20, seed=3, nnz=4, window=9)
    sparse = bu.sparse_mapping_matrix_from(50, 20, seed=3, nnz=4, window=9)
    np.testing.assert_array_equal(sparse.toarray(), dense)


def test_density_of_a_sparse_matrix():
    matrix = scipy.sparse.csr_array(np.array([[1.0, 0.0, 0.0, 2.0], [0.0, 0.0, 0.0, 0.0]]))
    assert measure.density_of(matrix) == 2 / 8


def test_timing_from_counts_warmup_and_repeats():
    calls = []
    result = bu.timing_from(lambda: calls.append(1), repeats=3)
    assert len(calls) == 4 and result.n == 3 and np.isfinite(result.warmup)


def test_save_then_load_restores_timings(tmp_path):
    data = synthetic_run()
    path = tmp_path / "run.json"
    measure.save(data, path)
    loaded = measure.load(path)
    assert loaded["ours"][0]["timings"]["bound"].times == [100e-6, 102e-6]
    assert loaded["taps_sweep"][0]["timings"]["fft"].times == [60e-6]
    assert loaded["peer"]["cases"]["image-fft-np-s1"]["timing"].median == 600e-6
    assert loaded["ours"][0]["info"]["fft_shape"] == [80, 80]


def test_load_refuses_a_missing_file_and_other_json(tmp_path):
    with pytest.raises(FileNotFoundError, match="No benchmark data at .*run benchmarks/run.py"):
        measure.load(tmp_path / "absent.json")
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"ours": []}))
    with pytest.raises(ValueError, match="not the data of a benchmarks/run.py run.*taps_sweep"):
        measure.load(other)


# ------------------------------------------------------------------------ report


def synthetic_run(load=0.5, peer_diff=4e-16):
    """A one-s run with round numbers (seconds), shaped like measure.measurements_from's data."""
    timings = {
        "bound": timing(100e-6, 102e-6),
        "image_np_fft": timing(120e-6),
        "image_np_real": timing(1e-3),
        "image_np_auto": timing(120e-6),
        "image_jax_fft": timing(90e-6),
        "image_jax_real": timing(2e-3),
        "image_jax_auto": timing(90e-6),
        "image_np_nostate": timing(500e-6),
        "state_from": timing(400e-6),
        "operator_build": timing(10e-3),
        "mm_np_sparse": timing(20e-3),
        "mm_np_fft": timing(150e-3),
        "mm_np_sparse_noblur": timing(15e-3),
        "mm_np_sparse_nnz100": timing(300e-3),
        "mm_np_fft_nnz100": timing(150e-3),
    }
    case = {
        "s": 1,
        "info": {
            "fft_shape": [80, 80],
            "bound_shape": [80, 80],
            "kernel_shape": [21, 21],
            "n_phase": 1,
            "taps": 441,
            "operator_nnz": 1_247_148,
            "auto_image_route": "fft",
            "mm_density": 0.003,
            "auto_mm_route": "sparse",
        },
        "timings": timings,
        "memory": {
            "operator_bytes": 15e6,
            "state_peak": 0.5e6,
            "operator_peak": 32e6,
            "mm_sparse_peak": 37e6,
            "mm_fft_peak": 198e6,
        },
        "diffs": {
            "image_engines": 1.6e-15,
            "mm_routes": 4e-17,
            "mm_jax": 5e-17,
            "peer": {"image_np": peer_diff, "mm": 4e-17},
        },
        "density_sweep": [
            {"nnz": 3, "density": 0.003, "sparse": "mm_np_sparse", "fft": "mm_np_fft"},
            {
                "nnz": 100,
                "density": 0.1,
                "sparse": "mm_np_sparse_nnz100",
                "fft": "mm_np_fft_nnz100",
            },
        ],
    }
    taps = {
        "s": 1,
        "side": 3,
        "taps": 9,
        "nnz": 25452,
        "fft_shape": [64, 64],
        "timings": {
            "real": timing(20e-6),
            "fft": timing(60e-6),
            "jax_real": timing(50e-6),
            "jax_fft": timing(60e-6),
        },
    }
    peer = {
        "versions": {"autoarray": "2026.10.26.1"},
        "errors": {},
        "cases": {
            "image-fft-np-s1": {"timing": timing(600e-6), "memory": {}},
            "mm-fft-np-s1": {
                "timing": timing(300e-3),
                "memory": {"tracemalloc_peak_bytes": 430e6},
            },
        },
    }
    machine = dict(
        date="2026-12-02 10:00 UTC",
        cpu="AMD EPYC",
        cores=2,
        affinity=2,
        memory=24 * 2**30,
        python="3.11.7",
        numpy="2.4.6",
        scipy="1.17.1",
        jax="0.10.2",
        jaxlib="0.10.2",
        jax_backend="cpu",
        load_start=0.5,
        load_end=0.5,
        load_max=load,
    )
    return dict(
        settings=dict(
            repeats=7,
            min_seconds=0.3,
            mm_repeats=5,
            heavy_repeats=3,
            sweep_repeats=3,
            peer_image_repeats=20,
            peer_mm_repeats=3,
            peer_heavy=True,
        ),
        args=dict(quick=False, no_peer=False),
        machine=machine,
        ours=[case],
        taps_sweep=[taps],
        thresholds=dict(REAL_SPACE_MAX_TAPS=20, SPARSE_MAX_DENSITY=0.04),
        peer=peer,
        peer_note="",
        wall_s=157.0,
    )


def test_report_tables_come_from_the_data():
    text = report.report_from(synthetic_run())
    lines = text.splitlines()
    assert "| NumPy image (auto) within 1.3x of the rFFT bound, s=1 | 1.19x median (1.20x min) | PASS |" in lines  # fmt: skip
    assert "| NumPy image >= 2.5x faster than the release, s=1 | 5.0x median (5.0x min) | PASS |" in lines  # fmt: skip
    assert "| mapping matrix >= 10x faster than the release (NumPy), s=1 | 20.0x same inputs; 15.0x with our blurring MM | PASS |" in lines  # fmt: skip
    assert "| JAX image no slower than the release, s=1 | release not run | n/a |" not in lines
    assert (
        "| image NumPy auto (use_fft=None -> fft) | 1 | 120 us | 120 us | 101 us | 1.19x | "
        "600 us (best NumPy) | 600 us | 5.00x |" in lines
    )
    assert "| 1 | 441 | 100 | 0.1000 | 300 ms | 150 ms | 2.00 | FFT |" in lines
    # sparse / FFT 20/150 at density 0.003 and 2.0 at 0.1: ln-ln crossing at 0.0547
    crossing = math.exp(
        math.log(0.003)
        + math.log(150 / 20) * (math.log(0.1) - math.log(0.003)) / math.log(2 * 150 / 20)
    )
    assert f"* s=1 (441 taps): crossover ~{crossing:.3g} density" in text
    assert "Load average (1 min) at start 0.50, at end 0.50, highest after a stage 0.50." in text
    assert "Release cases not run (time budget; slower or identical routes): mm-real-np-s1" in text
    assert "| 1 | 1.6e-15 | 4.0e-17 | 5.0e-17 | 4.0e-16 | - | 4.0e-17 |" in lines


def test_report_says_when_the_machine_was_busy_and_flags_a_release_mismatch():
    text = report.report_from(synthetic_run(load=3.5, peer_diff=2e-9))
    assert "**the machine was busy (load above 1.5 per core)" in text
    assert "| 2.0e-09 **MISMATCH** |" in text


def test_report_without_the_release():
    data = synthetic_run()
    data.update(peer=None, peer_note="--no-peer")
    data["ours"][0]["diffs"]["peer"] = {}
    text = report.report_from(data)
    assert "* Release: not run (--no-peer)." in text
    assert "| NumPy image >= 2.5x faster than the release, s=1 | release not run | n/a |" in text


def test_summary_table_for_the_readme():
    lines = report.summary_table(synthetic_run()).splitlines()
    assert lines[0] == "|  | s = 1 |"
    assert lines[2:] == [
        "| NumPy image / rFFT bound | 1.19x |",
        "| NumPy image, speed-up over the release | 5.00x |",
        "| JAX image, speed-up over the release's best JAX route | - |",
        "| 1000-column mapping matrix, speed-up over the release (same inputs) | 20.0x |",
        "| mapping-matrix call peak memory (release) | 37.0 MB (430.0 MB) |",
    ]


def test_every_marked_section_is_carried_over():
    existing = (
        "old report\n<!-- a:start -->\nA\n<!-- a:end -->\nbetween\n"
        "<!-- b-c:start -->\nB\n<!-- b-c:end -->\n<!-- d:start -->\nunclosed"
    )
    assert report.with_sections_of("new\n", existing) == (
        "new\n\n<!-- a:start -->\nA\n<!-- a:end -->\n\n<!-- b-c:start -->\nB\n<!-- b-c:end -->"
    )
    assert report.with_sections_of("new", "no markers") == "new"


# ------------------------------------------------------------------------ public API only


@pytest.mark.parametrize("name", HARNESS)
def test_harness_uses_no_private_name(name):
    tree = ast.parse((BENCHMARKS / name).read_text())
    private = [
        f"line {node.lineno}: .{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
    ]
    private += [
        f"line {node.lineno}: import {alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert private == []
