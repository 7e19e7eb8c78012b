//! What every emulated service implements, and the call it is handed: the bottom of the
//! emulator, so the router depends on the backends' trait and never on a backend.

use serde_json::{Map, Value};

use super::replies::ApiError;
use super::EmulatorConfig;
use crate::spec::Paginator;

/// A routed, authenticated and validated call.
pub(crate) struct Call<'a> {
    pub(crate) operation: &'a str,
    /// Who calls: the bearer token, or the SigV4 access key id.
    pub(crate) identity: String,
    pub(crate) input: Value,
    /// The operation's paginator, from its spec: which members carry the page size,
    /// the tokens and the items.
    pub(crate) paginator: Option<&'a Paginator>,
    /// The service's error for input it rejects (its spec's `validation_error`).
    pub(crate) validation_error: &'a str,
}

impl Call<'_> {
    /// The service's validation error with `message`.
    pub(crate) fn invalid(&self, message: impl Into<String>) -> ApiError {
        ApiError::new(self.validation_error, message)
    }

    /// The page size asked for (the paginator's `limit_key`), if any.
    pub(crate) fn limit(&self) -> Option<&Value> {
        let key = &self.paginator?.limit_key;
        self.input.get(key).filter(|v| !v.is_null())
    }

    /// The page token given (the paginator's `input_token`), if any.
    pub(crate) fn page_token(&self) -> Option<&str> {
        let key = &self.paginator?.input_token;
        self.input.get(key).and_then(Value::as_str)
    }

    /// The page size asked for (`default` when none), and the position after which the
    /// page starts, read from a page token issued for `scope` (a token of another
    /// scope, or none the emulator issued, is the service's validation error).
    pub(crate) fn paging(
        &self,
        scope: &str,
        default: usize,
    ) -> Result<(usize, Option<u64>), ApiError> {
        let size = self
            .limit()
            .and_then(Value::as_u64)
            .map_or(default, |n| n as usize);
        let after =
            match self.page_token() {
                None => None,
                Some(t) => Some(super::pages::decode(scope, t).ok_or_else(|| {
                    self.invalid(format!("{} is not valid", self.page_members().1))
                })?),
            };
        Ok((size, after))
    }

    /// The names of the page-size and page-token members, for messages.
    pub(crate) fn page_members(&self) -> (&str, &str) {
        self.paginator
            .map_or(("", ""), |p| (p.limit_key.as_str(), p.input_token.as_str()))
    }

    /// A page: the items under the paginator's `items` member, and the next token
    /// under its `output_token` when there is a next page.
    pub(crate) fn page(&self, items: Vec<Value>, next: Option<String>) -> Value {
        let mut body = Map::new();
        if let Some(p) = self.paginator {
            body.insert(p.items.clone(), Value::Array(items));
            if let Some(next) = next {
                body.insert(p.output_token.clone(), Value::String(next));
            }
        }
        Value::Object(body)
    }
}

/// One emulated service: its state and the semantics of its operations.
pub(crate) trait Backend: Send {
    /// The service it implements, as its `specs/<service>/service.yaml` names it.
    fn service(&self) -> &'static str;

    /// Carries out a call: the success body, or a modelled error.
    fn handle(&mut self, config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError>;

    /// Profile variables naming what the backend holds (ids cases may refer to).
    fn profile_vars(&self, _config: &EmulatorConfig) -> Vec<(String, Value)> {
        Vec::new()
    }
}

/// The answer for an operation a backend does not implement.
pub(crate) fn not_emulated(operation: &str, status: u16) -> ApiError {
    ApiError::protocol(
        "UnknownOperationException",
        status,
        format!("{operation} is not emulated"),
    )
}
