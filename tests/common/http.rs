//! A `hanji serve` process for the tests and a small HTTP/1.1 client over a plain TcpStream:
//! one request per connection, the answer read to its end.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A running `hanji serve` on a free port; killed when dropped.
pub struct Server {
    child: Option<Child>,
    pub addr: String,
    /// Everything it printed to standard error after its first line.
    log: Arc<Mutex<String>>,
}

impl Server {
    /// Starts `hanji serve --addr 127.0.0.1:0 ARGS…` in `cwd` and waits for its address.
    pub fn start(args: &[&str], cwd: &std::path::Path) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hanji"))
            .args(["serve", "--addr", "127.0.0.1:0"])
            .args(args)
            .current_dir(cwd)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start hanji serve");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr"));
        let mut first = String::new();
        lines.read_line(&mut first).expect("hanji serve prints its address");
        let addr = first
            .split("listening on http://")
            .nth(1)
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no address in: {first}"))
            .to_string();
        let log = Arc::new(Mutex::new(String::new()));
        let sink = Arc::clone(&log);
        std::thread::spawn(move || {
            for line in lines.lines().map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Server { child: Some(child), addr, log }
    }

    pub fn pid(&self) -> u32 {
        self.child.as_ref().expect("running").id()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        let status = Command::new("kill").args(["-TERM", &self.pid().to_string()]).status().expect("kill");
        assert!(status.success());
    }

    /// Waits for the process to end (at most `limit`) and returns how it ended.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let child = self.child.as_mut().expect("running");
        let started = Instant::now();
        loop {
            if let Some(status) = child.try_wait().expect("wait") {
                self.child = None;
                return status;
            }
            assert!(started.elapsed() < limit, "hanji serve did not end within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's resident memory in kB (VmRSS).
    pub fn rss_kb(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
        line.split_whitespace().nth(1)?.parse().ok()
    }

    /// The CPU time the server has used, user and system, in clock ticks.
    pub fn cpu_ticks(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).expect("/proc/PID/stat");
        // The fields after the command name (which may hold spaces) closed by `)`.
        let fields: Vec<&str> =
            stat.rsplit_once(')').map_or("", |(_, rest)| rest).split_whitespace().collect();
        let field = |i: usize| fields.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
        field(11) + field(12)
    }

    pub fn get(&self, path: &str) -> Reply {
        request(&self.addr, "GET", path, None, b"").expect("GET answered")
    }

    pub fn post(&self, path: &str, content_type: Option<&str>, body: &[u8]) -> Reply {
        request(&self.addr, "POST", path, content_type, body).expect("POST answered")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(child) = self.child.as_mut() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// The head of a request with a body of `length` bytes (none for GET).
pub fn head(method: &str, path: &str, content_type: Option<&str>, length: usize) -> String {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: hanji\r\nConnection: close\r\n");
    if method != "GET" {
        head.push_str(&format!("Content-Length: {length}\r\n"));
    }
    if let Some(kind) = content_type {
        head.push_str(&format!("Content-Type: {kind}\r\n"));
    }
    head.push_str("\r\n");
    head
}

/// One request on a new connection.
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    content_type: Option<&str>,
    body: &[u8],
) -> std::io::Result<Reply> {
    let mut stream = connect(addr)?;
    stream.write_all(head(method, path, content_type, body.len()).as_bytes())?;
    // A server that answers before reading the whole body (413, 503) may close while we
    // write: its answer is still there to read.
    let _ = stream.write_all(body);
    read_reply(&mut stream)
}

pub fn connect(addr: &str) -> std::io::Result<TcpStream> {
    let stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(120)))?;
    stream.set_write_timeout(Some(Duration::from_secs(120)))?;
    Ok(stream)
}

/// Reads an answer to its end (the connection closes after it).
pub fn read_reply(stream: &mut TcpStream) -> std::io::Result<Reply> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let invalid = |why: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, why.to_string());
    let end = raw.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| invalid("no end of headers"))?;
    let head = String::from_utf8_lossy(&raw[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| invalid("no status"))?;
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let length = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-length"));
    if let Some(length) = length.and_then(|(_, v)| v.parse::<usize>().ok()) {
        if body.len() < length {
            return Err(invalid("the body ended early"));
        }
        body.truncate(length);
    }
    Ok(Reply { status, headers, body })
}
