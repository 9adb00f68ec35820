"""The benchmark harness: its maths, parsing and report without a build, then one tiny run end to end."""

from __future__ import annotations

import datetime as dt
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from segmentation_tools.bench.__main__ import main
from segmentation_tools.bench.harness import (
    Extracts,
    Machine,
    Measurement,
    MemoryCeilingError,
    cpu_model,
    measure,
    mem_total_bytes,
    rss_bytes,
)
from segmentation_tools.bench.report import (
    RESULTS_END,
    RESULTS_START,
    Spread,
    format_bytes,
    format_seconds,
    format_spread,
    markdown_table,
    median_by_key,
    ratio,
    render_report,
    splice_results,
)
from segmentation_tools.bench.results import (
    PhaseTimings,
    ProjectRun,
    Recovery,
    ScriptRun,
    SizeResult,
    adjusted_rand_index,
    node_name,
    node_seconds,
    nodes_by_kind,
    phase_timings,
    read_phase_timings,
    recovery,
    seconds_by_kind,
)
from segmentation_tools.bench.scaling import DOWNSTREAM, seconds_by_layer
from sklearn.metrics import adjusted_rand_score

GIB = 1024**3
RUN_RESULTS = {
    "elapsed_time": 7.5,
    "results": [
        {"unique_id": "seed.member_segmentation.personas", "execution_time": 0.1, "status": "success"},
        {"unique_id": "model.member_segmentation.member_features", "execution_time": 1.2, "status": "success"},
        {"unique_id": "model.member_segmentation.segment_centroids", "execution_time": 3.1, "status": "success"},
        {"unique_id": "test.member_segmentation.unique_member_features_member_id.1a2b3c", "execution_time": 0.2},
        {"unique_id": "test.member_segmentation.not_null_member_features_age.4d5e6f", "execution_time": 0.3},
        {"unique_id": "unit_test.member_segmentation.member_features.test_birthday_today", "execution_time": 0.4},
    ],
}


def test_spread_is_the_median_with_min_and_max():
    spread = Spread.of([9.0, 12.0, 10.0, 30.0])

    assert (spread.median, spread.low, spread.high, spread.runs) == (11.0, 9.0, 30.0, 4)


def test_ratio_divides_the_project_median_by_the_baselines():
    assert ratio(Spread.of([6.0, 7.0, 8.0]), Spread.of([10.0, 14.0, 99.0])) == pytest.approx(0.5)


def test_median_by_key_uses_only_the_runs_that_have_the_key():
    medians = median_by_key([{"a": 1.0, "b": 5.0}, {"a": 3.0}, {"a": 2.0, "b": 7.0}])

    assert medians == {"a": 2.0, "b": 6.0}


def test_units_switch_to_coarser_steps_for_large_values():
    assert [format_seconds(0.123), format_seconds(9.66), format_seconds(58.04)] == ["0.12 s", "9.7 s", "58.0 s"]
    assert [format_bytes(554 * 1024**2), format_bytes(2.2 * 1024**3)] == ["554 MiB", "2.20 GiB"]


def test_a_spread_shows_min_and_max_only_for_repeated_runs():
    assert format_spread(Spread.of([9.0]), format_seconds) == "9.0 s"
    assert format_spread(Spread.of([9.0, 9.5, 12.0]), format_seconds) == "9.5 s (9.0 s-12.0 s)"


def test_markdown_table_aligns_columns_as_asked():
    table = markdown_table(["model", "median"], [["member_features", "1.2 s"]], "lr")

    assert table.splitlines() == ["| model | median |", "| --- | ---: |", "| member_features | 1.2 s |"]


def test_run_results_give_seconds_per_node_and_totals_and_counts_per_resource_type():
    seconds = node_seconds(RUN_RESULTS)

    assert seconds["model.member_segmentation.segment_centroids"] == 3.1
    assert seconds_by_kind(seconds) == pytest.approx({"seed": 0.1, "model": 4.3, "test": 0.5, "unit_test": 0.4})
    assert nodes_by_kind(seconds) == {"seed": 1, "model": 2, "test": 2, "unit_test": 1}


@pytest.mark.parametrize(
    ("unique_id", "name"),
    [
        ("model.member_segmentation.member_features", "member_features"),
        ("unit_test.member_segmentation.member_features.test_birthday_today", "test_birthday_today"),
        ("model.member_segmentation.member_outreach.v1", "member_outreach.v1"),
    ],
)
def test_nodes_are_named_by_the_last_part_of_their_unique_id(unique_id, name):
    assert node_name(unique_id) == name


def test_scaling_sums_node_times_by_layer_of_the_data_flow():
    def node(unique_id: str, path: str) -> tuple[str, dict]:
        return unique_id, {"original_file_path": path}

    manifest = {
        "nodes": dict(
            [
                node("model.p.stg_a", "models/staging/plan_extracts/stg_a.sql"),
                node("model.p.int_a", "models/intermediate/int_a.sql"),
                node("model.p.member_features", "models/marts/features/member_features.sql"),
                node("model.p.segment_centroids", "models/marts/segments/segment_centroids.py"),
                node("model.p.int_members_sampled_for_fit", "models/intermediate/int_members_sampled_for_fit.sql"),
                node("model.p.member_outreach", "models/marts/outreach/member_outreach.sql"),
            ]
        )
    }
    seconds = {
        "model.p.stg_a": 1.0,
        "model.p.int_a": 2.0,
        "model.p.member_features": 4.0,
        "model.p.segment_centroids": 7.5,
        "model.p.int_members_sampled_for_fit": 0.5,
        "model.p.member_outreach": 16.0,
        "seed.p.personas": 32.0,
        "test.p.not_null_x": 64.0,
        "unit_test.p.m.t": 128.0,
        "exposure.p.report": 256.0,
    }
    run_results = {"results": [{"unique_id": key, "execution_time": value} for key, value in seconds.items()]}

    assert seconds_by_layer(run_results, manifest) == {
        "extracts: staging, validation, per-member aggregates": 3.0,
        "member_features": 4.0,
        "segments: fit sample, fit, assign every member, run record": 8.0,
        DOWNSTREAM: 16.0,
        "seeds": 32.0,
        "data tests": 64.0,
        "unit tests": 128.0,
    }


def test_phase_timings_sum_each_phase_over_models_in_the_order_first_reported():
    lines = "\n".join(
        [
            '{"model": "segment_centroids", "phase": "load", "seconds": 0.5}',
            '{"model": "segment_centroids", "phase": "fit", "seconds": 3.0}',
            "",
            '{"model": "member_segments", "phase": "load", "seconds": 0.25}',
        ]
    )

    timings = phase_timings(lines)

    assert timings.seconds == {"load": 0.75, "fit": 3.0}
    assert timings.models == ("segment_centroids", "member_segments")


def test_phase_timings_are_none_without_the_hooks_file(tmp_path):
    assert read_phase_timings(tmp_path / "absent.jsonl") is None


def test_adjusted_rand_index_from_counts_equals_sklearns_on_labels():
    rng = np.random.default_rng(3)
    planted = rng.integers(0, 4, 5_000)
    found = np.where(rng.random(5_000) < 0.8, planted, rng.integers(0, 4, 5_000))
    contingency = pd.crosstab(planted, found).to_numpy()

    assert adjusted_rand_index(contingency) == pytest.approx(adjusted_rand_score(planted, found))


def test_recovery_counts_correct_names_only_for_named_clusters():
    counts = pd.DataFrame(
        {
            "planted": ["Digital Learners", "Digital Learners", "Cost Sensitive Members"],
            "found": ["Digital Learners", "Cost Sensitive Members", "Cost Sensitive Members"],
            "members": [90, 10, 100],
        }
    )

    assert recovery(counts, named=True).names_correct == pytest.approx(0.95)
    assert recovery(counts, named=False).names_correct is None
    perfect = counts[counts["planted"] == counts["found"]]
    assert recovery(perfect, named=True).adjusted_rand_index == 1.0


def test_splice_replaces_only_the_generated_results():
    document = f"# Benchmarks\n\nHand-written.\n\n{RESULTS_START}\n\nold figures\n\n{RESULTS_END}\n\nFooter.\n"

    spliced = splice_results(document, "new figures")

    assert spliced == f"# Benchmarks\n\nHand-written.\n\n{RESULTS_START}\n\nnew figures\n\n{RESULTS_END}\n\nFooter.\n"


def test_splice_appends_the_markers_to_a_document_without_them():
    assert (
        splice_results("# Benchmarks\n", "figures") == f"# Benchmarks\n\n{RESULTS_START}\n\nfigures\n\n{RESULTS_END}\n"
    )
    assert splice_results("", "figures") == f"{RESULTS_START}\n\nfigures\n\n{RESULTS_END}\n"


def test_machine_memory_and_cpu_model_come_from_proc_files():
    assert mem_total_bytes("MemTotal:       24679108 kB\nMemFree: 1 kB\n") == 24679108 * 1024
    assert cpu_model("processor\t: 0\nmodel name\t: AMD EPYC 7B13\nprocessor\t: 1\nmodel name\t: AMD EPYC 7B13\n") == (
        "AMD EPYC 7B13"
    )
    assert cpu_model("processor\t: 0\n") == "unknown"


def _size_result(phases: PhaseTimings | None, killed: dict[str, Measurement] | None = None) -> SizeResult:
    def project(wall: float, rss: int) -> ProjectRun:
        return ProjectRun(
            measurement=Measurement(wall_seconds=wall, peak_rss_bytes=rss, load_average=1.5),
            dbt_elapsed_seconds=wall - 2.5,
            node_seconds=node_seconds(RUN_RESULTS),
            phases=phases,
            recovery=Recovery(adjusted_rand_index=0.94, names_correct=0.975),
        )

    def script(wall: float, rss: int) -> ScriptRun:
        return ScriptRun(
            Measurement(wall, rss, load_average=2.0), Recovery(adjusted_rand_index=0.93, names_correct=None)
        )

    killed = killed or {}
    projects = (project(6.0, 500 * 1024**2), project(6.5, 520 * 1024**2), project(7.0, 510 * 1024**2))
    baselines = (script(10.0, 2 * GIB), script(9.0, 2 * GIB), script(12.0, 3 * GIB))
    floors = (script(2.0, GIB), script(2.5, GIB), script(3.0, GIB))
    return SizeResult(
        members=500_000,
        rounds=3,
        extracts=Extracts(path=Path("/data/500000"), rows=24_000_000, bytes=400 * 1024**2, generation=None),
        project=() if "project" in killed else projects,
        baseline=() if "baseline" in killed else baselines,
        floor=floors,
        killed=killed,
    )


def _render(result: SizeResult) -> str:
    machine = Machine(
        cores=2, memory_bytes=24 * 1024**3, cpu_model="AMD EPYC", load_average=1.0, commit="abc1234", versions={}
    )
    return render_report(machine, [result], dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC), 6 * GIB)


def test_report_shows_medians_ratios_recovery_and_the_time_split():
    report = _render(_size_result(phases=None))

    assert "### 500,000 members" in report
    assert (
        "| wall time, median (min-max) | 6.5 s (6.0 s-7.0 s) | 2.5 s (2.0 s-3.0 s) "
        "| 10.0 s (9.0 s-12.0 s) | 0.65 | 2.60 |"
    ) in report
    assert (
        "| peak RSS, median (min-max) | 510 MiB (500 MiB-520 MiB) | 1.00 GiB (1.00 GiB-1.00 GiB) "
        "| 2.00 GiB (2.00 GiB-3.00 GiB) | 0.25 | 0.50 |"
    ) in report
    assert "| load average when the run started | 1.5 (1.5-1.5) | 2.0 (2.0-2.0) | 2.0 (2.0-2.0) |" in report
    assert "| persona recovery: correct persona names | 97.5% (97.5%-97.5%) |" in report
    # The per-size table: 6.5 s over 500,000 members, against the floor's and the baseline's medians.
    assert "| 500,000 | 6.5 s | 13.0 µs | 510 MiB | 2.60 | 0.65 |" in report
    assert "| dbt start-up and parsing (wall time less dbt's elapsed time) | 2.5 s |" in report
    assert "| models (2) | 4.3 s |" in report
    assert report.index("| segment_centroids |") < report.index("| member_features |")
    assert "Segmentation phases: unavailable" in report


def test_report_says_whether_builds_kept_the_partial_parse_cache():
    machine = Machine(
        cores=2, memory_bytes=24 * 1024**3, cpu_model="AMD EPYC", load_average=1.0, commit="abc1234", versions={}
    )
    measured_at = dt.datetime(2025, 12, 31, 12, 0, tzinfo=dt.UTC)
    result = _size_result(phases=None)

    assert "keeping dbt's partial-parse cache" in render_report(machine, [result], measured_at, GIB)
    full = render_report(machine, [result], measured_at, GIB, keep_parse_cache=False)
    assert "parsing the whole project (`--full-parse`)" in full


def test_report_lists_the_segmentation_phases_when_the_package_timed_them():
    phases = PhaseTimings(seconds={"load": 0.5, "fit": 3.0}, models=("segment_centroids",))

    report = _render(_size_result(phases=phases))

    assert "Segmentation phases (median seconds, summed over segment_centroids)" in report
    assert "| fit | 3.0 s |" in report


@pytest.mark.parametrize(
    ("killed_run", "killed_after", "wall_time_row", "explanation", "has_breakdown"),
    [
        (
            "baseline",
            40.0,
            "| wall time, median (min-max) | 6.5 s (6.0 s-7.0 s) | 2.5 s (2.0 s-3.0 s) | n/a | n/a | 2.60 |",
            "The baseline passed the memory ceiling and was killed after 40.0 s at 4.00 GiB",
            True,
        ),
        (
            "project",
            90.0,
            "| wall time, median (min-max) | n/a | 2.5 s (2.0 s-3.0 s) | 10.0 s (9.0 s-12.0 s) | n/a | n/a |",
            "No dbt build finished under the memory ceiling",
            False,
        ),
    ],
    ids=["baseline_killed_builds_still_broken_down", "no_build_finished_no_breakdown"],
)
def test_report_says_what_was_killed_at_the_memory_ceiling(
    killed_run, killed_after, wall_time_row, explanation, has_breakdown
):
    killed = {killed_run: Measurement(wall_seconds=killed_after, peak_rss_bytes=4 * GIB)}

    report = _render(_size_result(phases=None, killed=killed))

    assert wall_time_row in report
    assert explanation in report
    assert ("Slowest models" in report) is has_breakdown


def test_measure_reports_the_childs_own_peak_memory(tmp_path):
    allocate = [sys.executable, "-c", "block = bytearray(300 * 1024**2)"]

    measurement = measure(allocate, dict(os.environ), tmp_path / "out.log", rss_ceiling_bytes=GIB)

    assert measurement.peak_rss_bytes >= 300 * 1024**2
    assert measurement.wall_seconds > 0
    assert measurement.cpu_seconds is not None
    assert measurement.cpu_seconds > 0
    assert measurement.load_average is not None


def test_measure_raises_with_the_end_of_the_childs_output(tmp_path):
    failing = [sys.executable, "-c", "import sys; print('the reason'); sys.exit(3)"]

    with pytest.raises(RuntimeError, match="exited with 3") as raised:
        measure(failing, dict(os.environ), tmp_path / "out.log", rss_ceiling_bytes=GIB)

    assert "the reason" in str(raised.value)


def test_measure_kills_a_child_that_passes_the_memory_ceiling(tmp_path):
    hog = [sys.executable, "-c", "import time; block = bytearray(400 * 1024**2); time.sleep(30)"]

    ceiling = 200 * 1024**2

    with pytest.raises(MemoryCeilingError) as raised:
        measure(hog, dict(os.environ), tmp_path / "out.log", rss_ceiling_bytes=ceiling)

    assert raised.value.measurement.wall_seconds < 10  # killed, not waited for
    assert raised.value.measurement.peak_rss_bytes > ceiling


def test_rss_comes_from_the_status_file_and_is_zero_once_the_process_exited():
    assert rss_bytes("Name:\tpython\nVmRSS:\t  204800 kB\n") == 200 * 1024**2
    assert rss_bytes("Name:\tpython\nState:\tZ (zombie)\n") == 0


@pytest.mark.end_to_end
def test_bench_runs_end_to_end_on_a_tiny_plan(tmp_path):
    report = tmp_path / "BENCHMARKS.md"

    runs = tmp_path / "runs"
    sizes = ["--sizes", "2000", "--rounds", "1"]
    main([*sizes, "--data-dir", str(tmp_path / "bench"), "--runs-dir", str(runs), "--report", str(report)])

    written = report.read_text()
    assert written.startswith(RESULTS_START)
    assert "### 2,000 members" in written
    assert "generated in" in written
    assert "| persona recovery: adjusted Rand index |" in written
    assert "| wall time, median (min-max) |" in written
    assert "build / floor" in written
    assert "keeping dbt's partial-parse cache" in written
    assert (tmp_path / "bench" / "2000" / "members.parquet").exists()
    # The build kept the cache an unmeasured parse wrote before it; the next build of this workdir reuses it.
    assert (runs / "2000" / "project" / "dbt_parse.out").exists()
    assert (runs / "2000" / "project" / "target" / "partial_parse.msgpack").exists()
