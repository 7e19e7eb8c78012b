//! Reporters that consume run events as they happen.

pub(crate) mod annotations;
pub(crate) mod progress;
pub(crate) mod terminal;
