#!/usr/bin/env python3
"""Highlighting benchmark: what a highlighted code block costs a fresh process. A small sheet
with one code block, rendered as ```text (one colour, nothing loaded) and in each language
below; median wall time of fresh processes, run alternately. The first block of a language
in a process pays for reading its grammar and compiling its patterns."""
import statistics, subprocess, sys, tempfile, time, pathlib

BLOCKS = {
    "python": "import os\n\ndef area(r: float) -> float:\n    # circle\n    return 3.14 * r ** 2\n",
    "rust": "fn main() {\n    // sum\n    let v: Vec<u32> = vec![1, 2];\n    println!(\"{}\", v.len());\n}\n",
    "cpp": "#include <vector>\nint main() {\n    std::vector<int> v{1, 2}; // two\n    return 0;\n}\n",
    "bash": "for f in *.md; do\n  hanji render \"$f\" || exit 1  # each\ndone\n",
    "toml": "[code.highlight]\nkeyword = \"#7048a8\"  # violet\nenabled = true\n",
}

def sheet(lang: str, code: str) -> str:
    return f"# Bench\n\nOne block.\n\n```{lang}\n{code}```\n"

def run(hanji: str, source: pathlib.Path, out: pathlib.Path) -> float:
    start = time.perf_counter()
    subprocess.run([hanji, "render", str(source), "-o", str(out)], check=True, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0

def main() -> int:
    hanji = sys.argv[1] if len(sys.argv) > 1 else "target/x86_64-unknown-linux-gnu/release/hanji"
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        sources = {}
        for lang, code in BLOCKS.items():
            for shown in (lang, "text"):
                path = folder / f"{lang}-{shown}.md"
                path.write_text(sheet(shown, code), encoding="utf-8")
                sources[(lang, shown)] = path
        for path in sources.values():
            run(hanji, path, folder / "warm.pdf")
        times = {key: [] for key in sources}
        for _ in range(runs):
            for key, path in sources.items():
                times[key].append(run(hanji, path, folder / "out.pdf"))
    for lang in BLOCKS:
        coloured = statistics.median(times[(lang, lang)])
        plain = statistics.median(times[(lang, "text")])
        print(f"{lang:>7}: median {coloured:6.1f} ms; as ```text {plain:6.1f} ms; "
              f"highlighting costs {coloured - plain:+6.1f} ms ({runs} fresh processes each)")
    return 0

if __name__ == "__main__":
    sys.exit(main())
