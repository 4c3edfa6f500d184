//! First run and demo data: a fresh data folder gets one admin with a one-time password; with
//! `--demo` it gets the documented demo accounts instead (README, "Demo accounts").

use super::{Desk, DeskError, NewUser, password};
use crate::domain::{Actor, Role};
use crate::store::{Changes, Store, UserReads};

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "demo";

/// The demo accounts: email, name, role.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 5] = [
    ("admin@example.com", "Alex Admin", Role::Admin),
    ("supervisor@example.com", "Sofia Supervisor", Role::Supervisor),
    ("ana@example.com", "Ana Ruiz", Role::Agent),
    ("marco@example.com", "Marco Bianchi", Role::Agent),
    ("lucia@example.com", "Lucía Fernández", Role::Agent),
];

/// Email of the admin created on first run.
pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// The admin created on first run, with the one-time password to print once.
#[derive(Clone, Debug)]
pub struct FirstAdmin {
    /// The admin's email.
    pub email: String,
    /// The one-time password (must be changed at first sign-in).
    pub password: String,
}

impl Desk {
    /// On an empty workspace, creates an admin with a random one-time password and returns it;
    /// otherwise does nothing.
    pub async fn ensure_first_admin(&self) -> Result<Option<FirstAdmin>, DeskError> {
        if self.store.snapshot()?.user_count()? > 0 {
            return Ok(None);
        }
        let password = password::new_one_time_password();
        let new = NewUser {
            email: FIRST_ADMIN_EMAIL.into(),
            name: "Administrator".into(),
            role: Role::Admin,
            password: password.clone(),
            capacity: None,
            must_change_password: true,
        };
        let user = self.insert_user(Actor::System, new, true).await?;
        Ok(Some(FirstAdmin { email: user.email, password }))
    }

    /// Creates the demo accounts that are missing. Refuses a data folder that holds real
    /// (non-demo) users, so demo passwords never land in a production workspace.
    pub async fn seed_demo_accounts(&self) -> Result<usize, DeskError> {
        let snap = self.store.snapshot()?;
        if snap.user_count()? > 0 && !self.store.is_demo()? {
            return Err(DeskError::Conflict(
                "--demo needs an empty data folder or one created with --demo; this one holds real users".into(),
            ));
        }
        let missing: Vec<_> = DEMO_ACCOUNTS
            .iter()
            .map(|(email, name, role)| Ok::<_, DeskError>((snap.user_by_email(email)?.is_none(), *email, *name, *role)))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .filter(|(missing, ..)| *missing)
            .collect();
        drop(snap);
        let now = self.now();
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, Actor::System);
                Store::mark_demo(&mut c)?;
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        for (_, email, name, role) in &missing {
            let new = NewUser {
                email: email.to_string(),
                name: name.to_string(),
                role: *role,
                password: DEMO_PASSWORD.into(),
                capacity: None,
                must_change_password: false,
            };
            self.insert_user(Actor::System, new, false).await?;
        }
        Ok(missing.len())
    }
}
