#!/usr/bin/env python3
"""Math benchmark: a sheet with 20 formulas against the same sheet with each formula's TeX
written as plain words instead; median wall time of fresh processes, run alternately.
The issue's bar: the formulas cost at most 10 ms."""
import statistics, subprocess, sys, tempfile, time, pathlib

FORMULAS = [
    r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}", r"L = -\sum_i y_i \log p_i", r"\sqrt{d_k}",
    r"\mathrm{softmax}\left(\frac{QK^\top}{\sqrt{d_k}}\right)V", r"m_t = \beta_1 m_{t-1} + (1-\beta_1) g_t",
    r"\hat{v}_t = \frac{v_t}{1-\beta_2^t}", r"\theta_t = \theta_{t-1} - \eta \frac{\hat{m}_t}{\sqrt{\hat{v}_t}+\epsilon}",
    r"L(N) \approx \left(\frac{N_c}{N}\right)^{\alpha_N}", r"C \approx 6ND", r"\nabla_\theta \mathcal{L}",
    r"\int_0^1 x^2\,dx = \frac{1}{3}", r"\prod_{i=1}^n a_i", r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}",
    r"\lVert x \rVert_2", r"\mathbb{E}[X] = \mu", r"\operatorname{Var}(X) = \sigma^2", r"f(x) = \begin{cases} 1 & x > 0 \\ 0 & x \le 0 \end{cases}",
    r"\vec{v} \cdot \vec{w}", r"\tilde{x} \in \mathbb{R}^d", r"e^{i\pi} + 1 = 0",
]

def sheet(with_math: bool) -> str:
    head = "---\ntitle: \"수식 벤치\"\nlayout:\n  - height: 12%\n    boxes: [title]\n  - boxes: [a, b]\n---\n"
    boxes = []
    for half, name in ((FORMULAS[:10], "a"), (FORMULAS[10:], "b")):
        lines = [f"## 식 {{#{name}}}\n"]
        for tex in half:
            shown = f"${tex}$" if with_math else "식 " + " ".join(w for w in tex.replace("\\", " ").split() if w.isalpha())[:40]
            lines.append(f"- 이 식은 {shown} 이다.")
        boxes.append("\n".join(lines) + "\n")
    return head + "\n".join(boxes)

def run(hanji: str, source: pathlib.Path, out: pathlib.Path) -> float:
    start = time.perf_counter()
    subprocess.run([hanji, "render", str(source), "-o", str(out)], check=True, stderr=subprocess.DEVNULL)
    return (time.perf_counter() - start) * 1000.0

def main() -> int:
    hanji = sys.argv[1] if len(sys.argv) > 1 else "target/x86_64-unknown-linux-gnu/release/hanji"
    runs = 25
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        math, plain = folder / "math.md", folder / "plain.md"
        math.write_text(sheet(True), encoding="utf-8")
        plain.write_text(sheet(False), encoding="utf-8")
        for warm in (math, plain):
            run(hanji, warm, folder / "warm.pdf")
        times = {"math": [], "plain": []}
        for _ in range(runs):
            times["math"].append(run(hanji, math, folder / "m.pdf"))
            times["plain"].append(run(hanji, plain, folder / "p.pdf"))
    m, p = statistics.median(times["math"]), statistics.median(times["plain"])
    print(f"math sheet (20 formulas): median {m:.1f} ms; same sheet without formulas: {p:.1f} ms; "
          f"formulas cost {m - p:+.1f} ms (bar: 10 ms), {runs} fresh processes each")
    return 0

if __name__ == "__main__":
    sys.exit(main())
