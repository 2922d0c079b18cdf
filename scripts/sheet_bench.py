#!/usr/bin/env python3
"""One sheet and a hundred: the CPU time (user + system) of rendering one sheet in a fresh
process, median of 40, and the throughput of `hanji render` given a folder of 100 sheets
(all cores), against the one-process-per-sheet rate.

Usage: sheet_bench.py HANJI SHEET
"""
import os, resource, shutil, statistics, subprocess, sys, tempfile, time


def cpu_ms(cmd: list) -> float:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0


def wall_ms(cmd: list) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0


def main() -> int:
    hanji, sheet = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "one.pdf")
        one = [hanji, "render", sheet, "-o", out, "-q"]
        cpu_ms(one)
        cpus = [cpu_ms(one) for _ in range(40)]
        walls = [wall_ms(one) for _ in range(20)]
        print(f"one sheet ({os.path.basename(sheet)}), fresh process: CPU median {statistics.median(cpus):.1f} ms "
              f"(min {min(cpus):.1f}), wall median {statistics.median(walls):.1f} ms")
        folder = os.path.join(tmp, "sheets")
        os.makedirs(folder)
        for i in range(100):
            shutil.copy(sheet, os.path.join(folder, f"sheet{i:03}.md"))
        batch = [hanji, "render", folder, "-q"]
        wall_ms(batch)
        best = min(wall_ms(batch) for _ in range(3))
        single = statistics.median(walls)
        print(f"100 sheets in one `hanji render {os.path.basename(folder)}/`: {best:.0f} ms, {100000 / best:.0f} sheets/s "
              f"on {os.cpu_count()} cores; one process per sheet: {100 * single:.0f} ms ({100000 / (100 * single):.0f} sheets/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
