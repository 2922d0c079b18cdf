//! `hanji serve`: renders over HTTP. `POST /render` answers the PDF (or a PNG page), `POST
//! /check` the diagnostics JSON of `hanji check --format json`, `GET /health` a small status.
//! Renders run on a bounded pool of worker threads (see `hanji::service::pool`); requests past
//! its places are answered 503, bodies past the source limit 413, requests past the time
//! limit 504, sources with errors 422 with their lines. SIGTERM or Ctrl-C stops taking
//! connections, finishes the requests under way, then ends.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use hanji::limits::MAX_SOURCE_BYTES;
use hanji::service::pool::Pool;
use hanji::service::{format_of, Answer, Job, Task, MAX_DPI};

#[derive(clap::Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0: any free port, printed at start).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "HOST:PORT")]
    addr: SocketAddr,
    /// The folder local images and style files are read from (only inside it). Without it a
    /// request may name no local file: a local image is an error (422) with its line.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// Renders at once (default: one per core).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=256))]
    workers: Option<u32>,
    /// Requests that may wait for a worker; more are answered 503 at once.
    #[arg(long, value_name = "N", default_value_t = 16)]
    queue: usize,
    /// Seconds a request may take, waiting included; past it the answer is 504.
    #[arg(long, value_name = "SECONDS", default_value_t = 30.0)]
    timeout: f64,
}

/// What every request handler shares.
struct App {
    pool: Pool,
    timeout: Duration,
}

/// Runs the service until SIGTERM or Ctrl-C; the exit code.
pub fn serve(args: ServeArgs) -> u8 {
    let root = match &args.root {
        None => None,
        Some(dir) => match dir.canonicalize() {
            Ok(full) if full.is_dir() => Some(full),
            _ => {
                eprintln!(
                    "error: --root {}: not a folder; name the folder the sources' images are in",
                    dir.display()
                );
                return 2;
            }
        },
    };
    if !(args.timeout.is_finite() && args.timeout > 0.0 && args.timeout <= 86_400.0) {
        eprintln!("error: --timeout {}: give a number of seconds from 0.001 to 86400", args.timeout);
        return 2;
    }
    let workers = args
        .workers
        .map(|n| n as usize)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let runtime = match tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("error: cannot start the service's threads ({e})");
            return 1;
        }
    };
    let pool = match Pool::start(workers, args.queue, root.clone(), release_memory) {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: cannot start the render threads ({e})");
            return 1;
        }
    };
    let app = Arc::new(App { pool, timeout: Duration::from_secs_f64(args.timeout) });
    let code = runtime.block_on(run(args.addr, Arc::clone(&app), root));
    // Every request is answered; renders that outlived their time limit end here.
    if let Ok(app) = Arc::try_unwrap(app) {
        app.pool.shut_down();
    }
    eprintln!("hanji serve: stopped");
    code
}

/// Hands freed memory back to the system: glibc's allocator otherwise keeps the free pages of
/// a large render in each worker's arena for reuse.
fn release_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim takes no pointer; it releases the allocator's own free pages and is
    // thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

async fn run(addr: SocketAddr, app: Arc<App>, root: Option<PathBuf>) -> u8 {
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("error: cannot listen on {addr} ({e}): choose another --addr");
            return 1;
        }
    };
    let bound = listener.local_addr().map_or_else(|_| addr.to_string(), |a| a.to_string());
    eprintln!(
        "hanji serve: listening on http://{bound} ({} workers, {} waiting at most, {:?} per request, local files {})",
        app.pool.workers(),
        app.pool.capacity() - app.pool.workers(),
        app.timeout,
        root.as_ref().map_or("none".to_string(), |r| format!("from {}", r.display()))
    );
    let router = Router::new()
        .route("/render", post(render))
        .route("/check", post(check))
        .route("/health", get(health))
        .fallback(not_found)
        .with_state(Arc::clone(&app));
    match axum::serve(listener, router).with_graceful_shutdown(stop_signal()).await {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: the service stopped ({e})");
            1
        }
    }
}

/// SIGTERM or Ctrl-C (SIGINT).
async fn stop_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    eprintln!("hanji serve: stopping: finishing the requests under way");
}

async fn health(State(app): State<Arc<App>>) -> Response {
    let status = serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "workers": app.pool.workers(),
        "in_flight": app.pool.in_flight(),
        "capacity": app.pool.capacity(),
    });
    respond(Answer::json(200, &status))
}

async fn not_found() -> Response {
    respond(Answer::error(404, "no such endpoint: POST /render, POST /check or GET /health"))
}

async fn render(State(app): State<Arc<App>>, request: Request) -> Response {
    handle(&app, request, Endpoint::Render).await
}

async fn check(State(app): State<Arc<App>>, request: Request) -> Response {
    handle(&app, request, Endpoint::Check).await
}

#[derive(Clone, Copy, PartialEq)]
enum Endpoint {
    Render,
    Check,
}

/// One POST: query checked, place taken, body read, render queued and awaited — all within
/// the time limit.
async fn handle(app: &App, request: Request, endpoint: Endpoint) -> Response {
    let (task, style) = match read_query(request.uri().query(), endpoint) {
        Ok(asked) => asked,
        Err(message) => return respond(Answer::error(400, &message)),
    };
    let too_large = || {
        Answer::error(
            413,
            &format!(
                "the body is larger than the source limit of {} MB: split the document",
                MAX_SOURCE_BYTES / (1024 * 1024)
            ),
        )
    };
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_SOURCE_BYTES) {
        return respond(too_large());
    }
    let Some(ticket) = app.pool.admit() else {
        let mut response =
            respond(Answer::error(503, "every worker is busy and the queue is full: try again in a moment"));
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        return response;
    };
    let content_type =
        request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).map(str::to_string);
    let work = async {
        let body = match axum::body::to_bytes(request.into_body(), MAX_SOURCE_BYTES as usize).await {
            Ok(body) => body,
            Err(e) => {
                let over =
                    std::error::Error::source(&e).is_some_and(|s| s.is::<http_body_util::LengthLimitError>());
                return if over {
                    too_large()
                } else {
                    Answer::error(400, &format!("cannot read the body ({e})"))
                };
            }
        };
        let format = format_of(content_type.as_deref(), &body);
        let job = Job { body: body.to_vec(), format, task, style };
        match app.pool.submit(ticket, job).await {
            Ok(answer) => answer,
            Err(_) => Answer::error(503, "the service is stopping: try again later"),
        }
    };
    match tokio::time::timeout(app.timeout, work).await {
        Ok(answer) => respond(answer),
        Err(_) => respond(Answer::error(
            504,
            &format!(
                "the render took longer than the service's limit of {:?}: shorten the document, or ask for a lower dpi",
                app.timeout
            ),
        )),
    }
}

/// `to=pdf|png`, `dpi=N`, `page=N`, `style=NAME` (built-in styles only); anything else is a
/// mistake worth saying.
fn read_query(query: Option<&str>, endpoint: Endpoint) -> Result<(Task, Option<String>), String> {
    let mut to = "pdf".to_string();
    let mut dpi: u32 = 150;
    let mut page: usize = 1;
    let mut style = None;
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        match (key, endpoint) {
            ("to", Endpoint::Render) => to = value.to_ascii_lowercase(),
            ("dpi", Endpoint::Render) => {
                dpi = value
                    .parse()
                    .ok()
                    .filter(|d| (1..=MAX_DPI).contains(d))
                    .ok_or_else(|| format!("dpi={value}: give a whole number from 1 to {MAX_DPI}"))?
            }
            ("page", Endpoint::Render) => {
                page = value
                    .parse()
                    .ok()
                    .filter(|p| *p >= 1)
                    .ok_or_else(|| format!("page={value}: give a page number from 1"))?
            }
            ("style", _) => {
                if !hanji::style::BUILTIN_STYLES.contains(&value) {
                    return Err(format!(
                        "style={value}: use a built-in style ({}); a style file is named in the front matter",
                        hanji::style::BUILTIN_STYLES.join(", ")
                    ));
                }
                style = Some(value.to_string());
            }
            _ => {
                let known = if endpoint == Endpoint::Render { "to, dpi, page and style" } else { "style" };
                return Err(format!("unknown parameter `{key}`: this endpoint takes {known}"));
            }
        }
    }
    let task = match (endpoint, to.as_str()) {
        (Endpoint::Check, _) => Task::Check,
        (Endpoint::Render, "pdf") => Task::Pdf,
        (Endpoint::Render, "png") => Task::Png { dpi, page },
        (Endpoint::Render, other) => return Err(format!("to={other}: use to=pdf or to=png")),
    };
    if endpoint == Endpoint::Render && task == Task::Pdf && page != 1 {
        return Err("page= picks a PNG page: add to=png (a PDF has every page)".into());
    }
    Ok((task, style))
}

/// The HTTP response of an answer: its status, content type, body, and for a document its
/// page count (`X-Hanji-Pages`) and number of warnings (`X-Hanji-Warnings`; POST /check lists them).
fn respond(answer: Answer) -> Response {
    let mut response = Response::new(Body::from(answer.body));
    *response.status_mut() = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
    if let Some(pages) = answer.pages {
        headers.insert("x-hanji-pages", HeaderValue::from(pages));
    }
    headers.insert("x-hanji-warnings", HeaderValue::from(answer.warnings));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_says_what_to_render() {
        assert_eq!(read_query(None, Endpoint::Render), Ok((Task::Pdf, None)));
        assert_eq!(
            read_query(Some("to=png&dpi=72&page=2&style=clean"), Endpoint::Render),
            Ok((Task::Png { dpi: 72, page: 2 }, Some("clean".into())))
        );
        assert_eq!(read_query(Some("style=clean"), Endpoint::Check), Ok((Task::Check, Some("clean".into()))));
        for bad in
            ["to=svg", "dpi=0", "dpi=601", "dpi=x", "page=0", "style=../x.toml", "colour=red", "page=2"]
        {
            assert!(read_query(Some(bad), Endpoint::Render).is_err(), "{bad}");
        }
        assert!(read_query(Some("to=png"), Endpoint::Check).is_err());
    }
}
