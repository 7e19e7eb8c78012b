//! IAM service-specific credentials: seeded users, each with at most two credentials
//! per service; API keys (Bedrock, CloudWatch Logs) with an optional age and a secret
//! shown once; passwords (CodeCommit, Keyspaces) that a reset replaces.

use serde_json::{json, Map, Value};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::backend::{not_emulated, Backend, Call};
use super::pages;
use super::replies::ApiError;
use super::EmulatorConfig;

/// Most credentials a user holds for one service.
const PER_SERVICE: usize = 2;
/// Page size when the caller gives no `MaxItems` (IAM's default).
const DEFAULT_PAGE: usize = 100;
/// The account the seeded users belong to.
const ACCOUNT: &str = "123456789012";
/// The user cases act on, and a second one for `AllUsers` and isolation.
const USER: &str = "pat-conformance-user";
const OTHER_USER: &str = "pat-conformance-other";

/// Services whose credentials are passwords.
const PASSWORD_SERVICES: [&str; 2] = ["codecommit.amazonaws.com", "cassandra.amazonaws.com"];
/// Services whose credentials are API keys (with an alias, a secret, maybe an expiry).
const API_KEY_SERVICES: [&str; 2] = ["bedrock.amazonaws.com", "logs.amazonaws.com"];

#[derive(Debug, Clone)]
struct Credential {
    /// Creation order: the listing's cursor.
    seq: u64,
    id: String,
    user: String,
    service: String,
    created: OffsetDateTime,
    expires: Option<OffsetDateTime>,
    active: bool,
}

/// An IAM user.
#[derive(Debug, Clone)]
struct IamUser {
    name: String,
    id: String,
    path: String,
    created: OffsetDateTime,
    tags: Vec<(String, String)>,
}

impl IamUser {
    fn new(name: &str, path: &str, tags: Vec<(String, String)>) -> IamUser {
        IamUser {
            name: name.into(),
            id: format!("AIDA{}", random(UPPER, 17)),
            path: path.into(),
            created: OffsetDateTime::now_utc(),
            tags,
        }
    }

    /// The user as GetUser, ListUsers and CreateUser describe it.
    fn describe(&self) -> Value {
        let mut v = json!({
            "Path": self.path,
            "UserName": self.name,
            "UserId": self.id,
            "Arn": format!("arn:aws:iam::{ACCOUNT}:user{}{}", self.path, self.name),
            "CreateDate": rfc3339(self.created),
        });
        if !self.tags.is_empty() {
            v["Tags"] = self
                .tags
                .iter()
                .map(|(k, v)| json!({"Key": k, "Value": v}))
                .collect();
        }
        v
    }
}

/// The users and their credentials.
#[derive(Debug)]
pub(crate) struct Users {
    users: Vec<IamUser>,
    credentials: Vec<Credential>,
    next: u64,
}

impl Users {
    /// Two users with no credentials.
    pub(crate) fn seeded() -> Users {
        Users::named(&[USER.to_string(), OTHER_USER.to_string()])
    }

    /// Users with these names and no credentials.
    pub(crate) fn named(names: &[String]) -> Users {
        Users {
            users: names
                .iter()
                .map(|n| IamUser::new(n, "/", Vec::new()))
                .collect(),
            credentials: Vec::new(),
            next: 1,
        }
    }
}

/// Who a SigV4 caller is: every access key is the seeded user of the account.
pub(crate) fn caller() -> Value {
    json!({
        "UserId": "AIDAPATCONFORMANCEUSER",
        "Account": ACCOUNT,
        "Arn": format!("arn:aws:iam::{ACCOUNT}:user/{USER}"),
    })
}

impl Backend for Users {
    fn service(&self) -> &'static str {
        "iam"
    }

    fn handle(&mut self, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError> {
        match call.operation {
            "CreateServiceSpecificCredential" => self.create(call),
            "ListServiceSpecificCredentials" => self.list(config.newest_first, call),
            "DeleteServiceSpecificCredential" => self.delete(call),
            "ResetServiceSpecificCredential" => self.reset(call),
            "UpdateServiceSpecificCredential" => self.update(call),
            "GetUser" => self.get_user(call),
            "ListUsers" => self.list_users(call),
            "CreateUser" => self.create_user(call),
            "DeleteUser" => self.delete_user(call),
            other => Err(not_emulated(other, 400)),
        }
    }

    /// The first two users (the built-in ones unless a seed names others).
    fn profile_vars(&self, _config: &EmulatorConfig) -> Vec<(String, Value)> {
        ["iam_user_name", "iam_other_user_name"]
            .into_iter()
            .zip(&self.users)
            .map(|(var, user)| (var.to_string(), json!(user.name)))
            .collect()
    }
}

fn text<'c>(call: &'c Call, member: &str) -> Option<&'c str> {
    call.input.get(member).and_then(Value::as_str)
}

fn no_such_entity(what: String) -> ApiError {
    ApiError::new("NoSuchEntity", what)
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.replace_nanosecond(0)
        .unwrap_or(t)
        .format(&Rfc3339)
        .unwrap_or_default()
}

/// Random characters from `alphabet`.
fn random(alphabet: &[u8], n: usize) -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let more = uuid::Uuid::new_v4().into_bytes();
    bytes
        .iter()
        .chain(more.iter())
        .cycle()
        .zip(0..n)
        .map(|(b, i)| alphabet[(*b as usize + i * 7) % alphabet.len()] as char)
        .collect()
}

const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";

impl Users {
    /// The user a call names, else the caller's own (every caller is the seeded user).
    fn user(&self, call: &Call) -> Result<String, ApiError> {
        let name = text(call, "UserName").unwrap_or(USER);
        self.users
            .iter()
            .find(|u| u.name == name)
            .map(|u| u.name.clone())
            .ok_or_else(|| no_such_entity(format!("The user with name {name} cannot be found.")))
    }

    /// The user a call names, else the caller's own.
    fn get_user(&self, call: &Call) -> Result<Value, ApiError> {
        let name = self.user(call)?;
        let user = self.users.iter().find(|u| u.name == name);
        Ok(json!({ "User": user.map(IamUser::describe) }))
    }

    /// Every user under `PathPrefix`, in creation order, paged by `Marker`.
    fn list_users(&self, call: &Call) -> Result<Value, ApiError> {
        let prefix = text(call, "PathPrefix").unwrap_or("/");
        let scope = format!("iam:users:{prefix}");
        let (size, after) = call.paging(&scope, DEFAULT_PAGE)?;
        let users: Vec<(u64, &IamUser)> = (1..)
            .zip(&self.users)
            .filter(|(_, u)| u.path.starts_with(prefix))
            .collect();
        let (page, next) = pages::page(&scope, &users, |(seq, _)| *seq, after, size);
        let items = page.iter().map(|(_, u)| u.describe()).collect();
        let truncated = next.is_some();
        let mut body = call.page(items, next);
        body["IsTruncated"] = json!(truncated);
        Ok(body)
    }

    fn create_user(&mut self, call: &Call) -> Result<Value, ApiError> {
        let name = text(call, "UserName").unwrap_or_default();
        if self.users.iter().any(|u| u.name.eq_ignore_ascii_case(name)) {
            return Err(ApiError::new(
                "EntityAlreadyExists",
                format!("User with name {name} already exists."),
            ));
        }
        let user = IamUser::new(name, text(call, "Path").unwrap_or("/"), form_tags(call));
        let body = json!({ "User": user.describe() });
        self.users.push(user);
        Ok(body)
    }

    fn delete_user(&mut self, call: &Call) -> Result<Value, ApiError> {
        let name = text(call, "UserName").unwrap_or_default().to_string();
        if !self.users.iter().any(|u| u.name == name) {
            return Err(no_such_entity(format!(
                "The user with name {name} cannot be found."
            )));
        }
        if self.credentials.iter().any(|c| c.user == name) {
            return Err(ApiError::new(
                "DeleteConflict",
                "Cannot delete entity, must delete service-specific credentials first.",
            ));
        }
        self.users.retain(|u| u.name != name);
        Ok(json!({}))
    }

    fn service_name(call: &Call) -> Result<Option<String>, ApiError> {
        match text(call, "ServiceName") {
            None => Ok(None),
            Some(s) if PASSWORD_SERVICES.contains(&s) || API_KEY_SERVICES.contains(&s) => {
                Ok(Some(s.to_string()))
            }
            Some(s) => Err(ApiError::new(
                "NotSupportedService",
                format!("The specified service {s} does not support service-specific credentials."),
            )),
        }
    }

    fn create(&mut self, call: &Call) -> Result<Value, ApiError> {
        let user = self.user(call)?;
        let service = Self::service_name(call)?.unwrap_or_default();
        let age = call.input.get("CredentialAgeDays").and_then(Value::as_i64);
        if age.is_some() && !API_KEY_SERVICES.contains(&service.as_str()) {
            return Err(call.invalid(format!(
                "CredentialAgeDays is valid only for Bedrock and CloudWatch Logs API keys, not {service}"
            )));
        }
        let held = self
            .credentials
            .iter()
            .filter(|c| c.user == user && c.service == service)
            .count();
        if held >= PER_SERVICE {
            return Err(ApiError::new(
                "LimitExceeded",
                format!("Cannot exceed quota for ServiceSpecificCredentialsPerUserPerService: {PER_SERVICE}"),
            ));
        }
        let now = OffsetDateTime::now_utc();
        let credential = Credential {
            seq: self.next,
            id: format!("ACCA{}", random(UPPER, 17)),
            user,
            service,
            created: now,
            expires: age.map(|days| now + time::Duration::days(days)),
            active: true,
        };
        self.next += 1;
        let body = json!({ "ServiceSpecificCredential": with_secret(&credential) });
        self.credentials.push(credential);
        Ok(body)
    }

    fn list(&self, newest_first: bool, call: &Call) -> Result<Value, ApiError> {
        let all_users = call.input.get("AllUsers").and_then(Value::as_bool) == Some(true);
        if all_users && call.input.get("UserName").is_some() {
            return Err(call.invalid("AllUsers cannot be specified together with UserName"));
        }
        let user = if all_users {
            None
        } else {
            Some(self.user(call)?)
        };
        let service = Self::service_name(call)?;
        let scope = format!(
            "iam:{}:{}",
            user.as_deref().unwrap_or("*"),
            service.as_deref().unwrap_or("*")
        );
        let (size, after) = call.paging(&scope, DEFAULT_PAGE)?;
        let mut held: Vec<(u64, &Credential)> = self
            .credentials
            .iter()
            .filter(|c| user.as_ref().is_none_or(|u| &c.user == u))
            .filter(|c| service.as_ref().is_none_or(|s| &c.service == s))
            .map(|c| (c.seq, c))
            .collect();
        if newest_first {
            held = held
                .into_iter()
                .rev()
                .map(|(seq, c)| (u64::MAX - seq, c))
                .collect();
        }
        let (page, next) = pages::page(&scope, &held, |(seq, _)| *seq, after, size);
        let items: Vec<Value> = page.iter().map(|(_, c)| metadata(c)).collect();
        let truncated = next.is_some();
        let mut body = call.page(items, next);
        body["IsTruncated"] = json!(truncated);
        Ok(body)
    }

    /// The credential a call names, held by the user it names.
    fn find(&mut self, call: &Call) -> Result<&mut Credential, ApiError> {
        let user = self.user(call)?;
        let id = text(call, "ServiceSpecificCredentialId").unwrap_or_default();
        self.credentials
            .iter_mut()
            .find(|c| c.id == id && c.user == user)
            .ok_or_else(|| {
                no_such_entity(format!("No such credential {id} exists for user {user}."))
            })
    }

    fn delete(&mut self, call: &Call) -> Result<Value, ApiError> {
        let id = self.find(call)?.id.clone();
        self.credentials.retain(|c| c.id != id);
        Ok(json!({}))
    }

    fn reset(&mut self, call: &Call) -> Result<Value, ApiError> {
        let credential = self.find(call)?;
        Ok(json!({ "ServiceSpecificCredential": with_secret(credential) }))
    }

    fn update(&mut self, call: &Call) -> Result<Value, ApiError> {
        let status = text(call, "Status").unwrap_or_default().to_string();
        let credential = self.find(call)?;
        match status.as_str() {
            "Active" => credential.active = true,
            "Inactive" => credential.active = false,
            other => {
                return Err(
                    call.invalid(format!("Status {other} cannot be set (Active or Inactive)"))
                )
            }
        }
        Ok(json!({}))
    }
}

/// The tags of a form body (`Tags.member.N.Key`, `Tags.member.N.Value`: awsQuery
/// flattens the list, and the router hands the pairs on as they came).
fn form_tags(call: &Call) -> Vec<(String, String)> {
    let Some(members) = call.input.as_object() else {
        return Vec::new();
    };
    let mut tags = Vec::new();
    for n in 1.. {
        let get = |part: &str| {
            members
                .get(&format!("Tags.member.{n}.{part}"))
                .and_then(Value::as_str)
                .map(str::to_string)
        };
        match (get("Key"), get("Value")) {
            (Some(k), v) => tags.push((k, v.unwrap_or_default())),
            (None, _) => break,
        }
    }
    tags
}

fn is_api_key(c: &Credential) -> bool {
    API_KEY_SERVICES.contains(&c.service.as_str())
}

/// A credential as the listing shows it: no password, no secret.
fn metadata(c: &Credential) -> Value {
    let mut v = Map::new();
    v.insert("UserName".into(), json!(c.user));
    let expired = c.expires.is_some_and(|e| e <= OffsetDateTime::now_utc());
    let status = match (expired, c.active) {
        (true, _) => "Expired",
        (false, true) => "Active",
        (false, false) => "Inactive",
    };
    v.insert("Status".into(), json!(status));
    if is_api_key(c) {
        let suffix = &c.id[c.id.len() - 6..];
        v.insert(
            "ServiceCredentialAlias".into(),
            json!(format!("{}-at-{ACCOUNT}-{suffix}", c.user)),
        );
    } else {
        v.insert(
            "ServiceUserName".into(),
            json!(format!("{}-at-{ACCOUNT}", c.user)),
        );
    }
    v.insert("CreateDate".into(), json!(rfc3339(c.created)));
    if let Some(e) = c.expires {
        v.insert("ExpirationDate".into(), json!(rfc3339(e)));
    }
    v.insert("ServiceSpecificCredentialId".into(), json!(c.id));
    v.insert("ServiceName".into(), json!(c.service));
    Value::Object(v)
}

/// A credential as a create or a reset returns it: with a fresh password or secret.
fn with_secret(c: &Credential) -> Value {
    let mut v = metadata(c);
    let member = if is_api_key(c) {
        "ServiceCredentialSecret"
    } else {
        "ServicePassword"
    };
    v[member] = json!(random(SECRET, 44));
    v
}
