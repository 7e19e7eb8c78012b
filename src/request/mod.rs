//! Request building: serialize logical input per protocol, then authenticate.

mod auth;
mod build;
mod sign_error;
mod unexpanded;

pub(crate) use auth::{authenticate, Credentials};
pub(crate) use build::build;
pub(crate) use sign_error::SignError;
pub(crate) use unexpanded::Unexpanded;

/// A request ready for the transport.
#[derive(Debug, Clone)]
pub(crate) struct HttpRequest {
    pub(crate) method: String,
    pub(crate) url: String,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl HttpRequest {
    /// Sets a header, replacing any of the same name (names are case-insensitive).
    pub(crate) fn set_header(&mut self, name: &str, value: impl Into<String>) {
        self.remove_header(name);
        self.headers.push((name.to_ascii_lowercase(), value.into()));
    }

    /// Removes every header of this name.
    pub(crate) fn remove_header(&mut self, name: &str) {
        self.headers.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }
}
