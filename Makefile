# Hanji — common tasks. `make sample` renders the reference sheet; `make test` runs every test.
SAMPLE := samples/pretraining-to-post-training.md
HOST := $(shell rustc -vV 2>/dev/null | sed -n 's/^host: //p')
# On Linux with glibc the binary is linked statically: a dynamic one spends about a millisecond
# of every run in the loader (libstdc++ for HarfBuzz, libm, libc), a seventh of a sheet. The
# explicit --target keeps the flags off build scripts and proc macros, which stay dynamic.
ifneq ($(findstring linux-gnu,$(HOST)),)
export RUSTFLAGS := -C target-feature=+crt-static -C relocation-model=static
# The functions a render runs are placed together (assets/link-order.txt, `make link-order`),
# so starting one pages in a few dozen stretches of code instead of one in every part of it.
ifneq ($(findstring x86_64,$(HOST)),)
RUSTFLAGS += -C link-arg=-Wl,--symbol-ordering-file=$(CURDIR)/assets/link-order.txt -C link-arg=-Wl,--no-warn-symbol-ordering
endif
TARGET := --target $(HOST)
HANJI := target/$(HOST)/release/hanji
else
TARGET :=
HANJI := target/release/hanji
endif

.PHONY: build sample samples test deps bench lint fmt fuzz load link-order

build:
	cargo build --release $(TARGET)

sample: build
	mkdir -p out
	$(HANJI) render $(SAMPLE) -o out/pretraining-to-post-training.pdf
	@echo "wrote out/pretraining-to-post-training.pdf"

# Every sample to PDF and a 70-dpi PNG preview, for looking at.
samples: build
	mkdir -p out
	for f in samples/*.md; do n=$$(basename $$f .md); $(HANJI) render $$f -o out/$$n.pdf && pdftoppm -r 70 -png out/$$n.pdf out/$$n; done

# The real PDF consumers the tests call: poppler (pdftotext, pdffonts, pdftoppm, pdfdetach)
# and qpdf; strace shows which files a render opens; page-validation checks PDF/A and PDF/UA.
deps:
	@if ! command -v pdftotext >/dev/null || ! command -v qpdf >/dev/null || ! command -v strace >/dev/null; then \
		echo "installing poppler-utils, qpdf and strace"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq poppler-utils qpdf strace >/dev/null; \
	fi
	@if ! python3 -c "import page" 2>/dev/null; then \
		echo "installing page-validation 0.11.0"; \
		python3 -m pip install -q page-validation==0.11.0 2>/dev/null || python3 -m pip install -q --break-system-packages page-validation==0.11.0; \
	fi

test: deps
	cargo test --release $(TARGET)

bench: build
	python3 scripts/bench.py $(HANJI) $(SAMPLE)
	python3 scripts/sheet_bench.py $(HANJI) $(SAMPLE)
	cargo run --release $(TARGET) --quiet --example diagram_bench $(SAMPLE)
	python3 scripts/flow_bench.py $(HANJI)
	python3 scripts/math_bench.py $(HANJI)
	python3 scripts/highlight_bench.py $(HANJI)
	HANJI_LOAD_SECONDS=10 cargo test --release $(TARGET) --quiet --test load -- --nocapture 2>&1 | grep "^load:"

# The load test of `hanji serve` (tests/load.rs) for LOAD_SECONDS (60 by default): good, bad
# and hostile sheets from concurrent clients; prints requests/s, p50/p99 latency and the
# server's peak memory in each half of the run, and fails on a dropped or wrong answer or
# memory that grows. `make test` runs it for 4 s.
LOAD_SECONDS ?= 60
load:
	HANJI_LOAD_SECONDS=$(LOAD_SECONDS) cargo test --release $(TARGET) --test load -- --nocapture

# A long fuzz run (tests/fuzz.rs): ten minutes of generated and mutated inputs, every distinct
# finding printed with its input; the summary line says how many inputs were tried. The address
# space is capped so a runaway input cannot take the machine down.
FUZZ_SECONDS ?= 600
fuzz:
	ulimit -v 6000000; HANJI_FUZZ_SECONDS=$(FUZZ_SECONDS) HANJI_FUZZ_KEEP_GOING=1 \
		cargo test --release $(TARGET) --test fuzz -- --nocapture

lint:
	cargo fmt --all -- --check
	cargo clippy --release $(TARGET) --all-targets -- -D warnings

fmt:
	cargo fmt --all

# Rewrites assets/link-order.txt from callgrind runs of the samples (needs valgrind).
link-order: build
	python3 scripts/link_order.py $(HANJI) samples/*.md > assets/link-order.txt.new
	mv assets/link-order.txt.new assets/link-order.txt
