//! `hanji serve`: its answers (the PDF and PNG `hanji render` writes, the report `hanji check`
//! prints, its health) and its limits (413, 503, 504, 422 with the source line, nothing read
//! outside `--root`, 400 for a bad query), and a graceful stop on SIGTERM that finishes the
//! requests under way.

mod common;

use std::io::Write;
use std::time::{Duration, Instant};

use common::http::{connect, head, read_reply, Server};
use common::{hanji, root, temp_dir, SAMPLE};

fn sample() -> Vec<u8> {
    std::fs::read(root().join(SAMPLE)).unwrap()
}

/// Waits until the server counts `n` requests in flight.
fn wait_in_flight(server: &Server, n: u64) {
    let started = Instant::now();
    while server.get("/health").json()["in_flight"].as_u64() != Some(n) {
        assert!(started.elapsed() < Duration::from_secs(20), "never {n} in flight");
        std::thread::sleep(Duration::from_millis(10));
    }
}

#[test]
fn answers_what_the_cli_writes() {
    let dir = temp_dir("serve-answers");
    std::fs::write(dir.join("sheet.md"), sample()).unwrap();
    assert!(hanji(&["render", "sheet.md", "-o", "cli.pdf", "--png", "cli.png", "--dpi", "50"], &dir)
        .status
        .success());
    let server = Server::start(&["--workers", "2"], &dir);

    let health = server.get("/health");
    assert_eq!(health.status, 200);
    assert_eq!(health.header("content-type"), Some("application/json"));
    assert_eq!(health.json()["status"], "ok");
    assert_eq!(health.json()["workers"], 2);

    let pdf = server.post("/render", Some("text/markdown"), &sample());
    assert_eq!(pdf.status, 200, "{}", String::from_utf8_lossy(&pdf.body));
    assert_eq!(pdf.header("content-type"), Some("application/pdf"));
    assert_eq!(pdf.header("x-hanji-pages"), Some("1"));
    assert_eq!(pdf.body, std::fs::read(dir.join("cli.pdf")).unwrap(), "not the PDF hanji render writes");
    // The fonts stay loaded between requests: a second render gives the same bytes.
    assert_eq!(server.post("/render", None, &sample()).body, pdf.body);

    let png = server.post("/render?to=png&dpi=50", None, &sample());
    assert_eq!(png.status, 200);
    assert_eq!(png.header("content-type"), Some("image/png"));
    assert_eq!(png.body, std::fs::read(dir.join("cli.png")).unwrap(), "not the PNG hanji render writes");

    // The JSON model, told by its content type or by its first character.
    let model = hanji(&["parse", "sheet.md"], &dir).stdout;
    for content_type in [Some("application/json"), None] {
        let from_json = server.post("/render", content_type, &model);
        assert_eq!(from_json.status, 200, "{}", String::from_utf8_lossy(&from_json.body));
        assert_eq!(from_json.body, pdf.body);
    }

    let check = server.post("/check", None, &sample());
    assert_eq!(check.status, 200);
    assert_eq!(check.header("content-type"), Some("application/json"));
    let cli = hanji(&["check", "sheet.md", "--format", "json"], &dir);
    let cli = String::from_utf8(cli.stdout).unwrap().replace("\"sheet.md\"", "\"<request>\"");
    let cli: serde_json::Value = serde_json::from_str(&cli).unwrap();
    assert_eq!(check.json(), cli, "POST /check is not hanji check --format json");

    // A page of a longer document, and the style asked for.
    let notes = b"# Notes\n\n## One\n\nfirst\n\n\\newpage\n\n## Two\n\nsecond\n";
    let second = server.post("/render?to=png&dpi=20&page=2", None, notes);
    assert_eq!(second.status, 200);
    assert_eq!(second.header("x-hanji-pages"), Some("2"));
    assert_ne!(second.body, server.post("/render?to=png&dpi=20&page=1", None, notes).body);
    let third = server.post("/render?to=png&page=3", None, notes);
    assert_eq!(third.status, 422);
    assert!(third.json()["errors"][0]["message"].as_str().unwrap().contains("has 2 pages"));
    let clean = server.post("/render?style=clean", None, &sample());
    assert_eq!(clean.status, 200);
    assert_ne!(clean.body, pdf.body);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn source_errors_are_422_with_their_line() {
    let server = Server::start(&["--workers", "1"], &root());
    let cases: [(&[u8], u64, &str); 4] = [
        (b"---\ntitle: T\n---\n## A\n\n```mermaid\nflowchart LR\n  A -->\n```\n", 8, "mermaid line 2"),
        (b"## A\n\nsee [there](#nowhere)\n", 3, "names no heading"),
        (b"---\ntitle: [\n---\n## A\nx\n", 2, ""),
        (b"## A\n\n$\\foo$\n", 3, "Undefined control sequence"),
    ];
    for (source, line, needle) in cases {
        for path in ["/render", "/render?to=png"] {
            let reply = server.post(path, None, source);
            assert_eq!(reply.status, 422, "{}", String::from_utf8_lossy(&reply.body));
            let error = &reply.json()["errors"][0];
            assert_eq!(error["line"], line, "{error}");
            assert_eq!(error["file"], "<request>");
            assert!(error["message"].as_str().unwrap().contains(needle), "{error}");
        }
        // /check reports the same error, with 200: the report is what was asked for.
        let check = server.post("/check", None, source);
        assert_eq!(check.status, 200);
        assert_eq!(check.json()["errors"][0]["line"], line);
    }
    let model = server.post("/render", Some("application/json"), b"{\"meta\": {\"title\": 5}}");
    assert_eq!(model.status, 422);
    assert!(model.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("not a valid Hanji document model"));
}

#[test]
fn bad_requests_are_400_and_404() {
    let server = Server::start(&["--workers", "1"], &root());
    for query in ["to=svg", "dpi=0", "dpi=601", "page=0", "style=../../etc/x.toml", "colour=red", "page=2"] {
        let reply = server.post(&format!("/render?{query}"), None, &sample());
        assert_eq!(reply.status, 400, "{query}");
        assert!(reply.json()["errors"][0]["message"].is_string());
    }
    assert_eq!(server.get("/nowhere").status, 404);
    assert_eq!(server.get("/render").status, 405);
}

#[test]
fn a_body_past_the_source_limit_is_413() {
    let server = Server::start(&["--workers", "1"], &root());
    let big = vec![b'a'; 2 * 1024 * 1024 + 1];
    let reply = server.post("/render", None, &big);
    assert_eq!(reply.status, 413);
    assert!(reply.json()["errors"][0]["message"].as_str().unwrap().contains("limit of 2 MB"));
    // Without a length up front (chunked), the limit is met while reading.
    let mut stream = connect(&server.addr).unwrap();
    stream
        .write_all(b"POST /render HTTP/1.1\r\nHost: hanji\r\nConnection: close\r\nTransfer-Encoding: chunked\r\n\r\n")
        .unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..40 {
        if stream.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).is_err()
            || stream.write_all(&chunk).is_err()
            || stream.write_all(b"\r\n").is_err()
        {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n");
    let reply = read_reply(&mut stream).unwrap();
    assert_eq!(reply.status, 413);
    // Just under the limit is read (and rendered or refused on its merits).
    let under = format!("## A\n\n{}\n", "가 ".repeat(300_000));
    assert!(under.len() < 2 * 1024 * 1024);
    assert_ne!(server.post("/check", None, under.as_bytes()).status, 413);
}

/// One worker and no queue: a request holding the worker (its body still on the way) leaves
/// no place, and the next is turned away at once with 503 and Retry-After.
#[test]
fn a_full_pool_answers_503() {
    let server = Server::start(&["--workers", "1", "--queue", "0"], &root());
    let body = sample();
    let mut holder = connect(&server.addr).unwrap();
    holder.write_all(head("POST", "/render", None, body.len()).as_bytes()).unwrap();
    holder.write_all(&body[..100]).unwrap();
    wait_in_flight(&server, 1);
    let turned_away = server.post("/render", None, &body);
    assert_eq!(turned_away.status, 503);
    assert_eq!(turned_away.header("retry-after"), Some("1"));
    assert!(turned_away.json()["errors"][0]["message"].as_str().unwrap().contains("busy"));
    // The held request goes on and is answered; then there is room again.
    holder.write_all(&body[100..]).unwrap();
    let held = read_reply(&mut holder).unwrap();
    assert_eq!(held.status, 200);
    wait_in_flight(&server, 0);
    assert_eq!(server.post("/render", None, &body).status, 200);
}

/// Past the time limit — a slow client or a slow render — the answer is 504, and the service
/// goes on answering.
#[test]
fn a_request_past_the_time_limit_is_504() {
    let server = Server::start(&["--workers", "2", "--timeout", "0.2"], &root());
    // A body that does not come.
    let mut stalled = connect(&server.addr).unwrap();
    stalled.write_all(head("POST", "/render", None, 1000).as_bytes()).unwrap();
    let reply = read_reply(&mut stalled).unwrap();
    assert_eq!(reply.status, 504);
    assert!(reply.json()["errors"][0]["message"]
        .as_str()
        .unwrap()
        .contains("longer than the service's limit"));
    // A render that takes longer (an A4 page at 600 dpi: about half a second).
    let started = Instant::now();
    let slow = server.post("/render?to=png&dpi=600", None, &sample());
    assert_eq!(slow.status, 504, "{}", String::from_utf8_lossy(&slow.body));
    assert!(started.elapsed() < Duration::from_millis(450), "answered after {:?}", started.elapsed());
    let small = server.post("/render", None, b"## A\n\nx\n");
    assert_eq!(small.status, 200);
    // The abandoned render ends and gives its place back.
    wait_in_flight(&server, 0);
}

#[test]
fn local_files_come_only_from_root() {
    let outside = temp_dir("serve-outside");
    let site = outside.join("site");
    std::fs::create_dir_all(site.join("img")).unwrap();
    std::fs::copy(root().join("tests/fixtures/checker.png"), site.join("img/logo.png")).unwrap();
    std::fs::copy(root().join("tests/fixtures/checker.png"), outside.join("secret.png")).unwrap();
    std::fs::write(outside.join("secret.toml"), "[text]\nsize = 11\n").unwrap();
    std::fs::write(site.join("my.toml"), "[text]\nsize = 11\n").unwrap();
    std::os::unix::fs::symlink(outside.join("secret.png"), site.join("link.png")).unwrap();
    let image = |src: &str| format!("---\ntitle: T\nlang: en\n---\n## A\n\ntext\n\n![pic]({src})\n");

    let rooted = Server::start(&["--workers", "1", "--root", site.to_str().unwrap()], &root());
    let inside = rooted.post("/render", None, image("img/logo.png").as_bytes());
    assert_eq!(inside.status, 200, "{}", String::from_utf8_lossy(&inside.body));
    assert!(
        inside.body.windows(13).any(|w| w == b"/Subtype /Ima" || w == b"/Subtype/Imag"),
        "no image drawn"
    );
    for src in ["../secret.png", "link.png", outside.join("secret.png").to_str().unwrap()] {
        let reply = rooted.post("/render", None, image(src).as_bytes());
        assert_eq!(reply.status, 422, "{src}");
        let error = &reply.json()["errors"][0];
        assert_eq!(error["line"], 9, "{error}");
        assert!(error["message"].as_str().unwrap().contains("outside"), "{error}");
    }
    let styled = |style: &str| format!("---\ntitle: T\nstyle: {style}\n---\n## A\n\ntext\n");
    assert_eq!(rooted.post("/render", None, styled("my.toml").as_bytes()).status, 200);
    let escaped = rooted.post("/render", None, styled("../secret.toml").as_bytes());
    assert_eq!(escaped.status, 422);
    assert!(escaped.json()["errors"][0]["message"].as_str().unwrap().contains("outside the server's --root"));

    // Without --root no local file is read at all.
    let bare = Server::start(&["--workers", "1"], &site);
    let reply = bare.post("/render", None, image("img/logo.png").as_bytes());
    assert_eq!(reply.status, 422);
    let error = &reply.json()["errors"][0];
    assert_eq!(error["line"], 9);
    assert!(error["message"].as_str().unwrap().contains("reads no local files"), "{error}");
    let reply = bare.post("/render", None, styled("my.toml").as_bytes());
    assert_eq!(reply.status, 422);
    assert!(reply.json()["errors"][0]["message"].as_str().unwrap().contains("reads no local files"));
    // A remote image is never fetched: a placeholder and a warning, as for hanji render.
    let remote = bare.post("/render", None, image("https://example.com/x.png").as_bytes());
    assert_eq!(remote.status, 200);
    assert_eq!(remote.header("x-hanji-warnings"), Some("1"));
    std::fs::remove_dir_all(&outside).ok();
}

/// SIGTERM: no new connection is taken, the request under way is finished and answered, then
/// the process ends with 0.
#[test]
fn sigterm_finishes_the_requests_under_way() {
    let mut server = Server::start(&["--workers", "1"], &root());
    let body = sample();
    let mut under_way = connect(&server.addr).unwrap();
    under_way.write_all(head("POST", "/render", None, body.len()).as_bytes()).unwrap();
    under_way.write_all(&body[..100]).unwrap();
    wait_in_flight(&server, 1);
    server.terminate();
    let started = Instant::now();
    while !server.log().contains("stopping") {
        assert!(started.elapsed() < Duration::from_secs(10), "no stop: {}", server.log());
        std::thread::sleep(Duration::from_millis(10));
    }
    // The listener closes as the server stops accepting, a moment after it says so: a
    // connection tried in that moment is refused soon after, never later than a second.
    let stopping = Instant::now();
    while std::net::TcpStream::connect(&server.addr).is_ok() {
        assert!(stopping.elapsed() < Duration::from_secs(1), "new connections still taken after SIGTERM");
        std::thread::sleep(Duration::from_millis(5));
    }
    under_way.write_all(&body[100..]).unwrap();
    let reply = read_reply(&mut under_way).unwrap();
    assert_eq!(reply.status, 200);
    assert!(reply.body.starts_with(b"%PDF-"));
    let status = server.wait(Duration::from_secs(20));
    assert_eq!(status.code(), Some(0), "{}", server.log());
    assert!(server.log().contains("stopped"));
}
