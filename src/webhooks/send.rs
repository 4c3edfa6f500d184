//! One delivery attempt over HTTP: a JSON POST signed with the subscription's secret, with
//! connect and total timeouts and no redirects followed (reqwest with rustls).

use std::time::{Duration, Instant};

use crate::domain::Timestamp;
use crate::domain::webhook::{Attempt, Delivery, Webhook, signature};

/// How long an attempt may take in all.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long connecting may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The HTTP client of deliveries.
#[derive(Clone)]
pub struct Sender {
    client: reqwest::Client,
}

/// Makes rustls's ring provider the process's TLS crypto (once; later calls change nothing).
/// ring rather than aws-lc-rs: no C toolchain beyond cc on the build path.
pub fn install_tls() {
    #[allow(deprecated)]
    let _ = rustls::crypto::ring::default_provider().install_default();
}

impl Sender {
    /// A client with the timeouts, TLS by rustls (ring) and the system's roots.
    pub fn new() -> Result<Sender, String> {
        install_tls();
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(CONNECT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Switchboard-Webhooks/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Sender { client })
    }

    /// POSTs `d` to `hook`; the outcome in words when it failed.
    pub async fn send(&self, hook: &Webhook, d: &Delivery, now: Timestamp) -> Attempt {
        let started = Instant::now();
        let unix = now.millis().div_euclid(1000);
        let sent = self
            .client
            .post(&hook.url)
            .header("content-type", "application/json")
            .header("x-switchboard-event", &d.event)
            .header("x-switchboard-delivery", format!("{}-{}", hook.id, d.id))
            .header("x-switchboard-signature", signature(&hook.secret, unix, &d.body))
            .body(d.body.clone())
            .send()
            .await;
        let ms = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        match sent {
            Ok(resp) => {
                let code = resp.status().as_u16();
                let error = (!resp.status().is_success()).then(|| format!("the receiver answered {code}"));
                Attempt { status_code: Some(code), error, ms }
            }
            Err(e) => {
                let what = if e.is_timeout() {
                    format!("no answer within {} s", TIMEOUT.as_secs())
                } else if e.is_connect() {
                    "could not connect to the receiver".to_string()
                } else {
                    "the connection failed before an answer".to_string()
                };
                Attempt { status_code: None, error: Some(what), ms }
            }
        }
    }
}
