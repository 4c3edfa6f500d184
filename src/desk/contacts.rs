//! Contacts (F17–F18): every signed-in user may read and edit the card of a customer; the
//! email, phone and external id each belong to one contact only.

use std::collections::BTreeMap;

use super::{Desk, DeskError, Principal};
use crate::domain::contact::{AttrValue, Contact, check_contact};
use crate::domain::{EventKind, Timestamp};
use crate::store::{Changes, ContactReads, Staged, put_contact};

/// Fields of a contact to create or change. For attributes, `Some(None)` removes a key.
#[derive(Clone, Debug, Default)]
pub struct ContactInput {
    /// Name.
    pub name: Option<String>,
    /// Email (`Some("")` clears it).
    pub email: Option<String>,
    /// Phone (`Some("")` clears it).
    pub phone: Option<String>,
    /// External id (`Some("")` clears it).
    pub external_id: Option<String>,
    /// Attributes to set (`Some`) or remove (`None`); others stay.
    pub attributes: BTreeMap<String, Option<AttrValue>>,
    /// CRM link (`Some("")` clears it).
    pub crm_url: Option<String>,
}

fn set_opt(slot: &mut Option<String>, value: Option<String>, field: &'static str, fields: &mut Vec<&'static str>) {
    if let Some(v) = value {
        let v = Some(v.trim().to_string()).filter(|v| !v.is_empty());
        if *slot != v {
            *slot = v;
            fields.push(field);
        }
    }
}

/// Applies `input` to `contact`; returns the names of the fields that changed.
fn apply(contact: &mut Contact, input: ContactInput) -> Vec<&'static str> {
    let mut fields = Vec::new();
    if let Some(n) = input.name.map(|n| n.trim().to_string()).filter(|n| *n != contact.name) {
        contact.name = n;
        fields.push("name");
    }
    set_opt(&mut contact.email, input.email, "email", &mut fields);
    set_opt(&mut contact.phone, input.phone, "phone", &mut fields);
    set_opt(&mut contact.external_id, input.external_id, "external_id", &mut fields);
    set_opt(&mut contact.crm_url, input.crm_url, "crm_url", &mut fields);
    let before = contact.attributes.clone();
    for (k, v) in input.attributes {
        match v {
            Some(v) => contact.attributes.insert(k, v),
            None => contact.attributes.remove(&k),
        };
    }
    if contact.attributes != before {
        fields.push("attributes");
    }
    fields
}

/// Creates a contact or changes one inside a write, refusing clashes of unique fields.
pub(super) fn save_contact_in(
    s: &Staged<'_>,
    c: &mut Changes,
    existing: Option<Contact>,
    new_id: String,
    input: ContactInput,
    now: Timestamp,
) -> Result<Contact, DeskError> {
    let mut contact = existing.clone().unwrap_or_else(|| Contact::blank(new_id, now));
    let fields = apply(&mut contact, input);
    check_contact(&contact).map_err(DeskError::Invalid)?;
    if existing.is_some() && fields.is_empty() {
        return Ok(contact);
    }
    if let Some((field, owner)) = s.contact_clash(&contact)? {
        return Err(DeskError::Conflict(format!(
            "another contact ({owner}) already has this {}",
            field.replace('_', " ")
        )));
    }
    contact.updated_at = now;
    put_contact(c, &contact, existing.as_ref())?;
    c.event(match existing {
        Some(_) => EventKind::ContactUpdated {
            contact_id: contact.id.clone(),
            fields: fields.iter().map(|f| f.to_string()).collect(),
        },
        None => EventKind::ContactCreated { contact_id: contact.id.clone() },
    });
    Ok(contact)
}

/// Finds a contact by external id, then email, then phone; creates it when none matches.
/// Missing fields of a found contact are filled in from `input`.
pub(super) fn find_or_create_contact(
    s: &Staged<'_>,
    c: &mut Changes,
    new_id: String,
    input: ContactInput,
    now: Timestamp,
) -> Result<Contact, DeskError> {
    let mut found = None;
    if let Some(x) = input.external_id.as_deref().filter(|x| !x.trim().is_empty()) {
        found = s.contact_by_external_id(x.trim())?;
    }
    if found.is_none()
        && let Some(e) = input.email.as_deref().filter(|e| !e.trim().is_empty())
    {
        found = s.contact_by_email(e)?;
    }
    if found.is_none()
        && let Some(p) = input.phone.as_deref()
    {
        found = s.contact_by_phone(p)?;
    }
    match found {
        None => save_contact_in(s, c, None, new_id, input, now),
        Some(existing) => {
            // Only fill what the card lacks; never overwrite what agents maintain.
            let fill = ContactInput {
                name: input.name.filter(|_| existing.name.trim().is_empty()),
                email: input.email.filter(|_| existing.email.is_none()),
                phone: input.phone.filter(|_| existing.phone.is_none()),
                external_id: input.external_id.filter(|_| existing.external_id.is_none()),
                attributes: input
                    .attributes
                    .into_iter()
                    .filter(|(k, _)| !existing.attributes.contains_key(k))
                    .collect(),
                crm_url: None,
            };
            save_contact_in(s, c, Some(existing), String::new(), fill, now)
        }
    }
}

impl Desk {
    /// A page of contacts; with `q`, those whose name, email or phone match.
    pub fn list_contacts(
        &self,
        who: &Principal,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: usize,
    ) -> Result<(Vec<Contact>, Option<String>), DeskError> {
        who.ready()?;
        let snap = self.store.snapshot()?;
        let mut contacts = match q.map(str::trim).filter(|q| !q.is_empty()) {
            None => snap.contacts_page(cursor, limit + 1)?,
            Some(q) => {
                let ids = snap.search_contact_ids(q, 10_000)?;
                let mut out = Vec::new();
                for id in ids.iter().filter(|id| cursor.is_none_or(|c| id.as_str() > c)).take(limit + 1) {
                    if let Some(c) = snap.contact(id)? {
                        out.push(c);
                    }
                }
                out
            }
        };
        let next = if contacts.len() > limit {
            contacts.truncate(limit);
            contacts.last().map(|c| c.id.clone())
        } else {
            None
        };
        Ok((contacts, next))
    }

    /// One contact.
    pub fn get_contact(&self, who: &Principal, id: &str) -> Result<Contact, DeskError> {
        who.ready()?;
        self.store.snapshot()?.contact(id)?.ok_or_else(|| DeskError::NotFound(format!("no contact with id {id}")))
    }

    /// Creates (`id` None) or changes a contact.
    pub async fn save_contact(
        &self,
        who: &Principal,
        id: Option<&str>,
        input: ContactInput,
    ) -> Result<Contact, DeskError> {
        who.ready()?;
        let (now, actor, new_id, id) = (self.now(), who.actor(), self.new_id("ct"), id.map(str::to_string));
        let (contact, _) = self
            .store
            .write(move |s| {
                let existing = match &id {
                    Some(id) => {
                        Some(s.contact(id)?.ok_or_else(|| DeskError::NotFound(format!("no contact with id {id}")))?)
                    }
                    None => None,
                };
                let mut c = Changes::new(now, actor);
                let contact = save_contact_in(s, &mut c, existing, new_id, input, now)?;
                Ok::<_, DeskError>((c, contact))
            })
            .await?;
        Ok(contact)
    }
}
