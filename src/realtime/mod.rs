//! The real-time hub (F36, DESIGN.md "The spine"): one task tails the event log, turns each
//! committed event that pages care about into a [`Delivery`] (the event with the current state
//! of its conversation and message, read once), and broadcasts it. Every subscriber filters
//! deliveries by what its user may see, and can resume from any sequence number by reading the
//! log ([`Hub::backlog`]) before switching to the live broadcast.

mod delivery;

use std::sync::Arc;

use tokio::sync::broadcast;

pub use delivery::{Delivery, deliveries_after};

use crate::store::{Store, WeakStore};

/// How many deliveries the broadcast keeps for slow subscribers; one that falls further behind
/// catches up from the log instead.
const CHANNEL: usize = 4096;

/// How many signals the broadcast keeps; a subscriber that falls behind loses the oldest,
/// which for typing hints only means a hint shown late or not at all.
const SIGNALS: usize = 1024;

/// Who is typing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typist {
    /// The conversation's customer.
    Customer,
    /// An agent.
    Agent {
        /// The agent's id.
        id: String,
        /// Their first name, as the customer is told.
        first_name: String,
    },
}

/// A passing signal, never stored in the event log: someone is typing (or stopped).
#[derive(Clone, Debug)]
pub struct Typing {
    /// The conversation, as it is now (for who may see the signal).
    pub conversation: crate::domain::conversation::Conversation,
    /// Who.
    pub typist: Typist,
    /// `true` while typing, `false` when they stopped.
    pub active: bool,
}

/// Fan-out of committed events (and passing typing signals) to live subscribers; cheap to clone.
#[derive(Clone)]
pub struct Hub {
    tx: broadcast::Sender<Arc<Delivery>>,
    signals: broadcast::Sender<Arc<Typing>>,
    store: WeakStore,
}

impl Hub {
    /// Starts the tailing task on the current tokio runtime. It stops when the store closes.
    pub fn start(store: &Store) -> Hub {
        let (tx, _) = broadcast::channel(CHANNEL);
        let hub = Hub { tx: tx.clone(), signals: broadcast::channel(SIGNALS).0, store: store.downgrade() };
        let mut seq = store.watch_seq();
        let weak = store.downgrade();
        let mut last = *seq.borrow();
        if let Ok(rt) = tokio::runtime::Handle::try_current() {
            rt.spawn(async move {
                while seq.changed().await.is_ok() {
                    let upto = *seq.borrow_and_update();
                    let Some(store) = weak.upgrade() else { break };
                    // Read in chunks so a burst never builds one huge batch.
                    while last < upto {
                        match deliveries_after(&store, last, upto, 1000) {
                            Ok((batch, reached)) => {
                                for d in batch {
                                    // No subscriber is not an error.
                                    let _ = tx.send(Arc::new(d));
                                }
                                last = reached;
                            }
                            Err(e) => {
                                tracing::warn!(error = %e, "real-time hub could not read the event log; retrying");
                                tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                            }
                        }
                    }
                }
            });
        }
        hub
    }

    /// Receives every delivery from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Delivery>> {
        self.tx.subscribe()
    }

    /// Passes a typing signal to the live subscribers (nobody listening is not an error).
    pub fn typing(&self, t: Typing) {
        let _ = self.signals.send(Arc::new(t));
    }

    /// Receives every typing signal from now on.
    pub fn subscribe_typing(&self) -> broadcast::Receiver<Arc<Typing>> {
        self.signals.subscribe()
    }

    /// Deliveries for events after `after` up to `upto`, read from the log (resume and catch
    /// up), with the seq reached.
    pub fn backlog(&self, after: u64, upto: u64) -> Result<(Vec<Delivery>, u64), crate::store::StoreError> {
        let store = self.store.upgrade().ok_or(crate::store::StoreError::Closed)?;
        deliveries_after(&store, after, upto, 1000)
    }

    /// The newest committed seq.
    pub fn last_seq(&self) -> u64 {
        self.store.upgrade().map_or(0, |s| *s.watch_seq().borrow())
    }

    /// Number of live subscribers.
    pub fn subscribers(&self) -> usize {
        self.tx.receiver_count()
    }
}
