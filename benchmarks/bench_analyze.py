"""Wall time and peak memory of `faultline analyze` on generated noisy CI logs.

Prints one row per log size, then the small-log start-up figures (cold cache and warm).
Run: python benchmarks/bench_analyze.py [sizes in MB...]   (default: 1 10 100)
"""

from __future__ import annotations

import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate_log import write  # noqa: E402

COMMAND = [sys.executable, "-m", "faultline", "analyze", "--format", "json"]


def measure(log: Path, env: dict) -> tuple[float, float, bool]:
    """(seconds, peak RSS in MB, matched) of one analyze run in a fresh process."""
    start = time.perf_counter()
    process = subprocess.Popen([*COMMAND, str(log)], stdout=subprocess.PIPE, env=env)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"faultline failed on {log}")
    return elapsed, usage.ru_maxrss / 1024, b'"matched": true' in output


def main() -> None:
    sizes = [float(s) for s in sys.argv[1:]] or [1, 10, 100]
    work = Path(tempfile.mkdtemp(prefix="faultline-bench-"))
    env = {**os.environ, "FAULTLINE_CACHE_DIR": str(work / "cache")}
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    try:
        small = work / "small.log"
        write(str(small), 0.01)
        cold = measure(small, env)[0]  # builds the compiled-catalog cache
        warm = [measure(small, env)[0] for _ in range(10)]
        no_cache = measure(small, {**env, "FAULTLINE_NO_CACHE": "1"})[0]
        print(f"small log (10 kB): first run (builds cache) {cold * 1000:.0f} ms, "
              f"then median {statistics.median(warm) * 1000:.0f} ms / min {min(warm) * 1000:.0f} ms; "
              f"without cache {no_cache * 1000:.0f} ms")
        print(f"{'size':>8} {'wall s':>8} {'MB/s':>8} {'peak RSS MB':>12} matched")
        for size in sizes:
            log = work / f"ci-{size:g}mb.log"
            write(str(log), size)
            actual = log.stat().st_size / 1e6
            runs = [measure(log, env) for _ in range(3 if size <= 10 else 2)]
            wall = min(r[0] for r in runs)
            rss = max(r[1] for r in runs)
            print(f"{actual:>7.1f}M {wall:>8.2f} {actual / wall:>8.1f} {rss:>12.0f} {runs[0][2]}")
            log.unlink()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
