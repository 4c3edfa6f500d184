//! First run and demo data: a fresh data folder gets one admin with a one-time password; with
//! `--demo` it gets the documented demo accounts instead (README, "Demo accounts").

use super::{Desk, DeskError, NewUser, password};
use crate::domain::user::User;
use crate::domain::{Actor, Role};
use crate::store::{Changes, Store, UserChanges, UserReads};

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

/// How much demo traffic `--demo` creates.
pub const DEMO_CONTACTS: usize = 200;
/// Conversations over the last 60 days.
pub const DEMO_CONVERSATIONS: usize = 500;
/// Conversations a demo agent may take beyond those the demo history left open.
const DEMO_ROOM: u32 = 3;

impl Desk {
    /// Creates the demo workspace once: teams, inboxes, labels, canned responses (English,
    /// Italian, Spanish), wrap-up reasons, 200 contacts and 500 conversations over the last
    /// 60 days in every status. Does nothing when inboxes already exist.
    pub async fn seed_demo_workspace(&self) -> Result<Option<crate::desk::ImportReport>, DeskError> {
        use crate::demo::phrases::Lang;
        use crate::demo::{Plan, PlanAgent, PlanInbox, generate};
        use crate::domain::workspace::{
            AssignmentMode, CannedResponse, CannedScope, Channel, DEFAULT_WAIT_AMBER_SECS, DEFAULT_WAIT_RED_SECS,
            Inbox, Label, Team, WrapUpReason,
        };
        use crate::store::{RecordChanges, WorkspaceReads};

        let snap = self.store.snapshot()?;
        if !snap.inboxes()?.is_empty() {
            return Ok(None);
        }
        let mut agents = Vec::new();
        for (email, name, role) in DEMO_ACCOUNTS {
            if role == Role::Agent
                && let Some(u) = snap.user_by_email(email)?
            {
                agents.push(PlanAgent { id: u.id, name: name.to_string() });
            }
        }
        drop(snap);
        let now = self.now();
        let ids = self.id_gen();
        let team = |name: &str, members: Vec<String>| Team {
            id: ids.next("team", now),
            name: name.into(),
            description: String::new(),
            members,
            created_at: now,
            updated_at: now,
        };
        let all: Vec<String> = agents.iter().map(|a| a.id.clone()).collect();
        let support = team("Support", all.clone());
        let italia = team("Assistenza Italia", all.iter().skip(1).take(1).cloned().collect());
        let espana = team("Soporte España", all.iter().skip(2).take(1).cloned().collect());
        let inbox = |name: &str, channel: Channel, mode: AssignmentMode, teams: Vec<String>| Inbox {
            id: ids.next("inb", now),
            name: name.into(),
            channel,
            assignment: mode,
            offer_timeout_secs: 30,
            auto_close_secs: 86_400,
            wrap_up_required: false,
            team_ids: teams,
            wait_amber_secs: DEFAULT_WAIT_AMBER_SECS,
            wait_red_secs: DEFAULT_WAIT_RED_SECS,
            widget: Default::default(),
            created_at: now,
            updated_at: now,
        };
        // Web chat offers each new conversation to the available agent with the most room, and
        // asks for a wrap-up reason at close: the demo shows routing and wrap-ups at work.
        let web = Inbox {
            wrap_up_required: true,
            ..inbox("Web chat", Channel::Livechat, AssignmentMode::LeastBusy, vec![support.id.clone()])
        };
        let it = inbox(
            "Chat Italia",
            Channel::Livechat,
            AssignmentMode::Manual,
            vec![support.id.clone(), italia.id.clone()],
        );
        let es =
            inbox("WhatsApp España", Channel::Api, AssignmentMode::Manual, vec![support.id.clone(), espana.id.clone()]);
        let labels: Vec<Label> = [
            ("vip", "#f59e0b"),
            ("billing", "#3b82f6"),
            ("bug", "#ef4444"),
            ("shipping", "#10b981"),
            ("feedback", "#8b5cf6"),
        ]
        .iter()
        .map(|(n, c)| Label { id: ids.next("lbl", now), name: n.to_string(), color: c.to_string() })
        .collect();
        let wrap_ups: Vec<WrapUpReason> =
            ["Solved", "Information given", "No answer from customer", "Duplicate", "Sales lead"]
                .iter()
                .map(|n| WrapUpReason { id: ids.next("wru", now), name: n.to_string(), archived: false })
                .collect();
        let canned = |shortcut: &str, title: &str, body: &str| CannedResponse {
            id: ids.next("can", now),
            scope: CannedScope::Global,
            shortcut: shortcut.into(),
            title: title.into(),
            body: body.into(),
            created_at: now,
            updated_at: now,
        };
        let responses = vec![
            canned("hello", "Greeting", "Hi {{contact.name}}, I'm {{agent.name}}. How can I help you today?"),
            canned(
                "bye",
                "Closing",
                "Thanks for contacting us, {{contact.name}}! Your ticket number is #{{conversation.number}}.",
            ),
            canned("ciao", "Saluto", "Ciao {{contact.name}}, sono {{agent.name}}. Come posso aiutarti?"),
            canned(
                "grazie",
                "Chiusura",
                "Grazie per averci contattato! Il numero del ticket è #{{conversation.number}}.",
            ),
            canned("hola", "Saludo", "Hola {{contact.name}}, soy {{agent.name}}. ¿En qué puedo ayudarte?"),
            canned(
                "gracias",
                "Despedida",
                "¡Gracias por escribirnos! Tu número de ticket es #{{conversation.number}}.",
            ),
        ];
        let plan = Plan {
            contacts: DEMO_CONTACTS,
            conversations: DEMO_CONVERSATIONS,
            extra_exchanges: 1,
            days: 60,
            now,
            inboxes: vec![
                PlanInbox { id: web.id.clone(), lang: Lang::En },
                PlanInbox { id: it.id.clone(), lang: Lang::It },
                PlanInbox { id: es.id.clone(), lang: Lang::Es },
            ],
            agents,
            labels: labels.iter().map(|l| l.id.clone()).collect(),
            wrap_ups: wrap_ups.iter().map(|w| (w.id.clone(), w.name.clone())).collect(),
        };
        self.store
            .write(move |_| {
                let mut c = Changes::new(now, Actor::System);
                for t in [&support, &italia, &espana] {
                    c.put_team(t)?;
                }
                for i in [&web, &it, &es] {
                    c.put_inbox(i)?;
                }
                for l in &labels {
                    c.put_label(l)?;
                }
                for w in &wrap_ups {
                    c.put_wrap_up(w)?;
                }
                for r in &responses {
                    c.put_canned(r)?;
                }
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        let generated = generate(&plan, 2026, |prefix, at| ids.next(prefix, at));
        // The history leaves agents with many conversations still open: give each room for a
        // few more, so that offers reach them.
        let mut active: std::collections::HashMap<String, u32> = Default::default();
        for (c, _) in &generated.conversations {
            if let (Some(a), true) = (&c.assignee, c.is_active()) {
                *active.entry(a.clone()).or_default() += 1;
            }
        }
        let report = self.import(generated).await?;
        self.store
            .write(move |s| {
                let mut c = Changes::new(now, Actor::System);
                for (id, n) in &active {
                    if let Some(u) = s.user(id)? {
                        let room = (n + DEMO_ROOM).min(crate::domain::user::MAX_CAPACITY);
                        c.put_user(&User { capacity: room.max(u.capacity), ..u.clone() }, Some(&u))?;
                    }
                }
                Ok::<_, DeskError>((c, ()))
            })
            .await?;
        Ok(Some(report))
    }
}
