//! STS, for `aws sts get-caller-identity` and the suite's discovery: every SigV4
//! caller is the seeded IAM user (as the IAM backend treats it).

use serde_json::Value;

use super::backend::{not_emulated, Backend, Call};
use super::replies::ApiError;
use super::EmulatorConfig;

/// The caller-identity service.
#[derive(Debug, Default)]
pub(crate) struct Identity;

impl Backend for Identity {
    fn service(&self) -> &'static str {
        "sts"
    }

    fn handle(&mut self, _config: &EmulatorConfig, call: &Call) -> Result<Value, ApiError> {
        match call.operation {
            "GetCallerIdentity" => Ok(super::iam::caller()),
            other => Err(not_emulated(other, 400)),
        }
    }
}
