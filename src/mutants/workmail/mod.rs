//! Deviations and variations of WorkMail's personal-access-token operations
//! (awsJson1_1, SigV4), beside the emulator's WorkMail backend.

use serde_json::json;
use serde_json::Value;

use crate::emulator::Reply;

/// `ListPersonalAccessTokens`.
pub(super) const LIST: &str = "ListPersonalAccessTokens";
/// `GetPersonalAccessTokenMetadata`.
pub(super) const GET: &str = "GetPersonalAccessTokenMetadata";
/// `DeletePersonalAccessToken`.
pub(super) const DELETE: &str = "DeletePersonalAccessToken";

/// Whether `op` is one of WorkMail's operations.
pub(super) fn owns(op: &str) -> bool {
    [LIST, GET, DELETE].contains(&op)
}

/// Applies `f` to every summary of a `ListPersonalAccessTokens` reply.
pub(super) fn summaries(reply: &mut Reply, f: impl FnMut(&mut serde_json::Map<String, Value>)) {
    super::edit::members(reply, "PersonalAccessTokenSummaries", f);
}

/// Edits each token a reply describes: the summaries of a listing, or the metadata
/// `GetPersonalAccessTokenMetadata` returns.
pub(super) fn tokens(
    op: &str,
    reply: &mut Reply,
    mut f: impl FnMut(&mut serde_json::Map<String, Value>),
) {
    match op {
        LIST => summaries(reply, f),
        GET => super::edit::body(reply, |v| {
            if let Some(token) = v.as_object_mut() {
                f(token);
            }
        }),
        _ => {}
    }
}

/// A WorkMail error reply.
pub(super) fn error(name: &str, message: &str) -> Reply {
    Reply::json(
        400,
        &json!({"__type": name, "Message": message}),
        "application/x-amz-json-1.1",
    )
}

mod behaviour;
mod replies;

/// Every WorkMail deviation.
pub(super) fn modes() -> Vec<super::Mode> {
    let mut modes = replies::modes();
    modes.extend(behaviour::modes());
    modes.extend(behaviour::signatures());
    modes
}
