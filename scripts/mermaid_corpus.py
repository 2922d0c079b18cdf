#!/usr/bin/env python3
"""Regenerates tests/fixtures/mermaid-docs/ from a clone (or bare mirror) of mermaid-js/mermaid:
every ```mermaid-example block of the syntax pages Hanji supports, one file per block
(flowchart-001.mmd …), plus the README (source commit) and mermaid's LICENSE.

    python3 scripts/mermaid_corpus.py /work/.mirror/mermaid-js+mermaid/repo [COMMIT]
"""

import pathlib
import subprocess
import sys

PAGES = {"flowchart": "flowchart.md", "mindmap": "mindmap.md", "pie": "pie.md", "xychart": "xyChart.md"}
DOCS = "packages/mermaid/src/docs/syntax/"
OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/mermaid-docs"


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], check=True, capture_output=True, text=True).stdout


def examples(markdown):
    """The bodies of ```mermaid-example fences, in order."""
    out, body = [], None
    for line in markdown.splitlines():
        if body is None:
            if line.strip() == "```mermaid-example":
                body = []
        elif line.strip() == "```":
            out.append("\n".join(body) + "\n")
            body = None
        else:
            body.append(line)
    return out


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    repo = sys.argv[1]
    commit = git(repo, "rev-parse", sys.argv[2] if len(sys.argv) > 2 else "HEAD").strip()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("*.mmd"):
        old.unlink()
    counts = []
    for kind, page in PAGES.items():
        blocks = examples(git(repo, "show", f"{commit}:{DOCS}{page}"))
        for i, body in enumerate(blocks, 1):
            (OUT / f"{kind}-{i:03}.mmd").write_text(body)
        counts.append(f"{page}: {len(blocks)}")
    (OUT / "LICENSE").write_text(git(repo, "show", f"{commit}:LICENSE"))
    (OUT / "README.md").write_text(
        "# Mermaid's own syntax examples\n\n"
        "Every `mermaid-example` block of mermaid's syntax pages for the diagram types Hanji draws,\n"
        "one file per block in page order (`flowchart-001.mmd` is the first block of `flowchart.md`).\n"
        "`tests/mermaid_docs.rs` renders each in a one-box sheet.\n\n"
        f"Source: https://github.com/mermaid-js/mermaid, commit `{commit}`,\n"
        f"`{DOCS}` — {', '.join(counts)}.\n\n"
        "Mermaid is © Knut Sveidqvist and contributors, MIT licence (`LICENSE`, copied from the\n"
        "same commit).\n\n"
        "Regenerate with `python3 scripts/mermaid_corpus.py <mermaid clone> [commit]`.\n"
    )
    print(", ".join(counts))


if __name__ == "__main__":
    main()
