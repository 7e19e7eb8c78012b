//! A step's calls beyond the single one: repeated up to a bound (`repeat`), or
//! following the paginator to the last page (`paginate`), with the checks that only a
//! walk can make (a token repeated, a trailing token, no end in sight).

use serde_json::{Map, Value};

use super::{Execution, Phase, MAX_PAGES, MAX_REPEAT};
use crate::case::{Expect, Step};
use crate::check::{self, check_response, Violation};
use crate::outcome::CheckKind;
use crate::runner::step_error::{Flow, StepError};
use crate::spec::{OperationSpec, Paginator};

impl Execution<'_> {
    /// Sends a step's call once, or as often as its `repeat` says (an answer with its
    /// `until` error ends the repetition as an accepted answer). Returns the last body
    /// and whether the case goes on.
    pub(super) async fn send_repeated(
        &mut self,
        n: usize,
        step: &Step,
        op: &OperationSpec,
        mut input: Value,
    ) -> Result<(Value, Flow), StepError> {
        let times = match &step.repeat {
            None => 1,
            Some(r) => check::resolve_bound(&r.times, &self.scope)?,
        };
        if times > MAX_REPEAT {
            return Err(StepError::Repeat(format!(
                "repeat: {times} times is more than the {MAX_REPEAT} allowed"
            )));
        }
        let until = step.repeat.as_ref().and_then(|r| r.until.clone());
        let mut last = (Value::Object(Map::new()), Flow::Next);
        for i in 0..times {
            if i > 0 {
                if self.ctx.cancel.is_cancelled() {
                    self.interrupted = true;
                    return Err(StepError::Interrupted);
                }
                input = self
                    .scope
                    .expand(&step.input)
                    .map_err(StepError::Template)?;
            }
            let response = self.call(n, step, op, &input, Phase::Step).await?;
            // Only an error answer, read in full, can be the `until` error.
            let stop = until.is_some()
                && !(200..300).contains(&response.status)
                && response.truncated.is_none()
                && {
                    let codec = crate::codec::of(self.service.spec.protocol);
                    let body = codec.decode(&response.body).unwrap_or(Value::Null);
                    codec.error_type(&response.headers, &body) == until
                };
            let expect = match (&until, stop) {
                (Some(error), true) => Expect::Error(error.clone()),
                _ => step.expect.clone(),
            };
            let verdict = check_response(self.service, op, &expect, &response);
            for v in verdict.violations {
                self.fail(n, &step.operation, v);
            }
            last = (verdict.body, Flow::from_bool(!verdict.fatal));
            if verdict.fatal || stop {
                break;
            }
        }
        Ok(last)
    }

    /// Follows the paginator; returns the last page with every page's items.
    pub(super) async fn paginate(
        &mut self,
        n: usize,
        step: &Step,
        op: &OperationSpec,
        mut input: Value,
    ) -> Result<(Value, Flow), StepError> {
        let paginator = op
            .paginator
            .clone()
            .ok_or_else(|| StepError::Operation("the operation has no paginator".into()))?;
        let mut items = Vec::new();
        let mut seen: Vec<String> = Vec::new();
        // Items on the page before this one: an empty page may carry a token (services
        // filter as they page), so only a page *with items* that leads to an empty
        // last page breaks "the last page carries no token".
        let mut before = 0;
        for _ in 0..MAX_PAGES {
            if self.ctx.cancel.is_cancelled() {
                self.interrupted = true;
                return Err(StepError::Interrupted);
            }
            let response = self.call(n, step, op, &input, Phase::Step).await?;
            let verdict = check_response(self.service, op, &Expect::Success, &response);
            let fatal = verdict.fatal;
            for v in verdict.violations {
                self.fail(n, &step.operation, v);
            }
            if fatal {
                return Ok((verdict.body, Flow::Stop));
            }
            let mut body = verdict.body;
            let mut page_len = 0;
            if let Some(Value::Array(page)) = body.get(&paginator.items) {
                page_len = page.len();
                items.extend(page.iter().cloned());
            }
            let token = body
                .get(&paginator.output_token)
                .and_then(Value::as_str)
                .filter(|t| !t.is_empty())
                .map(str::to_string);
            let Some(token) = token else {
                if step.check_last_page && !seen.is_empty() && page_len == 0 && before > 0 {
                    self.trailing_token(n, step, &paginator, seen.len());
                }
                if let Some(obj) = body.as_object_mut() {
                    obj.insert(paginator.items.clone(), Value::Array(items));
                }
                return Ok((body, Flow::Next));
            };
            if seen.contains(&token) {
                let v = Violation::new(
                    CheckKind::Pagination,
                    format!(
                        "{} repeated a token already returned; the paginator would loop",
                        paginator.output_token
                    ),
                );
                self.fail(n, &step.operation, v);
                return Ok((body, Flow::Stop));
            }
            seen.push(token.clone());
            before = page_len;
            let obj = input
                .as_object_mut()
                .ok_or(crate::codec::EncodeError::NotAnObject)?;
            obj.insert(paginator.input_token.clone(), Value::String(token));
        }
        let v = Violation::new(
            CheckKind::Pagination,
            format!(
                "still returning {} after {MAX_PAGES} pages",
                paginator.output_token
            ),
        );
        self.fail(n, &step.operation, v);
        Ok((Value::Object(Map::new()), Flow::Stop))
    }

    /// A page with items carried a token that led to an empty last page: SDK
    /// paginators tolerate it, so it is a `should` finding.
    fn trailing_token(&mut self, n: usize, step: &Step, paginator: &Paginator, pages: usize) {
        let v = Violation::new(
            CheckKind::Pagination,
            format!(
                "page {pages} carried {} but led to an empty page: the last page with items should carry none",
                paginator.output_token
            ),
        );
        self.fail(n, &step.operation, v.should());
    }
}
