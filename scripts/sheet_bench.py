#!/usr/bin/env python3
"""One sheet and a hundred: the CPU time (user + system) of rendering one sheet in a fresh
process, median of 40, and the throughput of `hanji render` given a folder of 100 sheets
(all cores), against the one-process-per-sheet rate. With the `typst` Python package
(pip install typst==0.15.2), also Typst compiling the same sheet hand-set in Typst
(scripts/seed-sheet.typ, same fonts), counted three ways, and Hanji's ratio to each:
  - compile: `typst.compile` alone, in a fresh interpreter (font loading counted, loading
    the Typst library not): the strictest;
  - engine: a fresh process's import of the Typst library and the compile, less a bare
    interpreter's start: like Hanji's count, which includes loading its binary;
  - process: the whole `python3 -c "import typst; typst.compile(...)"`, the way the issue
    first measured Typst (about 100 ms);
  - cli: `typst compile` in a fresh process, like Hanji's own count, when a Typst CLI is on
    PATH or named by $TYPST_CLI (cargo install typst-cli --version 0.15.1 --locked); Hanji
    and Typst run in turn, and the ratio is of those runs' medians.

Usage: sheet_bench.py HANJI SHEET
"""
import os, resource, shutil, statistics, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
TYPST_SHEET = os.path.join(HERE, "seed-sheet.typ")
FONTS = os.path.join(HERE, "..", "fonts")
# Typst's CPU for one compile in a fresh interpreter: the interpreter's own start and the
# module import are not counted; Typst's font loading is.
TYPST_RUN = '''
import resource, sys, typst
before = resource.getrusage(resource.RUSAGE_SELF)
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]], root=sys.argv[4])
after = resource.getrusage(resource.RUSAGE_SELF)
print((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0)
'''


def typst_cpu_ms(out: str) -> float:
    run = subprocess.run([sys.executable, "-c", TYPST_RUN, TYPST_SHEET, out, FONTS, os.path.join(HERE, "..")],
                         check=True, capture_output=True, text=True)
    return float(run.stdout.strip())


def python_cpu_ms(code: str) -> float:
    """CPU of a whole fresh interpreter running `code`, from the working folder of the repo."""
    return cpu_ms([sys.executable, "-c", code])


def typst_three_ways(out: str):
    compile_only = statistics.median(typst_cpu_ms(out) for _ in range(10))
    root = os.path.join(HERE, "..")
    whole = (f"import typst; typst.compile({TYPST_SHEET!r}, output={out!r}, font_paths=[{FONTS!r}], "
             f"root={root!r})")
    process = statistics.median(python_cpu_ms(whole) for _ in range(10))
    bare = statistics.median(python_cpu_ms("pass") for _ in range(10))
    return compile_only, process - bare, process


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
    built, sheet = sys.argv[1], sys.argv[2]
    with tempfile.TemporaryDirectory() as tmp:
        # Measured as installed (`cargo install` copies it too): a binary the linker has just
        # written sits in the page cache in small pieces and takes some 5 % more page faults
        # to start than the same bytes copied or read back from disk.
        hanji = os.path.join(tmp, "hanji")
        shutil.copy(built, hanji)
        out = os.path.join(tmp, "one.pdf")
        one = [hanji, "render", sheet, "-o", out, "-q"]
        cpu_ms(one)
        cpus = [cpu_ms(one) for _ in range(40)]
        walls = [wall_ms(one) for _ in range(20)]
        print(f"one sheet ({os.path.basename(sheet)}), fresh process: CPU median {statistics.median(cpus):.1f} ms "
              f"(min {min(cpus):.1f}), wall median {statistics.median(walls):.1f} ms")
        try:
            import typst  # noqa: F401
            hanji_cpu = statistics.median(cpus)
            ways = typst_three_ways(os.path.join(tmp, "typst.pdf"))
            print(f"the same sheet in Typst 0.15 (typst-py, {os.path.basename(TYPST_SHEET)}), CPU medians:")
            for name, value in zip(("compile", "engine", "process"), ways):
                print(f"  {name:8} {value:6.1f} ms   Hanji/Typst {hanji_cpu / value:.3f}")
            cli = os.environ.get("TYPST_CLI") or shutil.which("typst")
            if cli:
                run = [cli, "compile", "--ignore-system-fonts", "--font-path", FONTS, "--root",
                       os.path.join(HERE, ".."), TYPST_SHEET, os.path.join(tmp, "typst-cli.pdf")]
                cpu_ms(run)
                # In alternating runs, so that a machine slowing down or speeding up between
                # the two counts does not move the ratio.
                pairs = [(cpu_ms(one), cpu_ms(run)) for _ in range(60)]
                ours = statistics.median(p[0] for p in pairs)
                value = statistics.median(p[1] for p in pairs)
                print(f"  {'cli':8} {value:6.1f} ms   Hanji/Typst {ours / value:.3f}   ({cli}; 60 alternating runs, "
                      f"Hanji {ours:.1f} ms in them)")
        except ImportError:
            print("(typst not installed: pip install typst==0.15.2 to compare)")
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
