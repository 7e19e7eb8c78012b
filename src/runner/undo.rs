//! Undoing creates: what a successful create made is queued for deletion; what a create
//! whose answer was lost made is found by listing and queued too. Every create's fate
//! goes into the run's ledger.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use serde_json::{Map, Value};

use super::execute::{Cleanup, Execution, Phase};
use super::ledger::{Fate, MadeById, Ticket};
use crate::case::Step;
use crate::spec::{FindCreated, OperationSpec};
use crate::transport::{HttpResponse, SendError};
use crate::vocab::Identity;

/// Most pages a recovery listing reads.
const MAX_RECOVERY_PAGES: usize = 100;

/// Input of an undo call: each member taken from `source` by JSON pointer.
pub(super) fn undo_input(
    members: &std::collections::BTreeMap<String, String>,
    source: &Value,
) -> Option<Value> {
    let mut input = Map::new();
    for (member, pointer) in members {
        input.insert(member.clone(), source.pointer(pointer)?.clone());
    }
    Some(Value::Object(input))
}

/// Why a listing (to find what a create made, or what is left) could not be had.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum ListingError {
    /// The spec names no such operation.
    #[error("{0} is not an operation")]
    NoOperation(String),
    /// The listing has no paginator to follow.
    #[error("{0} has no paginator")]
    NoPaginator(String),
    /// More pages than [`MAX_RECOVERY_PAGES`].
    #[error("{0} still had more pages after {MAX_RECOVERY_PAGES}")]
    Endless(String),
    /// A page over the body limit.
    #[error("listing {0} gave a body too large to read")]
    TooLarge(String),
    /// A page answered with an error status.
    #[error("listing {0} answered HTTP {1}")]
    Status(String, u16),
    /// The call failed.
    #[error("listing {0} failed ({1})")]
    Failed(String, String),
    /// A page that does not decode.
    #[error("listing {0} gave a body that does not decode")]
    Undecodable(String),
}

impl Execution<'_> {
    /// What identifies a create in the ledger: its `find.match` member, else its input.
    pub(super) fn describe_created(&self, op: &OperationSpec, input: &Value) -> String {
        let member = op
            .creates
            .as_ref()
            .and_then(|c| c.find.as_ref())
            .and_then(|f| f.match_member.as_deref());
        match member.and_then(|m| input.get(m).map(|v| (m, v))) {
            Some((m, v)) => format!("{m} {v}"),
            None => crate::text::clip(input.to_string(), 200),
        }
    }

    /// Whether what the create made can be found by listing (and by the final
    /// listing): its `find.match` member carries this run's id, or (`find.id`) the
    /// listing before it was had.
    pub(super) fn findable(&self, op: &OperationSpec, input: &Value) -> bool {
        let Some(find) = op.creates.as_ref().and_then(|c| c.find.as_ref()) else {
            return false;
        };
        match &find.match_member {
            Some(member) => self.carries_run_id(member, input) || self.before_create.is_some(),
            None => self.before_create.is_some(),
        }
    }

    /// Whether the create's `member` (its name) carries this run's id.
    fn carries_run_id(&self, member: &str, input: &Value) -> bool {
        input
            .get(member)
            .and_then(Value::as_str)
            .is_some_and(|k| k.contains(&self.ctx.run_id))
    }

    /// What a create's listing shows before it is sent: for a create found by id, the
    /// ids; for one whose name is too short to carry the run id, the items of that
    /// name (by [`item_key`]). `None` when it is neither, or the listing cannot be had.
    pub(super) async fn list_before(
        &mut self,
        op: &OperationSpec,
        identity: Identity,
        input: &Value,
    ) -> Option<BTreeSet<String>> {
        let find = op.creates.as_ref()?.find.as_ref()?;
        let Some(id) = find.id.as_ref() else {
            return self.list_before_by_name(find, identity, input).await;
        };
        let base = list_input(find, input)?;
        let items = self
            .list_all_with(&find.list, identity, base.clone())
            .await
            .ok()?;
        let ids = items
            .iter()
            .filter_map(|i| i.get(id).and_then(Value::as_str).map(str::to_string))
            .collect();
        // On disk before the create is sent: a killed run's create is then found by
        // `sweep --from` as what this listing did not show.
        self.ctx
            .ledger
            .listed_before(self.service.name(), identity, &base, &ids);
        Some(ids)
    }

    /// For a create found by a name too short to carry the run id: the items of that
    /// name the listing shows before it is sent, remembered and logged (so the final
    /// listing and `sweep --from` can tell what the run made from what was there).
    async fn list_before_by_name(
        &mut self,
        find: &FindCreated,
        identity: Identity,
        input: &Value,
    ) -> Option<BTreeSet<String>> {
        let member = find.match_member.as_deref()?;
        let name = input.get(member)?.as_str()?.to_string();
        if name.contains(&self.ctx.run_id) {
            return None;
        }
        let items = self.list_all(&find.list, identity).await.ok()?;
        let keys = items
            .iter()
            .filter(|i| i.get(member).and_then(Value::as_str) == Some(name.as_str()))
            .filter_map(|i| item_key(find, i))
            .collect();
        self.ctx
            .ledger
            .listed_by_name(self.service.name(), identity, &name, &keys);
        Some(keys)
    }

    /// Remembers what a create found by id made, for the final listing.
    fn remember_id(&self, find: &FindCreated, identity: Identity, input: &Value, made: &Value) {
        let (Some(id), Some(base)) = (find.id.as_ref(), list_input(find, input)) else {
            return;
        };
        if let Some(value) = made.get(id).and_then(Value::as_str) {
            self.ctx.ledger.made_by_id(MadeById {
                service: self.service.name().to_string(),
                identity,
                list_input: base,
                id: value.to_string(),
            });
        }
    }

    /// Settles a create's ledger entry from its answer, queueing its undo. Any answer
    /// but the create's success (a 4xx included: a target or a proxy may refuse after
    /// the work was done) is checked by listing before the create is declared not
    /// created, when its name can be found.
    pub(super) async fn settle_create(
        &mut self,
        ticket: Ticket,
        op: &OperationSpec,
        identity: Identity,
        input: &Value,
        response: &Result<HttpResponse, SendError>,
    ) {
        let Some(creates) = &op.creates else { return };
        let findable = self.findable(op, input);
        let lost = match response {
            Err(e) if !e.maybe_delivered => {
                self.ctx.ledger.settle(ticket, Fate::NotCreated);
                return;
            }
            Err(e) => format!("the answer to the create was lost ({e})"),
            // A client error should have created nothing: taken at its word only when
            // what it would have made cannot be looked for.
            Ok(r) if (400..500).contains(&r.status) && !findable => {
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
                        .decode_answer(&self.service.shapes, &op.output, &r.body)
                        .ok(),
                };
                match body.and_then(|b| undo_input(&creates.input, &b)) {
                    Some(undo) => {
                        self.ctx.ledger.settle(ticket, Fate::Created);
                        if let Some(find) = &creates.find {
                            self.remember_id(find, identity, input, &undo);
                        }
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

    /// Every item of `list` as `identity` sees it, following its paginator (at most
    /// [`MAX_RECOVERY_PAGES`] pages); why not, when a page cannot be had.
    pub(super) fn list_all<'s>(
        &'s mut self,
        list: &'s str,
        identity: Identity,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Value>, ListingError>> + Send + 's>> {
        self.list_all_with(list, identity, Map::new())
    }

    /// Like [`Execution::list_all`], every page called with the members `base` too.
    pub(super) fn list_all_with<'s>(
        &'s mut self,
        list: &'s str,
        identity: Identity,
        base: Map<String, Value>,
    ) -> Pin<Box<dyn Future<Output = Result<Vec<Value>, ListingError>> + Send + 's>> {
        Box::pin(async move {
            let Some(list_op) = self.service.operation(list).cloned() else {
                return Err(ListingError::NoOperation(list.to_string()));
            };
            let Some(paginator) = list_op.paginator.clone() else {
                return Err(ListingError::NoPaginator(list.to_string()));
            };
            let step = Step::call(list, identity);
            let mut page_input = Value::Object(base.clone());
            let mut items = Vec::new();
            for _ in 0..MAX_RECOVERY_PAGES {
                let body = self.listing_page(&step, &list_op, &page_input).await?;
                if let Some(Value::Array(page)) = body.get(&paginator.items) {
                    items.extend(page.iter().cloned());
                }
                match body.get(&paginator.output_token).and_then(Value::as_str) {
                    Some(t) if !t.is_empty() => {
                        let mut next = base.clone();
                        next.insert(paginator.input_token.clone(), Value::from(t));
                        page_input = Value::Object(next);
                    }
                    _ => return Ok(items),
                }
            }
            Err(ListingError::Endless(list.to_string()))
        })
    }

    /// One page of a listing, decoded; why not, when it cannot be had.
    async fn listing_page(
        &mut self,
        step: &Step,
        list_op: &crate::spec::OperationSpec,
        input: &Value,
    ) -> Result<Value, ListingError> {
        let list = step.operation.clone();
        let response = match self.call(0, step, list_op, input, Phase::Cleanup).await {
            Ok(r) if r.truncated.is_some() => return Err(ListingError::TooLarge(list)),
            Ok(r) if (200..300).contains(&r.status) => r,
            Ok(r) => return Err(ListingError::Status(list, r.status)),
            Err(e) => return Err(ListingError::Failed(list, e.to_string())),
        };
        crate::codec::of(self.service.spec.protocol)
            .decode_answer(&self.service.shapes, &list_op.output, &response.body)
            .map_err(|_| ListingError::Undecodable(list))
    }

    /// Finds what a create with a lost or refused answer made, by listing, and queues
    /// its undo. Every item found is accounted for: the first under `ticket`, any
    /// further one (a create carried out more than once) under an entry of its own.
    #[allow(clippy::too_many_arguments)]
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
            if let Some(id) = &find.id {
                return self
                    .recover_by_id(ticket, find, id, undo, identity, input, lost)
                    .await;
            }
            let member = find.match_member.clone().unwrap_or_default();
            let key = input.get(&member).cloned();
            // A name without the run id is the run's only if the listing before the
            // create did not show it.
            let carries = self.carries_run_id(&member, input);
            let before = if carries {
                None
            } else {
                self.before_create.clone()
            };
            let Some(key) = key.filter(|_| carries || before.is_some()) else {
                return Fate::Left(format!(
                    "{lost}; its `{member}` does not carry the run id and the listing before the create could not be had, so it was not looked for"
                ));
            };
            if self.ctx.abandon.is_cancelled() {
                return Fate::Left(format!(
                    "{lost}; the run was stopped before it could be looked for"
                ));
            }
            let items = match self.list_all(&find.list, identity).await {
                Ok(items) => items,
                Err(e) => return Fate::Left(format!("{lost}; {e}")),
            };
            let mut found = 0;
            for item in items {
                if item.get(&member) != Some(&key) {
                    continue;
                }
                let Some(undo_in) = undo_input(&find.input, &item) else {
                    continue;
                };
                if before
                    .as_ref()
                    .is_some_and(|b| b.contains(&key_of(&undo_in)))
                {
                    continue;
                }
                found += self.queue_found(ticket, found, undo, identity, undo_in);
            }
            fate_of(found)
        })
    }

    /// Queues the undo of one item a recovery listing found: the first (`found` 0)
    /// under `ticket`, any further one under an entry of its own. Returns 1 when it was
    /// queued, 0 when another attempt had queued it already.
    fn queue_found(
        &mut self,
        ticket: Ticket,
        found: usize,
        undo: &str,
        identity: Identity,
        input: Value,
    ) -> usize {
        let owner = if found == 0 {
            ticket
        } else {
            self.ctx.ledger.another(ticket, "found again by listing")
        };
        let queued = self.push_cleanup(Cleanup {
            operation: undo.to_string(),
            identity,
            input,
            ticket: Some(owner),
        });
        if !queued && owner != ticket {
            // Already queued by another attempt: not this entry's.
            self.ctx.ledger.settle(owner, Fate::NotCreated);
        }
        usize::from(queued)
    }

    /// Finds what a create found by id made: what the listing shows now and did not
    /// show before the create ([`Execution::before_create`]); each is queued for
    /// deletion, the first under `ticket`.
    #[allow(clippy::too_many_arguments)]
    fn recover_by_id<'s>(
        &'s mut self,
        ticket: Ticket,
        find: &'s FindCreated,
        id: &'s str,
        undo: &'s str,
        identity: Identity,
        input: &'s Value,
        lost: &'s str,
    ) -> Pin<Box<dyn Future<Output = Fate> + Send + 's>> {
        Box::pin(async move {
            let (Some(before), Some(base)) = (self.before_create.clone(), list_input(find, input))
            else {
                return Fate::Left(format!(
                    "{lost}; the listing before the create could not be had, so what it made cannot be told from what was there"
                ));
            };
            if self.ctx.abandon.is_cancelled() {
                return Fate::Left(format!(
                    "{lost}; the run was stopped before it could be looked for"
                ));
            }
            let items = match self.list_all_with(&find.list, identity, base).await {
                Ok(items) => items,
                Err(e) => return Fate::Left(format!("{lost}; {e}")),
            };
            let mut found = 0;
            for item in items {
                let Some(value) = item.get(id).and_then(Value::as_str) else {
                    continue;
                };
                if before.contains(value) {
                    continue;
                }
                let Some(undo_in) = undo_input(&find.input, &item) else {
                    continue;
                };
                self.remember_id(find, identity, input, &item);
                found += self.queue_found(ticket, found, undo, identity, undo_in);
            }
            fate_of(found)
        })
    }
}

/// What a recovery listing says of a create: made when it found something.
fn fate_of(found: usize) -> Fate {
    if found == 0 {
        Fate::NotCreated
    } else {
        Fate::Created
    }
}

/// What identifies a listed item: what deletes it (the undo's input), as JSON.
pub(crate) fn item_key(find: &FindCreated, item: &Value) -> Option<String> {
    undo_input(&find.input, item).map(|v| key_of(&v))
}

/// An item's key from its undo input (see [`item_key`]).
fn key_of(undo_input: &Value) -> String {
    undo_input.to_string()
}

/// The listing's input for a create found by id: `list_input`'s pointers into the
/// create's input (`None` when one points at nothing).
pub(super) fn list_input(find: &FindCreated, input: &Value) -> Option<Map<String, Value>> {
    match undo_input(&find.list_input, input)? {
        Value::Object(map) => Some(map),
        _ => None,
    }
}
