"""Running the contenders as child processes and measuring them; the cached extracts; the machine they ran on.

Everything here touches processes or files. What is computed from the runs' outputs lives in bench.results,
and how it is shown in bench.report, so both can be tested without a build.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass
from importlib.metadata import version
from pathlib import Path

import pyarrow.parquet as pq
from member_segmentation.timings import TIMINGS_FILE_ENV

from segmentation_tools import PROJECT_ROOT as REPO_ROOT
from segmentation_tools.demo_data.contract import EXTRACT_SCHEMAS

TIMINGS_FILE = "segmentation_timings.jsonl"
CLUSTERS_FILE = "clusters.parquet"
# dbt's partial-parse cache, inside a run's target folder.
PARSE_CACHE = Path("target") / "partial_parse.msgpack"
GENERATION_FILE = "_generation.json"
REPORTED_PACKAGES = ("dbt-core", "dbt-duckdb", "duckdb", "pandas", "scikit-learn")
KIB = 1024
RSS_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Measurement:
    """One child process, start to exit, and how busy the machine was when it started (other work on a shared
    machine slows every contender; the report shows it beside each figure)."""

    wall_seconds: float
    peak_rss_bytes: int
    load_average: float | None = None  # 1-minute load average at the start; None where it was not recorded
    # CPU seconds (user and system) of the process and its waited-for children: on a loaded machine this moves
    # far less than the wall time, so before/after comparisons of one change read it first.
    cpu_seconds: float | None = None


@dataclass(frozen=True)
class Extracts:
    """The cached demo extracts of one size, and what generating them cost (None if that was not recorded)."""

    path: Path
    rows: int
    bytes: int
    generation: Measurement | None


@dataclass(frozen=True)
class Machine:
    """What the figures were measured on; timings mean little without it."""

    cores: int
    memory_bytes: int
    cpu_model: str
    load_average: float  # 1-minute load when the bench started: other work on the machine makes timings noisy
    commit: str
    versions: dict[str, str]


class MemoryCeilingError(RuntimeError):
    """A child was killed because its RSS passed the ceiling; carries how far it got."""

    def __init__(self, argv: list[str], measurement: Measurement) -> None:
        super().__init__(f"{shlex.join(argv)} killed above the memory ceiling after {measurement.wall_seconds:.1f} s")
        self.measurement = measurement


def measure(argv: list[str], env: dict[str, str], log: Path, rss_ceiling_bytes: int) -> Measurement:
    """Run argv from the repository root to completion, output to log; its wall time and peak RSS.

    The peak RSS is the child's own ru_maxrss from os.wait4 (the largest of it and its waited-for descendants),
    so it covers everything the process does in-process, such as dbt's Python models, and nothing of the
    bench's own process. The machine is shared, so a watchdog kills a child whose RSS passes the ceiling
    (raising MemoryCeilingError) before it can push everyone else's work into the OOM killer.
    """
    log.parent.mkdir(parents=True, exist_ok=True)
    load_average = os.getloadavg()[0]
    with log.open("w") as output:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=REPO_ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
        exited, killed = threading.Event(), threading.Event()
        watchdog = threading.Thread(target=_watch_rss, args=(process.pid, rss_ceiling_bytes, exited, killed))
        watchdog.start()
        # Wait without reaping: until the watchdog has stopped, the pid must stay this child's.
        os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOWAIT)
        wall_seconds = time.perf_counter() - started
        exited.set()
        watchdog.join()
        _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    measurement = Measurement(
        wall_seconds=wall_seconds,
        peak_rss_bytes=usage.ru_maxrss * KIB,
        load_average=load_average,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
    )
    if killed.is_set():
        raise MemoryCeilingError(argv, measurement)
    if process.returncode != 0:
        raise RuntimeError(
            f"{shlex.join(argv)} exited with {process.returncode}; end of {log}:\n{log.read_text()[-6000:]}"
        )
    return measurement


def _watch_rss(pid: int, ceiling_bytes: int, exited: threading.Event, killed: threading.Event) -> None:
    while not exited.wait(RSS_POLL_SECONDS):
        if rss_bytes(Path(f"/proc/{pid}/status").read_text()) > ceiling_bytes:
            killed.set()
            os.kill(pid, signal.SIGKILL)
            return


def rss_bytes(status: str) -> int:
    """VmRSS from /proc/<pid>/status; 0 once the process has exited (a zombie has no VmRSS line)."""
    lines = [line for line in status.splitlines() if line.startswith("VmRSS:")]
    return int(lines[0].split()[1]) * KIB if lines else 0


def dbt_environment(workdir: Path, env: dict | None = None) -> dict[str, str]:
    """Environment that keeps a dbt command's warehouse, target and logs inside workdir (env may override them).

    The bench and the end-to-end tests both run dbt this way, so a green test means the bench builds the same.
    """
    return {
        **os.environ,
        "DBT_PROFILES_DIR": str(REPO_ROOT),
        "DBT_DUCKDB_PATH": str(warehouse_path(workdir)),
        "DBT_TARGET_PATH": str(workdir / "target"),
        "DBT_LOG_PATH": str(workdir / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "False",
        **(env or {}),
    }


def dbt_command(args: list[str], dbt_vars: dict | None = None) -> list[str]:
    """``dbt <args> --vars <json>`` with the dbt of this interpreter's environment."""
    return [str(Path(sys.executable).with_name("dbt")), *args, "--vars", json.dumps(dbt_vars or {})]


def dbt_build_command(
    workdir: Path, raw_data_path: Path, dbt_vars: dict | None = None, env: dict | None = None
) -> tuple[list[str], dict[str, str]]:
    """The `dbt build` command on the extracts in raw_data_path, and its environment (see dbt_environment)."""
    all_vars = {"raw_data_path": str(raw_data_path), **(dbt_vars or {})}
    return dbt_command(["build"], all_vars), dbt_environment(workdir, env)


def spark_build_command(
    workdir: Path, raw_data_path: Path, dbt_vars: dict | None = None
) -> tuple[list[str], dict[str, str]]:
    """`dbt build --target spark` through `python -m segmentation_tools.spark_target` (Python models in the local
    session), with the Spark warehouse and metastore in spark_dir(workdir) and the rest as dbt_environment puts it."""
    all_vars = {"raw_data_path": str(raw_data_path), **(dbt_vars or {})}
    argv = [
        sys.executable,
        "-m",
        "segmentation_tools.spark_target",
        "build",
        "--target",
        "spark",
        "--vars",
        json.dumps(all_vars),
    ]
    return argv, dbt_environment(workdir, {"DBT_SPARK_DIR": str(spark_dir(workdir))})


def spark_dir(workdir: Path) -> Path:
    return workdir / "spark"


def warehouse_path(workdir: Path) -> Path:
    return workdir / "warehouse.duckdb"


def run_results_path(workdir: Path) -> Path:
    return workdir / "target" / "run_results.json"


def production_build_command(workdir: Path, raw_data_path: Path, env: dict | None = None) -> tuple[list[str], dict]:
    """The production build as `make dbt-build` runs it (build_runner: every model and data test, no unit tests)
    on the extracts in raw_data_path, with warehouse, target and logs inside workdir."""
    dbt_vars = json.dumps({"raw_data_path": str(raw_data_path)})
    argv = [sys.executable, "-m", "segmentation_tools.build_runner", "--vars", dbt_vars]
    return argv, dbt_environment(workdir, env)


def run_project(raw: Path, workdir: Path, rss_ceiling_bytes: int, *, keep_parse_cache: bool = True) -> Measurement:
    """The project's production build (production_build_command) with the segmentation timing hook on.

    workdir is wiped first, so every build writes a fresh warehouse. With keep_parse_cache, dbt's partial-parse
    cache (target/partial_parse.msgpack) survives the wipe, as it does for anyone who runs `dbt build` again
    after changing the data, and an unmeasured `dbt parse` writes it before the first build of a workdir;
    without it, every build parses the whole project, as on a fresh checkout.
    """
    argv, env = production_build_command(workdir, raw, env={TIMINGS_FILE_ENV: str(workdir / TIMINGS_FILE)})
    cache = workdir / PARSE_CACHE
    cached = cache.read_bytes() if keep_parse_cache and cache.exists() else None
    _empty(workdir)
    if keep_parse_cache:
        if cached is None:
            parse_argv = dbt_command(["parse"], {"raw_data_path": str(raw)})
            measure(parse_argv, env, workdir / "dbt_parse.out", rss_ceiling_bytes)
        else:
            cache.parent.mkdir(parents=True)
            cache.write_bytes(cached)
    return measure(argv, env, workdir / "dbt.out", rss_ceiling_bytes)


def run_baseline(raw: Path, workdir: Path, rss_ceiling_bytes: int) -> Measurement:
    """The plain-pandas script on the same extracts; it saves its clusters, as the project saves its marts."""
    _empty(workdir)
    argv = [
        sys.executable,
        "-m",
        "segmentation_tools.bench.plain_pandas_baseline",
        str(raw),
        "--out",
        str(workdir / CLUSTERS_FILE),
    ]
    return measure(argv, dict(os.environ), workdir / "baseline.out", rss_ceiling_bytes)


def run_floor(raw: Path, workdir: Path, rss_ceiling_bytes: int) -> Measurement:
    """The floor (bench.floor: only the job, one DuckDB query and one k-means) on the same extracts."""
    _empty(workdir)
    argv = [sys.executable, "-m", "segmentation_tools.bench.floor", str(raw), "--out", str(workdir / CLUSTERS_FILE)]
    return measure(argv, dict(os.environ), workdir / "floor.out", rss_ceiling_bytes)


def cached_extracts(data_dir: Path, members: int, rss_ceiling_bytes: int) -> Extracts:
    """data_dir/<members>/ holding the demo extracts: generated once, then reused by every later bench.

    Generation writes to a scratch name that is renamed only when complete, so an interrupted run never
    leaves a half-written cache behind.
    """
    raw = data_dir / str(members)
    if not raw.is_dir():
        partial = data_dir / f"{members}.partial"
        shutil.rmtree(partial, ignore_errors=True)
        argv = [sys.executable, "-m", "segmentation_tools.demo_data", "--members", str(members), "--out", str(partial)]
        generation = measure(argv, dict(os.environ), data_dir / f"{members}.generate.out", rss_ceiling_bytes)
        (partial / GENERATION_FILE).write_text(json.dumps(asdict(generation)))
        partial.rename(raw)
    return described_extracts(raw)


def described_extracts(raw: Path) -> Extracts:
    """The demo extracts in raw as they are (e.g. generated earlier elsewhere with the same seed): their rows and
    size, and what generating them cost when the bench generated them."""
    generation_file = raw / GENERATION_FILE
    generation = Measurement(**json.loads(generation_file.read_text())) if generation_file.exists() else None
    paths = [raw / f"{table}.parquet" for table in EXTRACT_SCHEMAS]
    return Extracts(
        path=raw,
        rows=sum(pq.ParquetFile(path).metadata.num_rows for path in paths),
        bytes=sum(path.stat().st_size for path in paths),
        generation=generation,
    )


def describe_machine() -> Machine:
    return Machine(
        cores=os.cpu_count() or 0,
        memory_bytes=mem_total_bytes(Path("/proc/meminfo").read_text()),
        cpu_model=cpu_model(Path("/proc/cpuinfo").read_text()),
        load_average=os.getloadavg()[0],
        commit=_commit(),
        versions={package: version(package) for package in REPORTED_PACKAGES},
    )


def mem_total_bytes(meminfo: str) -> int:
    """MemTotal from /proc/meminfo (reported in kB, which the kernel means as KiB)."""
    line = next(line for line in meminfo.splitlines() if line.startswith("MemTotal:"))
    return int(line.split()[1]) * KIB


def cpu_model(cpuinfo: str) -> str:
    """The first processor's model name from /proc/cpuinfo; 'unknown' where the kernel does not say (some VMs)."""
    names = [line.split(":", 1)[1].strip() for line in cpuinfo.splitlines() if line.startswith("model name")]
    return names[0] if names else "unknown"


def _commit() -> str:
    """The commit measured, marked when the working tree had uncommitted changes."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout

    return git("rev-parse", "--short", "HEAD").strip() + (
        " + uncommitted changes" if git("status", "--porcelain") else ""
    )


def _empty(directory: Path) -> None:
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
