//! Request logs (`tracing`) and Prometheus metrics, without a metrics framework: a few
//! atomic counters per route, exposed in the Prometheus text format at `/metrics`.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;

/// Upper bounds of the latency histogram, in seconds.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0];

#[derive(Debug, Default)]
struct Series {
    count: AtomicU64,
    /// Sum of latencies in microseconds.
    sum_micros: AtomicU64,
    buckets: [AtomicU64; BUCKETS.len()],
}

/// (method, route template, status)
type Key = (String, String, u16);

/// Counters keyed by method, route and status.
#[derive(Debug, Default, Clone)]
pub struct Metrics {
    series: Arc<Mutex<BTreeMap<Key, Arc<Series>>>>,
}

impl Metrics {
    fn series(&self, method: &str, route: &str, status: u16) -> Arc<Series> {
        let mut map = match self.series.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        Arc::clone(
            map.entry((method.to_owned(), route.to_owned(), status))
                .or_default(),
        )
    }

    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        let series = self.series(method, route, status);
        series.count.fetch_add(1, Ordering::Relaxed);
        series
            .sum_micros
            .fetch_add((seconds * 1e6) as u64, Ordering::Relaxed);
        for (bound, bucket) in BUCKETS.iter().zip(&series.buckets) {
            if seconds <= *bound {
                bucket.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    /// The Prometheus text exposition format.
    pub fn render(&self) -> String {
        let map = match self.series.lock() {
            Ok(m) => m.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        };
        let mut out = String::from(
            "# HELP nuage_http_requests_total HTTP requests answered.\n\
             # TYPE nuage_http_requests_total counter\n",
        );
        for ((method, route, status), s) in &map {
            out.push_str(&format!(
                "nuage_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {}\n",
                s.count.load(Ordering::Relaxed)
            ));
        }
        out.push_str(
            "# HELP nuage_http_request_duration_seconds Time to answer.\n\
             # TYPE nuage_http_request_duration_seconds histogram\n",
        );
        for ((method, route, status), s) in &map {
            let labels = format!("method=\"{method}\",route=\"{route}\",status=\"{status}\"");
            for (bound, bucket) in BUCKETS.iter().zip(&s.buckets) {
                out.push_str(&format!(
                    "nuage_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {}\n",
                    bucket.load(Ordering::Relaxed)
                ));
            }
            let count = s.count.load(Ordering::Relaxed);
            out.push_str(&format!(
                "nuage_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {count}\n\
                 nuage_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 nuage_http_request_duration_seconds_count{{{labels}}} {count}\n",
                s.sum_micros.load(Ordering::Relaxed) as f64 / 1e6
            ));
        }
        out
    }
}

/// Logs each request and counts it under its route template (never the raw path, so ids
/// do not explode the label set).
pub(crate) async fn observe(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let status = response.status().as_u16();
    state.metrics.observe(&method, &route, status, seconds);
    tracing::info!(
        target: "nuage::http",
        method = %method,
        route = %route,
        status,
        micros = (seconds * 1e6) as u64,
        "request"
    );
    response
}

pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}
