//! A request as the emulator sees it: read whole (bounded by the server), with the
//! operation it calls when a middleware wraps the emulator.

use crate::spec::Paginator;

/// One request, whole.
#[derive(Debug, Clone)]
pub struct Request {
    /// The URL, with the `Host` the client sent.
    pub url: url::Url,
    /// The method.
    pub method: http::Method,
    /// The headers as received.
    pub headers: http::HeaderMap,
    /// The body, at most [`super::MAX_REQUEST_BODY`] bytes.
    pub body: Vec<u8>,
    /// For a middleware: the operation this request calls, routed by the contract's
    /// codecs exactly as the emulator routes it (`None` for a request the emulator
    /// serves no operation for, and outside a middleware).
    pub routed: Option<Routed>,
}

/// What the router tells a middleware about a request.
#[derive(Debug, Clone)]
pub struct Routed {
    /// The operation's name.
    pub operation: String,
    /// Its paginator, if it pages.
    pub paginator: Option<Paginator>,
    /// The media type its protocol's bodies carry (`application/x-amz-json-1.1`, …).
    pub media_type: &'static str,
}
