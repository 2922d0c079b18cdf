#!/usr/bin/env python3
"""Renders a source in a fresh process many times; prints the median wall time and peak memory.

Usage: bench.py HANJI SOURCE [RUNS]
"""
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time


def main() -> int:
    hanji, source = sys.argv[1], sys.argv[2]
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 30
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "bench.pdf")
        cmd = [hanji, "render", source, "-o", out, "--quiet"]
        subprocess.run(cmd, check=True)  # warm the page cache
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(cmd, check=True)
            times.append((time.perf_counter() - start) * 1000.0)
        size = os.path.getsize(out)
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(f"render {source}: {runs} runs in fresh processes")
    print(f"  median wall time: {statistics.median(times):.1f} ms (min {min(times):.1f}, max {max(times):.1f})")
    print(f"  peak memory:      {peak_kib / 1024:.1f} MB")
    print(f"  PDF size:         {size / 1024:.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
