//! CodeCatalyst personal access tokens: per-identity create, list and delete.

use std::collections::BTreeMap;

use rand::distr::{Alphanumeric, SampleString};
use serde_json::{json, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::backend::{not_emulated, Backend, Call};
use super::pages;
use super::replies::ApiError;
use super::EmulatorConfig;

/// Page size when the caller gives no `maxResults` (the model's maximum).
const DEFAULT_PAGE: usize = 10;

#[derive(Debug, Clone)]
struct Token {
    /// Creation order: the pagination cursor.
    seq: u64,
    id: String,
    name: String,
    expires: OffsetDateTime,
}

/// Every identity's tokens, in creation order.
#[derive(Debug, Default)]
pub(crate) struct Tokens {
    by_identity: BTreeMap<String, Vec<Token>>,
    created: u64,
}

fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&Rfc3339).unwrap_or_default()
}

impl Backend for Tokens {
    fn service(&self) -> &'static str {
        "codecatalyst"
    }

    fn handle(&mut self, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError> {
        match call.operation {
            "CreateAccessToken" => create(self, config, call),
            "ListAccessTokens" => list(self, config, call),
            "DeleteAccessToken" => delete(self, call),
            other => Err(not_emulated(other, 404)),
        }
    }

    fn profile_vars(&self, config: &EmulatorConfig) -> Vec<(String, Value)> {
        vec![(
            "codecatalyst_token_quota".to_string(),
            json!(config.default_quota),
        )]
    }
}

fn create(store: &mut Tokens, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError> {
    let now = OffsetDateTime::now_utc();
    let name = call.input["name"].as_str().unwrap_or_default().to_string();
    let expires = match call.input.get("expiresTime").and_then(Value::as_str) {
        None => now + time::Duration::days(365),
        Some(text) => {
            let t = OffsetDateTime::parse(text, &Rfc3339).map_err(|e| {
                call.invalid(format!("expiresTime is not an RFC 3339 timestamp: {e}"))
            })?;
            if t <= now {
                return Err(call.invalid("expiresTime must be in the future"));
            }
            t
        }
    };
    let quota = config
        .quotas
        .get(&call.identity)
        .copied()
        .unwrap_or(config.default_quota);
    store.created += 1;
    let seq = store.created;
    let tokens = store.by_identity.entry(call.identity.clone()).or_default();
    if tokens.len() >= quota {
        return Err(ApiError::new(
            "ServiceQuotaExceededException",
            format!("you have reached the limit of {quota} personal access tokens"),
        ));
    }
    let token = Token {
        seq,
        id: uuid::Uuid::new_v4().to_string(),
        name,
        expires,
    };
    let secret = Alphanumeric.sample_string(&mut rand::rng(), 64);
    let body = json!({
        "secret": secret,
        "name": token.name,
        "expiresTime": rfc3339(token.expires),
        "accessTokenId": token.id,
    });
    tokens.push(token);
    Ok(body)
}

fn list(store: &Tokens, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError> {
    let (limit_key, token_key) = call.page_members();
    let size = match call.limit() {
        None => DEFAULT_PAGE,
        Some(v) => match v.as_i64() {
            Some(n) if n >= 1 => n as usize,
            // Also numbers beyond any integer type, such as -1e19.
            _ => return Err(call.invalid(format!("{limit_key} must be at least 1, got {v}"))),
        },
    };
    let scope = ["codecatalyst:", &call.identity].concat();
    let after = match call.page_token() {
        None => None,
        Some(t) => Some(
            pages::decode(&scope, t)
                .ok_or_else(|| call.invalid(format!("{token_key} is not valid")))?,
        ),
    };
    let tokens = store
        .by_identity
        .get(&call.identity)
        .map(Vec::as_slice)
        .unwrap_or_default();
    // The cursor is the creation order, or its reverse when listing newest first.
    let ordered: Vec<(u64, &Token)> = if config.newest_first {
        tokens.iter().rev().map(|t| (u64::MAX - t.seq, t)).collect()
    } else {
        tokens.iter().map(|t| (t.seq, t)).collect()
    };
    let (page, next) = pages::page(&scope, &ordered, |(key, _)| *key, after, size);
    let items: Vec<Value> = page
        .iter()
        .map(|(_, t)| json!({"id": t.id, "name": t.name, "expiresTime": rfc3339(t.expires)}))
        .collect();
    Ok(call.page(items, next))
}

fn delete(store: &mut Tokens, call: &Call) -> Result<Value, ApiError> {
    let id = call.input["id"].as_str().unwrap_or_default();
    let tokens = store.by_identity.entry(call.identity.clone()).or_default();
    match tokens.iter().position(|t| t.id == id) {
        Some(i) => {
            tokens.remove(i);
            Ok(json!({}))
        }
        // Another identity's token is "not found" too: its existence is not revealed.
        None => Err(ApiError::new(
            "ResourceNotFoundException",
            format!("no access token with id {id}"),
        )),
    }
}
