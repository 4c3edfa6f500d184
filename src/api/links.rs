//! OpenAPI links: where one operation's answer feeds another (the id a create returns is the
//! `{id}` of the operations on that resource). Generated clients and readers follow them, and
//! schemathesis's stateful phase chains requests along them.

use serde_json::{Map, Value, json};

/// `(source operation, status, target operation, parameter, runtime expression)`.
type Link = (&'static str, &'static str, &'static str, &'static str, &'static str);

const ID: &str = "$response.body#/id";

/// Every link of the API.
const LINKS: &[Link] = &[
    ("createUser", "201", "getUser", "id", ID),
    ("createUser", "201", "updateUser", "id", ID),
    ("createUser", "201", "deactivateUser", "id", ID),
    ("createUser", "201", "setUserStatus", "id", ID),
    ("createToken", "201", "revokeToken", "id", ID),
    ("createTeam", "201", "getTeam", "id", ID),
    ("createTeam", "201", "updateTeam", "id", ID),
    ("createTeam", "201", "deleteTeam", "id", ID),
    ("createInbox", "201", "getInbox", "id", ID),
    ("createInbox", "201", "updateInbox", "id", ID),
    ("createInbox", "201", "deleteInbox", "id", ID),
    ("createInbox", "201", "pushChannelMessage", "inbox_id", ID),
    ("createLabel", "201", "updateLabel", "id", ID),
    ("createLabel", "201", "deleteLabel", "id", ID),
    ("createCannedResponse", "201", "updateCannedResponse", "id", ID),
    ("createCannedResponse", "201", "deleteCannedResponse", "id", ID),
    ("createWrapUpReason", "201", "updateWrapUpReason", "id", ID),
    ("createWrapUpReason", "201", "archiveWrapUpReason", "id", ID),
    ("createContact", "201", "getContact", "id", ID),
    ("createContact", "201", "updateContact", "id", ID),
    ("createContact", "201", "listContactConversations", "id", ID),
    ("createContact", "201", "listContactAttachments", "id", ID),
    ("createConversation", "201", "getConversation", "id", ID),
    ("createConversation", "201", "updateConversation", "id", ID),
    ("createConversation", "201", "assignConversation", "id", ID),
    ("createConversation", "201", "unassignConversation", "id", ID),
    ("createConversation", "201", "closeConversation", "id", ID),
    ("createConversation", "201", "reopenConversation", "id", ID),
    ("createConversation", "201", "markConversationRead", "id", ID),
    ("createConversation", "201", "markConversationUnread", "id", ID),
    ("createConversation", "201", "acceptOffer", "id", ID),
    ("createConversation", "201", "declineOffer", "id", ID),
    ("createConversation", "201", "transferConversation", "id", ID),
    ("createConversation", "201", "inviteToConference", "id", ID),
    ("createConversation", "201", "endConference", "id", ID),
    ("createConversation", "201", "joinConference", "id", ID),
    ("createConversation", "201", "getTimeline", "id", ID),
    ("createConversation", "201", "listMessages", "id", ID),
    ("createConversation", "201", "sendMessage", "id", ID),
    ("createConversation", "201", "getConversationTranscript", "id", ID),
    ("sendMessage", "201", "addReaction", "id", "$request.path.id"),
    ("sendMessage", "201", "addReaction", "message_id", ID),
    ("sendMessage", "201", "removeReaction", "id", "$request.path.id"),
    ("sendMessage", "201", "removeReaction", "message_id", ID),
    ("pushChannelMessage", "201", "getConversation", "id", "$response.body#/conversation_id"),
    ("pushChannelMessage", "201", "getContact", "id", "$response.body#/contact_id"),
    ("uploadAttachment", "201", "downloadAttachment", "id", ID),
    ("addToLibrary", "201", "downloadAttachment", "id", ID),
];

/// Adds the links to the responses of `spec`'s operations.
pub fn add(spec: &mut Value) {
    let Some(paths) = spec.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|ops| ops.values_mut()) {
        let id = op.get("operationId").and_then(Value::as_str).unwrap_or_default().to_string();
        for &(_, status, target, param, expr) in LINKS.iter().filter(|l| l.0 == id) {
            let Some(response) = op.pointer_mut(&format!("/responses/{status}")).and_then(Value::as_object_mut) else {
                continue;
            };
            let links = response.entry("links").or_insert_with(|| Value::Object(Map::new()));
            let name = target[..1].to_uppercase() + &target[1..];
            let link = links
                .as_object_mut()
                .map(|l| l.entry(name).or_insert_with(|| json!({"operationId": target, "parameters": {}})));
            if let Some(parameters) = link.and_then(|l| l.get_mut("parameters")).and_then(Value::as_object_mut) {
                parameters.insert(param.to_string(), json!(expr));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_link_names_an_operation_and_its_path_parameter() {
        let spec: Value = serde_json::from_str(&crate::api::spec_json()).expect("JSON");
        let mut ops = std::collections::HashMap::new();
        for methods in spec["paths"].as_object().expect("paths").values() {
            for op in methods.as_object().expect("operations").values() {
                ops.insert(op["operationId"].as_str().expect("id").to_string(), op.clone());
            }
        }
        for &(source, status, target, param, _) in LINKS {
            let response = &ops[source]["responses"][status];
            assert!(response.is_object(), "{source} answers {status}");
            let link_name = target[..1].to_uppercase() + &target[1..];
            assert_eq!(response["links"][&link_name]["operationId"], target, "{source} links {target}");
            let params = ops.get(target).unwrap_or_else(|| panic!("no operation {target}"))["parameters"].clone();
            let found = params.as_array().into_iter().flatten().any(|p| p["name"] == param && p["in"] == "path");
            assert!(found, "{target} has the path parameter {param}");
        }
    }
}
