#!/usr/bin/env python3
"""Writes assets/link-order.txt: the functions a render runs, most instructions first, for the
linker's --symbol-ordering-file. Placed together at the start of the code, they are paged in by
a few dozen page faults rather than by one fault in every part of a 10 MB text segment (the
seed sheet: 556 -> 513 page faults, about 4 % of a fresh render's time).

Symbols the linker does not find (renamed or removed functions) are skipped, so a stale list
only costs speed; run `make link-order` after large changes. Needs valgrind.

Usage: link_order.py HANJI SAMPLE.md... > assets/link-order.txt
"""
import collections, os, re, subprocess, sys, tempfile

LINE = re.compile(r"^\s*([0-9,]+) \(\s*[0-9.]+%\)\s+\?\?\?:(\S+) \[(.+)\]$")


def costs(binary: str, sample: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "callgrind.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}",
                        binary, "render", sample, "-o", os.path.join(tmp, "out.pdf"), "-q"],
                       check=True, capture_output=True)
        report = subprocess.run(["callgrind_annotate", "--threshold=100", out],
                                check=True, capture_output=True, text=True).stdout
    found = {}
    for line in report.splitlines():
        m = LINE.match(line)
        if m and m.group(3) == binary:
            # Recursion levels (`name'2`) are the same function.
            name = re.sub(r"'\d+$", "", m.group(2))
            if not name.startswith("0x"):
                found[name] = found.get(name, 0) + int(m.group(1).replace(",", ""))
    return found


def main() -> int:
    binary = os.path.abspath(sys.argv[1])
    total = collections.Counter()
    for sample in sys.argv[2:]:
        total.update(costs(binary, sample))
    for name, _ in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])):
        print(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
