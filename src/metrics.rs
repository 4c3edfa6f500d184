//! Prometheus metrics: request counts and latency histograms by route, method and status,
//! rendered in the text exposition format at `/metrics`.
//!
//! Routes are labelled by operation id (or a fixed name for pages and operations endpoints),
//! never by raw path, so the number of series stays bounded.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the latency buckets, in seconds.
const BUCKETS: [f64; 12] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

#[derive(Default)]
struct Series {
    count: u64,
    sum_secs: f64,
    buckets: [u64; BUCKETS.len()],
}

/// The process's request metrics.
#[derive(Default)]
pub struct Metrics {
    series: Mutex<BTreeMap<(String, String, u16), Series>>,
}

impl Metrics {
    /// Records one finished request.
    pub fn observe(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        let secs = elapsed.as_secs_f64();
        if let Ok(mut map) = self.series.lock() {
            let s = map.entry((route.to_string(), method.to_string(), status)).or_default();
            s.count += 1;
            s.sum_secs += secs;
            for (i, le) in BUCKETS.iter().enumerate() {
                if secs <= *le {
                    s.buckets[i] += 1;
                }
            }
        }
    }

    /// The metrics in Prometheus text format, followed by `extra` series.
    pub fn render(&self, extra: &[Gauge<'_>]) -> String {
        let mut out = String::new();
        let map = match self.series.lock() {
            Ok(map) => map,
            Err(poisoned) => poisoned.into_inner(),
        };
        out.push_str("# HELP switchboard_http_requests_total HTTP requests answered, by route, method and status.\n");
        out.push_str("# TYPE switchboard_http_requests_total counter\n");
        for ((route, method, status), s) in map.iter() {
            let _ = writeln!(
                out,
                "switchboard_http_requests_total{{route=\"{route}\",method=\"{method}\",status=\"{status}\"}} {}",
                s.count
            );
        }
        out.push_str("# HELP switchboard_http_request_duration_seconds Time to answer HTTP requests.\n");
        out.push_str("# TYPE switchboard_http_request_duration_seconds histogram\n");
        for ((route, method, status), s) in map.iter() {
            let labels = format!("route=\"{route}\",method=\"{method}\",status=\"{status}\"");
            for (le, n) in BUCKETS.iter().zip(s.buckets.iter()) {
                let _ = writeln!(out, "switchboard_http_request_duration_seconds_bucket{{{labels},le=\"{le}\"}} {n}");
            }
            let _ =
                writeln!(out, "switchboard_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}", s.count);
            let _ = writeln!(out, "switchboard_http_request_duration_seconds_sum{{{labels}}} {}", s.sum_secs);
            let _ = writeln!(out, "switchboard_http_request_duration_seconds_count{{{labels}}} {}", s.count);
        }
        for g in extra {
            let _ = writeln!(out, "# HELP {} {}\n# TYPE {} {}", g.name, g.help, g.name, g.kind);
            for (labels, value) in &g.samples {
                match labels.is_empty() {
                    true => {
                        let _ = writeln!(out, "{} {value}", g.name);
                    }
                    false => {
                        let _ = writeln!(out, "{}{{{labels}}} {value}", g.name);
                    }
                }
            }
        }
        out
    }
}

/// A series beside the request metrics: a gauge or counter with one or more samples.
pub struct Gauge<'a> {
    /// The metric's name.
    pub name: &'a str,
    /// Its help line.
    pub help: &'a str,
    /// `gauge` or `counter`.
    pub kind: &'a str,
    /// Samples: the labels (`inbox="…"`, empty for none) and the value.
    pub samples: Vec<(String, f64)>,
}

impl<'a> Gauge<'a> {
    /// A gauge with one unlabelled value.
    pub fn one(name: &'a str, help: &'a str, value: f64) -> Gauge<'a> {
        Gauge { name, help, kind: "gauge", samples: vec![(String::new(), value)] }
    }

    /// A counter with one unlabelled value.
    pub fn counter(name: &'a str, help: &'a str, value: f64) -> Gauge<'a> {
        Gauge { name, help, kind: "counter", samples: vec![(String::new(), value)] }
    }
}

/// A label value escaped for the text format (backslash, quote, newline).
pub fn label_value(v: &str) -> String {
    v.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

/// Resident memory of this process in bytes, from `/proc/self/statm` (0 where unavailable).
pub fn resident_memory_bytes() -> f64 {
    let pages = std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1).and_then(|p| p.parse::<f64>().ok()))
        .unwrap_or(0.0);
    pages * 4096.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_buckets_are_exact() {
        let m = Metrics::default();
        m.observe("getMe", "GET", 200, Duration::from_millis(3));
        m.observe("getMe", "GET", 200, Duration::from_millis(30));
        m.observe("getMe", "GET", 401, Duration::from_millis(1));
        let labelled = Gauge {
            name: "switchboard_queue_length",
            help: "Queued.",
            kind: "gauge",
            samples: vec![(format!("inbox=\"{}\"", label_value("Web \"chat\"")), 3.0)],
        };
        let text = m.render(&[Gauge::one("switchboard_event_log_last_seq", "Newest event.", 7.0), labelled]);
        assert!(text.contains("switchboard_queue_length{inbox=\"Web \\\"chat\\\"\"} 3\n"), "{text}");
        assert!(
            text.contains("switchboard_http_requests_total{route=\"getMe\",method=\"GET\",status=\"200\"} 2\n"),
            "{text}"
        );
        assert!(text.contains("switchboard_http_requests_total{route=\"getMe\",method=\"GET\",status=\"401\"} 1\n"));
        assert!(text.contains("_bucket{route=\"getMe\",method=\"GET\",status=\"200\",le=\"0.005\"} 1\n"));
        assert!(text.contains("_bucket{route=\"getMe\",method=\"GET\",status=\"200\",le=\"0.05\"} 2\n"));
        assert!(text.contains("_count{route=\"getMe\",method=\"GET\",status=\"200\"} 2\n"));
        assert!(text.contains("switchboard_event_log_last_seq 7\n"));
    }
}
