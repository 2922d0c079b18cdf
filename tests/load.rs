//! A load test of `hanji serve`: clients send a mix of good sheets (every sample and guide
//! example, as Markdown, as a JSON model, as a PNG, as a check), bad sheets (syntax errors at
//! a known line) and hostile inputs (those of tests/hostile.rs and tests/fuzz_findings.md) for
//! `HANJI_LOAD_SECONDS` (4 by default; `make load` runs 60), and it asserts:
//!
//! - no good request failed or was dropped: each answered 200 with its PDF, PNG or report;
//! - every bad one answered 422 with its line; every hostile one a document or a 4xx with the
//!   line (413 for the one past the size limit) — never a 5xx, never a dropped connection;
//! - the server's peak resident memory in the second half of the run is no higher than in the
//!   first (within a small margin): nothing grows with the number of requests;
//! - the throughput is near the workers' count times the rate of one client alone.
//!
//! It prints requests/s, p50/p99 latency and the peak RSS of both halves.

mod common;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::http::{request, Server};
use common::{hanji, root, temp_dir};

/// What an answer must be.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Expect {
    Pdf,
    Png,
    /// A check report without errors.
    Clean,
    /// 422 with this line in the first error.
    ErrorAt(u64),
    /// A document, or a 4xx with a line (413 without one).
    Survives,
}

#[derive(Clone)]
struct Item {
    name: String,
    path: &'static str,
    content_type: Option<&'static str>,
    body: Arc<Vec<u8>>,
    expect: Expect,
}

impl Item {
    fn new(name: &str, path: &'static str, body: Vec<u8>, expect: Expect) -> Item {
        Item { name: name.to_string(), path, content_type: None, body: Arc::new(body), expect }
    }

    fn good(&self) -> bool {
        matches!(self.expect, Expect::Pdf | Expect::Png | Expect::Clean)
    }

    /// Why the answer is not what it should be, if it is not.
    fn judge(&self, status: u16, body: &[u8]) -> Result<(), String> {
        let json = || serde_json::from_slice::<serde_json::Value>(body).map_err(|e| format!("not JSON: {e}"));
        let fail = |why: String| Err(format!("{}: {status}: {why}", self.name));
        match self.expect {
            Expect::Pdf if status == 200 && body.starts_with(b"%PDF-") => Ok(()),
            Expect::Png if status == 200 && body.starts_with(b"\x89PNG\r\n\x1a\n") => Ok(()),
            Expect::Clean if status == 200 => match json() {
                Ok(report) if report["errors"].as_array().is_some_and(|e| e.is_empty()) => Ok(()),
                Ok(report) => fail(format!("errors in the report: {}", report["errors"])),
                Err(e) => fail(e),
            },
            Expect::ErrorAt(line) if status == 422 => match json() {
                Ok(report) if report["errors"][0]["line"] == line => Ok(()),
                Ok(report) => fail(format!("expected line {line}: {}", report["errors"])),
                Err(e) => fail(e),
            },
            Expect::Survives if status == 200 && (body.starts_with(b"%PDF-")) => Ok(()),
            Expect::Survives if status == 413 => Ok(()),
            Expect::Survives if status == 422 => match json() {
                Ok(report) if report["errors"][0]["line"].is_u64() => Ok(()),
                Ok(report) => fail(format!("an error without a line: {}", report["errors"])),
                Err(e) => fail(e),
            },
            _ if body.starts_with(b"%PDF-") => fail("a PDF".into()),
            _ if body.starts_with(b"\x89PNG") => fail("a PNG".into()),
            _ => fail(String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned()),
        }
    }
}

fn good_items() -> Vec<Item> {
    let mut items = Vec::new();
    for folder in ["samples", "docs/examples"] {
        let mut paths: Vec<_> = std::fs::read_dir(root().join(folder))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        paths.sort();
        for path in paths {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            items.push(Item::new(&name, "/render", std::fs::read(&path).unwrap(), Expect::Pdf));
        }
    }
    let sample = root().join(common::SAMPLE);
    let model = hanji(&["parse", sample.to_str().unwrap()], &root()).stdout;
    let mut json = Item::new("model.json", "/render", model, Expect::Pdf);
    json.content_type = Some("application/json");
    items.push(json);
    let sheet = std::fs::read(&sample).unwrap();
    items.push(Item::new("sample.png", "/render?to=png&dpi=50", sheet.clone(), Expect::Png));
    items.push(Item::new("sample check", "/check", sheet, Expect::Clean));
    items
}

fn sheet(body: &str) -> Vec<u8> {
    format!("---\ntitle: \"T\"\nlayout:\n  - height: 100%\n    boxes: [a]\n---\n## A {{#a}}\n\n{body}")
        .into_bytes()
}

/// Syntax errors at a known line.
fn bad_items() -> Vec<Item> {
    vec![
        Item::new(
            "mermaid",
            "/render",
            sheet("```mermaid\nflowchart LR\n  A -->\n```\n"),
            Expect::ErrorAt(11),
        ),
        Item::new("link", "/render", b"## A\n\nsee [x](#nowhere)\n".to_vec(), Expect::ErrorAt(3)),
        Item::new("yaml", "/render", b"---\ntitle: [\n---\n## A\nx\n".to_vec(), Expect::ErrorAt(2)),
        Item::new("tex", "/render?to=png", b"## A\n\n$\\foo$\n".to_vec(), Expect::ErrorAt(3)),
        Item::new(
            "layout id",
            "/render",
            b"---\ntitle: T\nlayout:\n  - boxes: [a, b]\n---\n## A {#a}\nx\n".to_vec(),
            Expect::ErrorAt(4),
        ),
        Item::new("utf-8", "/render", b"## A\n\nok\n\xff\xfe\n".to_vec(), Expect::ErrorAt(4)),
    ]
}

/// The hostile inputs of tests/hostile.rs and tests/fuzz_findings.md that end in seconds.
fn hostile_items() -> Vec<Item> {
    let mut deep = String::from("```mermaid\nmindmap\n  root\n");
    for depth in 1..2000 {
        deep.push_str(&" ".repeat(2 + depth));
        deep.push_str(&format!("n{depth}\n"));
    }
    deep.push_str("```\n");
    let mut many = String::from("```mermaid\nflowchart LR\n");
    for i in 0..5000 {
        many.push_str(&format!("  n{i} --> n{}\n", i + 1));
    }
    many.push_str("```\n");
    let left: Vec<String> = (0..60).map(|i| format!("a{i}")).collect();
    let right: Vec<String> = (0..60).map(|i| format!("b{i}")).collect();
    let wide = format!("```mermaid\nflowchart LR\n  {} --> {}\n```\n", left.join(" & "), right.join(" & "));
    let rows: String = (0..100).map(|_| "  - height: 1%\n    boxes: [a]\n").collect();
    let mut spans = String::from("## A\n\n");
    for _ in 0..20 {
        spans.push_str(&format!("- **one** `t{}hree`\n", "|".repeat(39_000)));
    }
    let mut code = String::from("# Code\n\n");
    for i in 0..24 {
        code.push_str(&format!("```cpp\n{}```\n\n", format!("{} {i}\n", "a<".repeat(990)).repeat(30)));
    }
    let s = Expect::Survives;
    vec![
        Item::new("deep mind map", "/render", sheet(&deep), s),
        Item::new("long arrow", "/render", sheet(&format!("```mermaid\nflowchart LR\n  A {}> B\n```\n", "-".repeat(200_000))), s),
        Item::new("5000 nodes", "/render", sheet(&many), s),
        Item::new("3600 edges", "/render", sheet(&wide), s),
        Item::new("100 rows", "/render", format!("---\ntitle: T\nlayout:\n{rows}---\n## A {{#a}}\nx\n").into_bytes(), s),
        Item::new("200k emoji", "/render", sheet(&"🍌".repeat(200_000)), s),
        Item::new("over 2 MB", "/render", sheet(&"가나다라 ".repeat(200_000)), s),
        Item::new("mermaid colour", "/render", sheet("```mermaid\nflowchart LR\n  A --> B\n  style A fill:#abcde€\n```\n"), s),
        Item::new("xychart range", "/render", sheet("```mermaid\nxychart-beta\n  y-axis 1000000000000000 --> 1000000000000000.2\n  bar [1]\n```\n"), s),
        Item::new("xychart inf", "/render", sheet("```mermaid\nxychart-beta\n  bar [1e308, -1e308]\n```\n"), s),
        Item::new("narrow box", "/render", b"---\npage: a5-portrait\nlayout:\n  - height: 100%\n    boxes: [{ id: a, width: 9% }, b]\n---\n## A {#a}\n1. * ```\n\n       \xF0\x9F\x87\xB0\xF0\x9F\x87\xB7 rebase\n## B {#b}\nx\n".to_vec(), s),
        Item::new("long code spans", "/render", spans.into_bytes(), s),
        Item::new("one long paragraph", "/render", "'".repeat(770_000).into_bytes(), s),
        Item::new("slow grammar", "/render", code.into_bytes(), s),
        Item::new("toml colon", "/render", sheet("* ````toml\n    \"50% world 좋은가?\" : 1e400\n    \"model x\" : 51\n  ```\n"), s),
    ]
}

/// One answered request.
struct Outcome {
    good: bool,
    latency: Duration,
    verdict: Result<(), String>,
}

fn send(addr: &str, item: &Item) -> Outcome {
    let started = Instant::now();
    let reply = request(addr, "POST", item.path, item.content_type, &item.body);
    let latency = started.elapsed();
    let verdict = match reply {
        Ok(reply) => item.judge(reply.status, &reply.body),
        Err(e) => Err(format!("{}: dropped ({e})", item.name)),
    };
    Outcome { good: item.good(), latency, verdict }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Samples the server's VmRSS every 20 ms until `running` turns false.
fn sample_memory(pid: u32, running: Arc<AtomicBool>) -> std::thread::JoinHandle<Vec<(Instant, u64)>> {
    std::thread::spawn(move || {
        let mut samples = Vec::new();
        while running.load(Ordering::Acquire) {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let kb = status
                .lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse().ok());
            if let Some(kb) = kb {
                samples.push((Instant::now(), kb));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        samples
    })
}

/// `clients` threads, each sending the next item of `mix` (round and round) until `stop`.
fn run_clients(
    addr: &str,
    mix: &Arc<Vec<Item>>,
    clients: usize,
    stop: &Arc<AtomicBool>,
) -> Vec<std::thread::JoinHandle<Vec<Outcome>>> {
    let next = Arc::new(AtomicUsize::new(0));
    (0..clients)
        .map(|_| {
            let (mix, next, addr, stop) =
                (Arc::clone(mix), Arc::clone(&next), addr.to_string(), Arc::clone(stop));
            std::thread::spawn(move || {
                let mut outcomes = Vec::new();
                while !stop.load(Ordering::Acquire) {
                    let item = &mix[next.fetch_add(1, Ordering::Relaxed) % mix.len()];
                    outcomes.push(send(&addr, item));
                }
                outcomes
            })
        })
        .collect()
}

/// The machine's CPU ticks so far: (idle, all), over every core.
fn machine_ticks() -> (u64, u64) {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let fields: Vec<u64> =
        stat.lines().next().unwrap_or("").split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal …: idle and iowait are unused time.
    let idle = fields.get(3).copied().unwrap_or(0) + fields.get(4).copied().unwrap_or(0);
    (idle, fields.iter().take(8).sum())
}

/// The server's peak resident memory (VmHWM, kB) since the last [`reset_peak`].
fn peak_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Starts a new peak: Linux resets VmHWM to the current RSS on `5` in clear_refs. False where
/// it cannot (then the sampled VmRSS gives the peaks).
fn reset_peak(pid: u32) -> bool {
    std::fs::write(format!("/proc/{pid}/clear_refs"), "5").is_ok()
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

#[test]
fn the_service_holds_under_load() {
    let seconds: f64 = std::env::var("HANJI_LOAD_SECONDS").ok().and_then(|s| s.parse().ok()).unwrap_or(4.0);
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let clients = 2 * workers;
    let dir = temp_dir("load");
    let server = Server::start(
        &[
            "--workers",
            &workers.to_string(),
            "--queue",
            &(2 * clients).to_string(),
            "--timeout",
            "120",
            "--root",
            root().join("docs/examples").to_str().unwrap(),
        ],
        &dir,
    );
    let addr = server.addr.clone();
    let (good, bad, hostile) = (good_items(), bad_items(), hostile_items());
    // Sheets: the good ones three times as often as the bad ones.
    let mut sheets: Vec<Item> = Vec::new();
    for _ in 0..3 {
        sheets.extend(good.iter().cloned());
    }
    sheets.extend(bad.iter().cloned());
    let sheets = Arc::new(sheets);

    // 1. One client alone through the sheets (at least once and 1.5 s) and the hostile
    //    inputs: every answer right, and the rate — per second and per second of the
    //    server's CPU — the workers together should multiply.
    let started = Instant::now();
    let ticks = server.cpu_ticks();
    let mut sent = 0;
    while sent < sheets.len() || started.elapsed() < Duration::from_millis(1500) {
        if let Err(why) = send(&addr, &sheets[sent % sheets.len()]).verdict {
            panic!("alone: {why}");
        }
        sent += 1;
    }
    let rate_alone = sent as f64 / started.elapsed().as_secs_f64();
    let per_tick_alone = sent as f64 / (server.cpu_ticks() - ticks).max(1) as f64;
    let mut slowest = (Duration::ZERO, String::new());
    for item in &hostile {
        let outcome = send(&addr, item);
        if let Err(why) = outcome.verdict {
            panic!("alone: {why}");
        }
        if outcome.latency > slowest.0 {
            slowest = (outcome.latency, item.name.clone());
        }
    }

    // 2. Throughput: every client on the sheets for a quarter of the time (at least 2 s).
    let stop = Arc::new(AtomicBool::new(false));
    let burst = Duration::from_secs_f64((seconds / 4.0).max(2.0));
    let burst_started = Instant::now();
    let ticks = server.cpu_ticks();
    let (idle_before, all_before) = machine_ticks();
    let threads = run_clients(&addr, &sheets, clients, &stop);
    std::thread::sleep(burst);
    stop.store(true, Ordering::Release);
    let burst_outcomes: Vec<Outcome> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let (idle_after, all_after) = machine_ticks();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as f64;
    // Cores left idle during the burst: a server that rendered one request at a time would
    // leave some while clients wait.
    let idle_cores = (idle_after - idle_before) as f64 / (all_after - all_before).max(1) as f64 * cores;
    let burst_rate = burst_outcomes.len() as f64 / burst_started.elapsed().as_secs_f64();
    let per_tick = burst_outcomes.len() as f64 / (server.cpu_ticks() - ticks).max(1) as f64;
    let cores_used = burst_rate / rate_alone * per_tick_alone / per_tick;

    // 3. The mix, the rest of the time: the clients on the sheets, one more sending the hostile
    //    inputs one after another, round after round, until the time is up and it has done an
    //    even number of rounds (at least two): each half of the run then holds the same
    //    hostile inputs, and their peaks can be compared.
    let stop = Arc::new(AtomicBool::new(false));
    let sampling = Arc::new(AtomicBool::new(true));
    let sampler = sample_memory(server.pid(), Arc::clone(&sampling));
    let mix_started = Instant::now();
    let deadline = mix_started + Duration::from_secs_f64((seconds - burst.as_secs_f64()).max(1.0));
    let threads = run_clients(&addr, &sheets, clients - 1, &stop);
    let mut hostile_outcomes = Vec::new();
    let mut rounds_ended = Vec::new();
    // The peak of each round, exact where the kernel keeps it (VmHWM), else sampled.
    let exact = reset_peak(server.pid());
    let mut round_peaks = Vec::new();
    while rounds_ended.len() < 2 || rounds_ended.len() % 2 == 1 || Instant::now() < deadline {
        for item in &hostile {
            hostile_outcomes.push(send(&addr, item));
        }
        rounds_ended.push(Instant::now());
        if exact {
            round_peaks.push(peak_kb(server.pid()).unwrap_or(0));
            reset_peak(server.pid());
        }
    }
    stop.store(true, Ordering::Release);
    let mut outcomes: Vec<Outcome> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    let elapsed = mix_started.elapsed();
    sampling.store(false, Ordering::Release);
    let samples = sampler.join().unwrap();
    outcomes.extend(hostile_outcomes);
    outcomes.extend(burst_outcomes);

    let failures: Vec<&String> = outcomes.iter().filter_map(|o| o.verdict.as_ref().err()).collect();
    let mixed = outcomes.len() as f64 / elapsed.as_secs_f64();
    let mut latencies: Vec<Duration> = outcomes.iter().map(|o| o.latency).collect();
    latencies.sort();
    let mut good_latencies: Vec<Duration> = outcomes.iter().filter(|o| o.good).map(|o| o.latency).collect();
    good_latencies.sort();
    let half = rounds_ended[rounds_ended.len() / 2 - 1];
    let peak = |first: bool| {
        if exact {
            let (a, b) = round_peaks.split_at(round_peaks.len() / 2);
            return if first { a } else { b }.iter().copied().max().unwrap_or(0);
        }
        samples.iter().filter(|(at, _)| (*at <= half) == first).map(|(_, kb)| *kb).max().unwrap_or(0)
    };
    let (first_peak, second_peak) = (peak(true), peak(false));
    println!(
        "load: {} requests, {} good, {} failed; {clients} clients on {workers} workers",
        outcomes.len(),
        outcomes.iter().filter(|o| o.good).count(),
        failures.len()
    );
    println!(
        "load: sheets {burst_rate:.1} requests/s ({:.2}× one client alone, {rate_alone:.1}/s) for {:.1} s; the server got {cores_used:.2}× the CPU it had alone and rendered {:.0} % as much per CPU second; {idle_cores:.2} cores idle",
        burst_rate / rate_alone,
        burst.as_secs_f64(),
        per_tick / per_tick_alone * 100.0,
    );
    println!(
        "load: with the hostile inputs {mixed:.1} requests/s for {:.1} s ({} hostile rounds; slowest alone: {} {:.0} ms)",
        elapsed.as_secs_f64(),
        rounds_ended.len(),
        slowest.1,
        ms(slowest.0)
    );
    println!(
        "load: latency p50 {:.1} ms, p99 {:.1} ms; good sheets p50 {:.1} ms, p99 {:.1} ms",
        ms(percentile(&latencies, 0.5)),
        ms(percentile(&latencies, 0.99)),
        ms(percentile(&good_latencies, 0.5)),
        ms(percentile(&good_latencies, 0.99))
    );
    println!(
        "load: peak RSS {:.1} MB in the first half, {:.1} MB in the second ({}; {} RSS samples, last {:.1} MB)",
        first_peak as f64 / 1024.0,
        second_peak as f64 / 1024.0,
        if exact { "VmHWM per hostile round" } else { "sampled VmRSS" },
        samples.len(),
        samples.last().map_or(0.0, |(_, kb)| *kb as f64 / 1024.0)
    );

    let examples: Vec<&str> = failures.iter().take(10).map(|s| s.as_str()).collect();
    assert!(failures.is_empty(), "{} failed, e.g.:\n{}", failures.len(), examples.join("\n"));
    assert!(samples.len() >= 10, "too few memory samples");
    // Flat: the second half's peak within 10 % (and 16 MB of allocator slack) of the first's.
    assert!(
        second_peak as f64 <= first_peak as f64 * 1.10 + 16.0 * 1024.0,
        "memory grew: {first_peak} kB → {second_peak} kB"
    );
    // The workers together: near `workers` times one client alone. The clients (and on a
    // shared machine, other programs) take CPU from the server, so what is asserted is that
    // each CPU second the server gets renders about as much as alone (no lock or queue eats
    // it), and that it takes the CPU there is: either the rate is well above one client's
    // alone, or no core was left idle.
    assert!(
        per_tick >= 0.7 * per_tick_alone,
        "the server renders {per_tick:.2} requests per CPU tick under load, {per_tick_alone:.2} alone"
    );
    assert!(
        workers == 1 || burst_rate >= 0.7 * workers as f64 * rate_alone || idle_cores < 0.3,
        "{burst_rate:.1} requests/s with {workers} workers, {rate_alone:.1}/s alone, and {idle_cores:.2} cores idle"
    );
    std::fs::remove_dir_all(&dir).ok();
}
