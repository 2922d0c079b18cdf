#!/usr/bin/env python3
"""The flow-mode benchmark: a generated Korean/English text of N `##` sections (75 is about
200 KB of Markdown, some 50 A4 pages), rendered in fresh processes. Prints the median CPU time
(user + system) and the peak memory for 10, 75 and 300 sections, so that growth with length can
be read off, and — when the `typst` Python package is installed (pip install typst==0.15.2) —
Typst setting the same text with the same fonts.

Usage: flow_bench.py HANJI [RUNS]
"""
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile

FONTS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fonts")

KO = ("모델 데이터 학습 토큰 문맥 확률 분포 파라미터 손실 기울기 갱신 배치 어휘 문장 단어 구조 계산 "
      "결과 예측 정답 과정 단계 방법 사람 질문 답변 평가 비용 시간 메모리 성능 규칙 예시 도구 검색 "
      "코드 실행 보상 선호 정렬 추론 생성 샘플 온도 필터 중복 품질 언어 번역 요약").split()
KO_END = "이다 한다 된다 있다 없다 보인다 바뀐다 늘어난다 줄어든다 필요하다".split()
KO_JOIN = "은 는 이 가 을 를 에 에서 으로 와 과 의 도 만".split()
EN = ("the model learns a distribution over tokens from text and each update moves its "
      "parameters toward better predictions of the next token in context").split()


def sentence(rng: random.Random) -> str:
    words = []
    for _ in range(rng.randint(5, 11)):
        if rng.random() < 0.22:
            words.append(rng.choice(EN))
        else:
            words.append(rng.choice(KO) + rng.choice(KO_JOIN))
    words.append(rng.choice(KO) + rng.choice(KO_END) + ".")
    return " ".join(words)


def paragraph(rng: random.Random) -> str:
    return " ".join(sentence(rng) for _ in range(rng.randint(4, 7)))


def document(sections: int) -> tuple:
    """The Markdown source and the same text as Typst markup."""
    rng = random.Random(7)
    md = ["---", 'title: "벤치마크 노트"', "page: a4-portrait", "sections: plain", "---", ""]
    typ = ['#set page(paper: "a4")', '#set text(font: ("Nanum Pen Script", "NanumGothic"), lang: "ko")', ""]
    for s in range(sections):
        title = f"{s + 1}장 {rng.choice(KO)}와 {rng.choice(KO)}"
        md += [f"## {title}", ""]
        typ += [f"= {title}", ""]
        for p in range(rng.randint(5, 7)):
            text = paragraph(rng)
            md += [text, ""]
            typ += [text, ""]
            if p == 2:
                items = [sentence(rng) for _ in range(4)]
                md += [f"- {i}" for i in items] + [""]
                typ += [f"- {i}" for i in items] + [""]
    return "\n".join(md) + "\n", "\n".join(typ) + "\n"


def hanji_run(cmd: list) -> tuple:
    """CPU (ms) and peak memory (KiB) of one fresh process."""
    pid = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, _, usage = os.wait4(pid.pid, 0)
    return (usage.ru_utime + usage.ru_stime) * 1000.0, usage.ru_maxrss


TYPST_RUN = '''
import resource, sys, typst
before = resource.getrusage(resource.RUSAGE_SELF)
typst.compile(sys.argv[1], output=sys.argv[2], font_paths=[sys.argv[3]])
after = resource.getrusage(resource.RUSAGE_SELF)
print((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000.0, after.ru_maxrss)
'''


def typst_run(source: str, out: str) -> tuple:
    """Typst's CPU (ms) for one compile in a fresh interpreter (the interpreter's own start
    not counted, Typst's font loading counted), and the process's peak memory (KiB)."""
    pid = subprocess.Popen([sys.executable, "-c", TYPST_RUN, source, out, FONTS],
                           stdout=subprocess.PIPE, text=True)
    stdout, _ = pid.communicate()
    cpu, peak = stdout.split()
    return float(cpu), int(peak)


def main() -> int:
    hanji = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    try:
        import typst  # noqa: F401
        have_typst = True
    except ImportError:
        have_typst = False
    with tempfile.TemporaryDirectory() as tmp:
        print(f"flow documents, median of {runs} fresh processes (CPU = user + system)")
        for sections in (10, 75, 300):
            md, typ = document(sections)
            source = os.path.join(tmp, f"flow{sections}.md")
            with open(source, "w", encoding="utf-8") as f:
                f.write(md)
            out = os.path.join(tmp, f"flow{sections}.pdf")
            hanji_cmd = [hanji, "render", source, "-o", out, "--quiet"]
            typ_path = os.path.join(tmp, f"flow{sections}.typ")
            with open(typ_path, "w", encoding="utf-8") as f:
                f.write(typ)
            # Hanji and Typst alternate, so both meet the machine in the same state.
            hanji_runs, typst_runs = [], []
            hanji_run(hanji_cmd)
            for _ in range(runs):
                hanji_runs.append(hanji_run(hanji_cmd))
                if have_typst:
                    typst_runs.append(typst_run(typ_path, out + ".typst.pdf"))
            cpu = statistics.median(c for c, _ in hanji_runs)
            peak = max(m for _, m in hanji_runs) / 1024.0
            pages = subprocess.run(["pdfinfo", out], capture_output=True, text=True).stdout
            pages = next((l.split()[-1] for l in pages.splitlines() if l.startswith("Pages:")), "?")
            line = f"  {sections:3} sections  {len(md.encode()) / 1024:6.0f} KiB  {pages:>4} pages   hanji {cpu:6.1f} ms CPU {peak:5.1f} MB"
            if have_typst:
                t_cpu = statistics.median(c for c, _ in typst_runs)
                t_peak = max(m for _, m in typst_runs) / 1024.0
                line += f"   typst {t_cpu:6.1f} ms CPU {t_peak:6.1f} MB   ratio {cpu / t_cpu:4.2f}"
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
