//! `/api/v1/contacts`: customer cards (F17–F18).

use std::collections::BTreeMap;

use poem::web::Data;
use poem_openapi::param::{Path, Query};
use poem_openapi::payload::Json;
use poem_openapi::{ApiResponse, Object, OpenApi};
use serde_json::Value;
use time::OffsetDateTime;

use super::common::{page_limit, to_time};
use super::conversations::ConversationPage;
use super::error::ApiResult;
use super::{ApiTags, BearerAuth};
use crate::desk::{ContactInput, Desk, DeskError, ListQuery};
use crate::domain::contact::{AttrValue, Contact};

/// A customer.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ContactDto {
    /// Opaque id.
    pub id: String,
    /// Name (may be empty).
    pub name: String,
    /// Email as entered.
    pub email: Option<String>,
    /// Phone as entered.
    pub phone: Option<String>,
    /// Id in an external system (bot, bridge).
    pub external_id: Option<String>,
    /// Custom attributes: strings, numbers or booleans.
    pub attributes: BTreeMap<String, Value>,
    /// Link to the CRM record.
    pub crm_url: Option<String>,
    /// Created.
    pub created_at: OffsetDateTime,
    /// Last changed.
    pub updated_at: OffsetDateTime,
}

/// Converts an attribute to JSON.
pub fn attr_to_json(v: &AttrValue) -> Value {
    match v {
        AttrValue::Bool(b) => Value::Bool(*b),
        AttrValue::Number(n) => serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number),
        AttrValue::Text(t) => Value::String(t.clone()),
    }
}

impl From<Contact> for ContactDto {
    fn from(c: Contact) -> Self {
        ContactDto {
            attributes: c.attributes.iter().map(|(k, v)| (k.clone(), attr_to_json(v))).collect(),
            id: c.id,
            name: c.name,
            email: c.email,
            phone: c.phone,
            external_id: c.external_id,
            crm_url: c.crm_url,
            created_at: to_time(c.created_at),
            updated_at: to_time(c.updated_at),
        }
    }
}

/// A contact to create, or the fields to change (omitted fields stay; `""` clears a field).
#[derive(Object, Default)]
#[oai(deny_unknown_fields, skip_serializing_if_is_none)]
pub struct ContactBody {
    /// Name, at most 200 characters.
    #[oai(validator(max_length = 200))]
    pub name: Option<String>,
    /// Email; unique among contacts. Blank clears it.
    #[oai(validator(max_length = 254))]
    pub email: Option<String>,
    /// Phone, any formatting (at most 40 characters), with 5 to 20 digits (E.164 allows 15);
    /// unique among contacts after normalisation.
    /// Blank clears it.
    #[oai(validator(max_length = 40))]
    pub phone: Option<String>,
    /// External id, at most 200 characters; unique among contacts. Blank clears it.
    #[oai(validator(max_length = 200))]
    pub external_id: Option<String>,
    /// Attributes to set; a `null` value removes that attribute.
    #[oai(validator(max_properties = 100))]
    pub attributes: Option<BTreeMap<String, Value>>,
    /// Link to the CRM record: an http or https URL without spaces, at most 2000 characters.
    /// Blank clears it.
    #[oai(validator(max_length = 2000))]
    pub crm_url: Option<String>,
}

/// Reads JSON attributes; arrays and objects are refused.
pub fn attrs_from_json(
    attrs: Option<BTreeMap<String, Value>>,
) -> Result<BTreeMap<String, Option<AttrValue>>, DeskError> {
    let mut out = BTreeMap::new();
    for (k, v) in attrs.unwrap_or_default() {
        let value = match v {
            Value::Null => None,
            Value::Bool(b) => Some(AttrValue::Bool(b)),
            Value::Number(n) => Some(AttrValue::Number(n.as_f64().unwrap_or(0.0))),
            Value::String(s) => Some(AttrValue::Text(s)),
            _ => {
                return Err(DeskError::field(
                    "attributes",
                    format!("attribute {k} must be a string, number, boolean or null"),
                ));
            }
        };
        out.insert(k, value);
    }
    Ok(out)
}

impl ContactBody {
    /// The desk's input.
    pub fn into_input(self) -> Result<ContactInput, DeskError> {
        Ok(ContactInput {
            name: self.name,
            email: self.email,
            phone: self.phone,
            external_id: self.external_id,
            attributes: attrs_from_json(self.attributes)?,
            crm_url: self.crm_url,
        })
    }
}

/// A page of contacts.
#[derive(Object)]
#[oai(skip_serializing_if_is_none)]
pub struct ContactPage {
    /// Contacts in creation order.
    pub items: Vec<ContactDto>,
    /// Pass as `cursor` for the next page; absent on the last.
    pub next_cursor: Option<String>,
}

/// Answer to creating a contact.
#[derive(ApiResponse)]
pub enum CreatedContact {
    /// Created.
    #[oai(status = 201)]
    Created(Json<ContactDto>),
}

/// Contacts.
#[derive(Default)]
pub struct ContactsApi;

#[OpenApi(tag = "ApiTags::Contacts")]
impl ContactsApi {
    /// List contacts
    ///
    /// All contacts in creation order; with `q`, those with a name word starting with `q`, an
    /// email starting with `q`, or a phone number containing the digits of `q`.
    #[oai(path = "/contacts", method = "get", operation_id = "listContacts")]
    async fn list(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        /// Name, email or phone to look for.
        q: Query<Option<String>>,
        /// Cursor from the previous page.
        cursor: Query<Option<String>>,
        /// Page size, 1–500 (default 50).
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))]
        limit: Query<Option<u32>>,
    ) -> ApiResult<Json<ContactPage>> {
        let limit = page_limit(limit.0)?;
        let (items, next_cursor) = desk.list_contacts(&auth.0, q.0.as_deref(), cursor.0.as_deref(), limit)?;
        Ok(Json(ContactPage { items: items.into_iter().map(ContactDto::from).collect(), next_cursor }))
    }

    /// Create a contact
    ///
    /// Needs at least a name, email, phone or external id. Email, phone and external id are
    /// unique (409 names the contact that has them).
    #[oai(path = "/contacts", method = "post", operation_id = "createContact")]
    async fn create(&self, auth: BearerAuth, desk: Data<&Desk>, body: Json<ContactBody>) -> ApiResult<CreatedContact> {
        let input = body.0.into_input()?;
        Ok(CreatedContact::Created(Json(desk.save_contact(&auth.0, None, input).await?.into())))
    }

    /// Get a contact
    ///
    /// The contact card.
    #[oai(path = "/contacts/:id", method = "get", operation_id = "getContact")]
    async fn get(&self, auth: BearerAuth, desk: Data<&Desk>, id: Path<String>) -> ApiResult<Json<ContactDto>> {
        Ok(Json(desk.get_contact(&auth.0, &id.0)?.into()))
    }

    /// A contact's conversations
    ///
    /// The contact's past and current conversations the caller may see, newest first.
    #[oai(path = "/contacts/:id/conversations", method = "get", operation_id = "listContactConversations")]
    async fn conversations(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        cursor: Query<Option<String>>,
        #[oai(validator(minimum(value = "1"), maximum(value = "500")))] limit: Query<Option<u32>>,
    ) -> ApiResult<Json<ConversationPage>> {
        desk.get_contact(&auth.0, &id.0)?;
        let q = ListQuery::for_contact(id.0, cursor.0, page_limit(limit.0)?);
        let (items, next_cursor) = desk.list_conversations(&auth.0, &q)?;
        Ok(Json(ConversationPage { items: items.into_iter().map(Into::into).collect(), next_cursor }))
    }

    /// Change a contact
    ///
    /// Omitted fields stay; `""` clears a field; an attribute set to `null` is removed.
    #[oai(path = "/contacts/:id", method = "patch", operation_id = "updateContact")]
    async fn update(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
        body: Json<ContactBody>,
    ) -> ApiResult<Json<ContactDto>> {
        let input = body.0.into_input()?;
        Ok(Json(desk.save_contact(&auth.0, Some(&id.0), input).await?.into()))
    }

    /// End a contact's chat sessions (supervisors)
    ///
    /// Every live-chat widget session of the contact stops working at once, on every device
    /// (their customer tokens are revoked): for a contact who abuses the chat, or whose device
    /// was lost. They can start a new chat, as a new visitor unless your site signs them in.
    #[oai(path = "/contacts/:id/chat_sessions", method = "delete", operation_id = "endContactChatSessions")]
    async fn end_chats(
        &self,
        auth: BearerAuth,
        desk: Data<&Desk>,
        id: Path<String>,
    ) -> ApiResult<Json<ChatSessionsEnded>> {
        let revoked = desk.revoke_contact_sessions(&auth.0, &id.0).await?;
        Ok(Json(ChatSessionsEnded { revoked }))
    }
}

/// What ending a contact's chat sessions did.
#[derive(Object)]
pub struct ChatSessionsEnded {
    /// How many sessions were ended.
    pub revoked: u32,
}
