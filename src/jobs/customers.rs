//! The demo's customers (`serve --demo`): every few seconds a customer writes, in the
//! language of the inbox they write to. Half the time a new customer opens a conversation
//! (which the inbox queues or offers to an available agent with room); otherwise a customer
//! of a recent conversation writes again. A newcomer signed in as an agent so gets offers and
//! answers within a minute, and sees the desk move.

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::demo::Rng;
use crate::demo::phrases::{Lang, first_names, last_names, topics};
use crate::desk::{ContactInput, Desk};
use crate::store::WorkspaceReads;

/// The customers the player has written as, with the inbox and language they wrote in.
struct Customer {
    email: String,
    name: String,
    inbox: String,
    lang: Lang,
    topic: usize,
}

/// The language of a demo inbox, from its name (the demo names them by language).
fn lang_of(name: &str) -> Lang {
    if name.contains("Italia") {
        Lang::It
    } else if name.contains("España") {
        Lang::Es
    } else {
        Lang::En
    }
}

/// Starts the player; a message every `every` on average.
pub fn spawn(desk: Desk, every: Duration) -> JoinHandle<()> {
    tokio::spawn(async move {
        let mut rng = Rng::new(desk.now().millis() as u64);
        let mut customers: Vec<Customer> = Vec::new();
        loop {
            let jitter = every.as_millis() as u64 / 2;
            let pause = every.as_millis() as u64 - jitter + rng.below(2 * jitter + 1);
            tokio::time::sleep(Duration::from_millis(pause)).await;
            if let Err(e) = step(&desk, &mut rng, &mut customers).await {
                tracing::debug!(error = %e, "demo customer could not write");
            }
        }
    })
}

async fn step(desk: &Desk, rng: &mut Rng, customers: &mut Vec<Customer>) -> Result<(), String> {
    let inboxes = desk.store().snapshot().and_then(|s| s.inboxes()).map_err(|e| e.to_string())?;
    if inboxes.is_empty() {
        return Ok(());
    }
    let again = !customers.is_empty() && rng.below(2) == 0;
    let (c, text, subject) = if again {
        let c = &customers[rng.below(customers.len() as u64) as usize];
        (c, topics(c.lang)[c.topic].follow_up, "")
    } else {
        let inbox = rng.pick(&inboxes);
        let lang = lang_of(&inbox.name);
        let (first, last) = (*rng.pick(first_names(lang)), *rng.pick(last_names(lang)));
        let n = rng.below(100_000);
        let email =
            format!("{}.{}.{n}@example.org", crate::domain::contact::fold(first), crate::domain::contact::fold(last))
                .replace(' ', "");
        let topic = rng.below(topics(lang).len() as u64) as usize;
        customers.push(Customer { email, name: format!("{first} {last}"), inbox: inbox.id.clone(), lang, topic });
        // Recent customers only: the oldest stop writing.
        if customers.len() > 30 {
            customers.remove(0);
        }
        let c = customers.last().ok_or("no customer")?;
        (c, topics(lang)[topic].opening, topics(lang)[topic].subject)
    };
    let contact = ContactInput { name: Some(c.name.clone()), email: Some(c.email.clone()), ..ContactInput::default() };
    desk.demo_customer_message(&c.inbox, contact, subject, text.to_string()).await.map_err(|e| e.to_string())?;
    Ok(())
}
