//! Undoing creates: what a successful create made is queued for deletion; what a create
//! whose answer was lost made is found by listing and queued too. Every create's fate
//! goes into the run's ledger.

use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::execute::{Cleanup, Execution, Phase};
use super::ledger::{Fate, Ticket};
use crate::case::Step;
use crate::spec::{FindCreated, OperationSpec};
use crate::transport::{HttpResponse, SendError};
use crate::vocab::Identity;

/// Most pages a recovery listing reads.
const MAX_RECOVERY_PAGES: usize = 100;

/// Input of an undo call: each member taken from `source` by JSON pointer.
fn undo_input(
    members: &std::collections::BTreeMap<String, String>,
    source: &Value,
) -> Option<Value> {
    let mut input = Map::new();
    for (member, pointer) in members {
        input.insert(member.clone(), source.pointer(pointer)?.clone());
    }
    Some(Value::Object(input))
}

impl Execution<'_> {
    /// What identifies a create in the ledger: its `find.match` member, else its input.
    pub(super) fn describe_created(&self, op: &OperationSpec, input: &Value) -> String {
        let member = op
            .creates
            .as_ref()
            .and_then(|c| c.find.as_ref())
            .map(|f| f.match_member.as_str());
        match member.and_then(|m| input.get(m).map(|v| (m, v))) {
            Some((m, v)) => format!("{m} {v}"),
            None => crate::text::clip(input.to_string(), 200),
        }
    }

    /// Settles a create's ledger entry from its answer, queueing its undo.
    pub(super) async fn settle_create(
        &mut self,
        ticket: Ticket,
        op: &OperationSpec,
        identity: Identity,
        input: &Value,
        response: &Result<HttpResponse, SendError>,
    ) {
        let Some(creates) = &op.creates else { return };
        let lost = match response {
            Err(e) if !e.maybe_delivered => {
                self.ctx.ledger.settle(ticket, Fate::NotCreated);
                return;
            }
            Err(e) => format!("the answer to the create was lost ({e})"),
            // A client error created nothing; a server error may have.
            Ok(r) if (400..500).contains(&r.status) => {
                self.ctx.ledger.settle(ticket, Fate::NotCreated);
                return;
            }
            Ok(r) if !(200..300).contains(&r.status) => {
                format!("the create answered HTTP {}", r.status)
            }
            Ok(r) => {
                let body: Option<Value> = match r.truncated {
                    Some(_) => None,
                    None => crate::codec::of(self.service.spec.protocol)
                        .decode(&r.body)
                        .ok(),
                };
                match body.and_then(|b| undo_input(&creates.input, &b)) {
                    Some(undo) => {
                        self.ctx.ledger.settle(ticket, Fate::Created);
                        let _ = self.push_cleanup(Cleanup {
                            operation: creates.undo.clone(),
                            identity,
                            input: undo,
                            ticket: Some(ticket),
                        });
                        return;
                    }
                    None => format!(
                        "the create succeeded but its answer does not say what to pass to {}",
                        creates.undo
                    ),
                }
            }
        };
        let fate = match &creates.find {
            None => Fate::Left(format!("{lost}; the catalog names no way to find it")),
            Some(find) => {
                self.recover(ticket, find, &creates.undo, identity, input, &lost)
                    .await
            }
        };
        if let Fate::Left(why) = &fate {
            self.warnings.push(why.clone());
        }
        self.ctx.ledger.settle(ticket, fate);
    }

    /// A create that answered "throttled" and was tried again: the target says it did
    /// not run. Taken at its word only after looking: anything with its name that no
    /// other attempt's cleanup already covers is queued for deletion too.
    pub(super) async fn verify_not_created(
        &mut self,
        ticket: Ticket,
        op: &OperationSpec,
        identity: Identity,
        input: &Value,
    ) {
        let Some(creates) = &op.creates else { return };
        let fate = match &creates.find {
            None => Fate::NotCreated,
            Some(find) => {
                let lost = "a create answered as throttled was tried again";
                self.recover(ticket, find, &creates.undo, identity, input, lost)
                    .await
            }
        };
        if let Fate::Left(why) = &fate {
            self.warnings.push(why.clone());
        }
        self.ctx.ledger.settle(ticket, fate);
    }

    /// One page of the listing that looks for a lost create, decoded; what to report
    /// when the page cannot be had.
    async fn listing_page(
        &mut self,
        step: &Step,
        list_op: &crate::spec::OperationSpec,
        input: &Value,
        lost: &str,
    ) -> Result<Value, Fate> {
        let response = match self.call(0, step, list_op, input, Phase::Cleanup).await {
            Ok(r) if r.truncated.is_some() => {
                return Err(Fate::Left(format!(
                    "{lost}; listing to find it gave a body too large to read"
                )))
            }
            Ok(r) if (200..300).contains(&r.status) => r,
            Ok(r) => {
                return Err(Fate::Left(format!(
                    "{lost}; listing to find it answered HTTP {}",
                    r.status
                )))
            }
            Err(e) => {
                return Err(Fate::Left(format!(
                    "{lost}; listing to find it failed ({e})"
                )))
            }
        };
        crate::codec::of(self.service.spec.protocol)
            .decode(&response.body)
            .map_err(|_| Fate::Left(format!("{lost}; listing to find it gave no JSON")))
    }

    /// Finds what a create with a lost answer made, by listing, and queues its undo.
    fn recover<'s>(
        &'s mut self,
        ticket: Ticket,
        find: &'s FindCreated,
        undo: &'s str,
        identity: Identity,
        input: &'s Value,
        lost: &'s str,
    ) -> Pin<Box<dyn Future<Output = Fate> + Send + 's>> {
        Box::pin(async move {
            let key = input.get(&find.match_member).cloned();
            let unique = key
                .as_ref()
                .and_then(Value::as_str)
                .is_some_and(|k| k.contains(&self.ctx.run_id));
            let Some(key) = key.filter(|_| unique) else {
                return Fate::Left(format!(
                    "{lost}; its `{}` is not unique to this run, so it was not looked for",
                    find.match_member
                ));
            };
            if self.ctx.abandon.is_cancelled() {
                return Fate::Left(format!(
                    "{lost}; the run was stopped before it could be looked for"
                ));
            }
            let (list_op, paginator) = match self.service.operation(&find.list) {
                Some(op) => match op.paginator.clone() {
                    Some(p) => (op.clone(), p),
                    None => return Fate::Left(format!("{lost}; {} has no paginator", find.list)),
                },
                None => return Fate::Left(format!("{lost}; {} is not an operation", find.list)),
            };
            let step = Step::call(&find.list, identity);
            let mut page_input = Value::Object(Map::new());
            let mut found = 0;
            for _ in 0..MAX_RECOVERY_PAGES {
                let body = match self.listing_page(&step, &list_op, &page_input, lost).await {
                    Ok(body) => body,
                    Err(fate) => return fate,
                };
                let items = body.get(&paginator.items).and_then(Value::as_array);
                for item in items.into_iter().flatten() {
                    if item.get(&find.match_member) != Some(&key) {
                        continue;
                    }
                    let Some(undo_in) = undo_input(&find.input, item) else {
                        continue;
                    };
                    let queued = self.push_cleanup(Cleanup {
                        operation: undo.to_string(),
                        identity,
                        input: undo_in,
                        ticket: Some(ticket),
                    });
                    found += usize::from(queued);
                }
                match body.get(&paginator.output_token).and_then(Value::as_str) {
                    Some(t) if !t.is_empty() => {
                        page_input = serde_json::json!({ paginator.input_token.clone(): t });
                    }
                    _ => break,
                }
            }
            if found == 0 {
                Fate::NotCreated
            } else {
                Fate::Created
            }
        })
    }
}
