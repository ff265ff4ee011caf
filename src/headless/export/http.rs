//! The exporter's HTTP side, built to survive the clients a scrape endpoint meets: a header must
//! arrive within [`HEADER_TIMEOUT`] (an idle keep-alive connection counts as a header not
//! arriving), a connection lives at most [`LIFETIME`], headers are capped at [`MAX_HEADER`]
//! bytes (a larger one gets 431), and at most [`MAX_CONNECTIONS`] are open at once: a new
//! connection beyond that closes the oldest, so a flood of idle sockets can delay nobody's scrape
//! by more than the time to accept. Only GET and HEAD of `/metrics` and `/` are answered.

use std::collections::VecDeque;
use std::convert::Infallible;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::header::{ACCEPT, ALLOW, CONTENT_TYPE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::AbortHandle;

use super::text::{self, family, sample};

/// Time a client has to send a whole request header, and to start the next one.
pub const HEADER_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest a connection stays open, however it behaves.
pub const LIFETIME: Duration = Duration::from_secs(60);
/// Connections open at once; the oldest is closed to make room.
pub const MAX_CONNECTIONS: usize = 64;
/// Bytes of request line and headers accepted (hyper's read buffer, which may not be below 8 KiB).
pub const MAX_HEADER: usize = 16 * 1024;

/// The newest metrics, rendered once per sample in both formats.
#[derive(Debug, Default)]
pub struct Page {
    pub text: String,
    pub openmetrics: String,
    /// When the reading was taken, for the sample age computed at each scrape.
    pub time_ms: u64,
}

const INDEX: &str = "<html><head><title>headroom exporter</title></head><body>\
<h1>headroom exporter</h1><p>Every hidden limit of this machine: \
<a href=\"/metrics\">/metrics</a></p></body></html>\n";

/// Accepts connections until the task is dropped.
pub async fn serve(listener: TcpListener, page: watch::Receiver<Arc<Page>>) {
    let mut open: VecDeque<AbortHandle> = VecDeque::new();
    loop {
        // A machine out of fds or sockets refuses the accept; keep serving the others.
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        open.retain(|h| !h.is_finished());
        while open.len() >= MAX_CONNECTIONS {
            if let Some(oldest) = open.pop_front() {
                oldest.abort();
            }
        }
        let page = page.clone();
        let task = tokio::spawn(async move {
            let svc = service_fn(move |req| respond(req, page.clone()));
            let conn = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .max_buf_size(MAX_HEADER)
                .serve_connection(TokioIo::new(stream), svc);
            let _ = tokio::time::timeout(LIFETIME, conn).await;
        });
        open.push_back(task.abort_handle());
    }
}

async fn respond(
    req: Request<Incoming>,
    page: watch::Receiver<Arc<Page>>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut resp = reply(
            StatusCode::METHOD_NOT_ALLOWED,
            "text/plain",
            "GET or HEAD\n",
        );
        if let Ok(v) = "GET, HEAD".parse() {
            resp.headers_mut().insert(ALLOW, v);
        }
        return Ok(resp);
    }
    let resp = match req.uri().path() {
        "/metrics" => {
            let accept = req.headers().get(ACCEPT).and_then(|v| v.to_str().ok());
            let om = accept.is_some_and(text::wants_openmetrics);
            let page = Arc::clone(&page.borrow());
            let (ctype, body) = scrape(&page, om, now_ms());
            reply(StatusCode::OK, ctype, body)
        }
        "/" => reply(
            StatusCode::OK,
            "text/html; charset=utf-8",
            INDEX.to_string(),
        ),
        _ => reply(
            StatusCode::NOT_FOUND,
            "text/plain",
            "not found\n".to_string(),
        ),
    };
    Ok(resp)
}

/// The page as served at `now_ms`: the rendered metrics and the sample's age.
pub fn scrape(page: &Page, openmetrics: bool, now_ms: u64) -> (&'static str, String) {
    let mut age = String::new();
    if page.time_ms > 0 {
        let name = "headroom_sample_age_seconds";
        family(
            &mut age,
            name,
            "gauge",
            "Time since the newest reading was taken.",
        );
        let secs = now_ms.saturating_sub(page.time_ms) as f64 / 1000.0;
        sample(&mut age, name, &[], secs);
    }
    if openmetrics {
        let body = page.openmetrics.strip_suffix("# EOF\n").unwrap_or_default();
        (text::OPENMETRICS, format!("{body}{age}# EOF\n"))
    } else {
        (text::TEXT, format!("{}{age}", page.text))
    }
}

fn reply(status: StatusCode, ctype: &str, body: impl Into<Bytes>) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(body.into()));
    *resp.status_mut() = status;
    if let Ok(v) = ctype.parse() {
        resp.headers_mut().insert(CONTENT_TYPE, v);
    }
    resp
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scrapes_carry_the_sample_age_in_either_format() {
        let page = Page {
            text: "a 1\n".into(),
            openmetrics: "a 1\n# EOF\n".into(),
            time_ms: 10_000,
        };
        let (ctype, body) = scrape(&page, false, 12_500);
        assert_eq!(ctype, text::TEXT);
        assert!(body.starts_with("a 1\n# HELP headroom_sample_age_seconds"));
        assert!(
            body.ends_with("headroom_sample_age_seconds 2.5\n"),
            "{body}"
        );
        let (ctype, body) = scrape(&page, true, 12_500);
        assert_eq!(ctype, text::OPENMETRICS);
        assert!(
            body.ends_with("headroom_sample_age_seconds 2.5\n# EOF\n"),
            "{body}"
        );
        assert_eq!(body.matches("# EOF").count(), 1);
        let (_, empty) = scrape(&Page::default(), false, 1);
        assert_eq!(empty, "", "no sample yet, no age");
    }
}
