#!/usr/bin/env python3
"""Renders a source in fresh processes many times; prints the median wall time and peak memory
for the PDF and for a 150-dpi PNG.

Usage: bench.py HANJI SOURCE [RUNS]
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def measure(cmd: list, runs: int) -> list:
    subprocess.run(cmd, check=True)  # warm the page cache
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def main() -> int:
    hanji, source = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    print(f"render {source}: {runs} runs each, every run a fresh process")
    with tempfile.TemporaryDirectory() as tmp:
        for label, out, extra in [("PDF", "bench.pdf", []), ("PNG 150 dpi", "bench.png", ["--dpi", "150"])]:
            path = os.path.join(tmp, out)
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            times = measure([hanji, "render", source, "-o", path, "--quiet", *extra], runs)
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            print(
                f"  {label:12} median {statistics.median(times):6.1f} ms (min {min(times):.1f}, max {max(times):.1f})"
                f"  peak memory {max(peak, before) / 1024:5.1f} MB  size {os.path.getsize(path) / 1024:6.1f} KiB"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
