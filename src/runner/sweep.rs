//! Sweeping by name: every identity's listing is read and whatever carries a run id is
//! deleted, then the listing is read again to count what is still there. A run does it
//! once its cases have ended (so its closing line says what a listing showed, not what
//! the ledger assumed); `pat-conformance sweep` does it for an earlier run that was
//! killed (SIGKILL, the OOM killer, a CI runner's hard cancel) or for every run.

use std::collections::BTreeMap;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde_json::Value;

use super::execute::{credentials, Ctx, Execution, Phase};
use super::made_log::{Logged, LoggedName};
use crate::case::Step;
use crate::outcome::FinalListing;
use crate::spec::{FindCreated, Service};
use crate::vocab::Identity;

/// The shape of a run id in a name (`20261122T103000Z-4f2a`): see [`super::new_run_id`].
static RUN_ID: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{8}T\d{6}Z-[0-9a-f]{4}").expect("a valid built-in pattern"));

/// Which names a sweep deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Names {
    /// Names that carry this run id.
    Run(String),
    /// Names that carry any run id this tool makes (`YYYYMMDDTHHMMSSZ-xxxx`): what
    /// every run of the suite names its tokens with.
    AnyRun,
}

impl Names {
    /// Whether a name is one of those swept.
    pub fn matches(&self, name: &str) -> bool {
        match self {
            Names::Run(id) => name.contains(id.as_str()),
            Names::AnyRun => RUN_ID.is_match(name),
        }
    }

    /// Whether `id` has the shape of a run id.
    pub fn is_run_id(id: &str) -> bool {
        RUN_ID
            .find(id)
            .is_some_and(|m| m.start() == 0 && m.end() == id.len())
    }
}

/// What sweeping one identity's listing of one service found and did.
#[derive(Debug, Clone, Default)]
pub struct Swept {
    /// The service.
    pub service: String,
    /// The identity whose listing was read.
    pub identity: String,
    /// Names (the `find.match` member) of the matching items the first listing showed.
    pub found: Vec<String>,
    /// Of those, deleted (the delete answered success, or "not found": gone already).
    pub deleted: usize,
    /// Matching items the listing still showed after the deletes.
    pub still_listed: usize,
    /// Why a listing or a delete failed: then nothing more is known.
    pub errors: Vec<String>,
    /// Found by id (what a run logged it made), not by name.
    pub by_id: bool,
    /// Why the service was not swept at all (what it creates carries no name), said to
    /// the person running the sweep; not a failure of the sweep.
    pub not_swept: Option<String>,
}

/// The create operations of `service` whose leftovers can be found by listing by
/// name: each with its `find`, the member holding the name, and the undo.
fn finders(service: &Service) -> Vec<(&FindCreated, &str, &str)> {
    finders_by(service, |f| f.match_member.as_deref())
}

/// The create operations of `service` whose leftovers are known by id (they carry no
/// name): each with its `find`, the id member, and the undo.
fn id_finders(service: &Service) -> Vec<(&FindCreated, &str, &str)> {
    finders_by(service, |f| f.id.as_deref())
}

/// The create operations whose `find` has a `key` member: with it and the undo.
fn finders_by<'s>(
    service: &'s Service,
    key: impl Fn(&'s FindCreated) -> Option<&'s str>,
) -> Vec<(&'s FindCreated, &'s str, &'s str)> {
    service
        .spec
        .operations
        .values()
        .filter_map(|op| op.creates.as_ref())
        .filter_map(|c| {
            let find = c.find.as_ref()?;
            Some((find, key(find)?, c.undo.as_str()))
        })
        .collect()
}

/// Whether what `service` creates is found by id (it carries no name): only a run
/// that remembers the ids (or logged them, see [`super::made_log`]) can find it again.
pub(crate) fn found_by_id(service: &Service) -> bool {
    !id_finders(service).is_empty()
}

/// Whether anything `service` creates can be found by listing.
pub(crate) fn sweepable(service: &Service) -> bool {
    !finders(service).is_empty()
}

/// Lists, deletes what `names` matches and what `short` says the run made under a
/// name too short for its id (those of this service and identity; unless `dry_run`),
/// and lists again.
pub(super) async fn sweep_one(
    ctx: &Ctx,
    service: &Service,
    identity: Identity,
    names: &Names,
    short: &[LoggedName],
    dry_run: bool,
) -> Swept {
    let mut out = Swept {
        service: service.name().to_string(),
        identity: identity.as_str().to_string(),
        ..Swept::default()
    };
    if let Err(why) = credentials(ctx, service, identity) {
        out.errors.push(why.to_string());
        return out;
    }
    let mut exec = Execution::detached(ctx, service, "(final listing)");
    for (find, member, undo) in finders(service) {
        let ours = |item: &Value| {
            let Some(name) = item.get(member).and_then(Value::as_str) else {
                return false;
            };
            names.matches(name)
                || super::undo::item_key(find, item).is_some_and(|key| {
                    short.iter().any(|s| {
                        s.service == service.name()
                            && s.identity == identity
                            && s.is_ours(name, &key)
                    })
                })
        };
        let matching =
            |items: Vec<Value>| -> Vec<Value> { items.into_iter().filter(ours).collect() };
        let found = match exec.list_all(&find.list, identity).await {
            Ok(items) => matching(items),
            Err(e) => {
                out.errors.push(e.to_string());
                continue;
            }
        };
        out.found.extend(found.iter().map(|i| {
            i.get(member)
                .and_then(Value::as_str)
                .unwrap_or_default()
                .to_string()
        }));
        if dry_run || found.is_empty() {
            out.still_listed += found.len();
            continue;
        }
        delete_listed(&mut exec, find, undo, identity, &found, &mut out).await;
        match exec.list_all(&find.list, identity).await {
            Ok(items) => out.still_listed += matching(items).len(),
            Err(e) => out.errors.push(format!("listing again: {e}")),
        }
    }
    out
}

/// Deletes each of `found` (listed items) with `undo`, counting what went.
async fn delete_listed(
    exec: &mut Execution<'_>,
    find: &FindCreated,
    undo: &str,
    identity: Identity,
    found: &[Value],
    out: &mut Swept,
) {
    let Some(undo_op) = exec.service.operation(undo).cloned() else {
        out.errors.push(format!("{undo} is not an operation"));
        return;
    };
    let step = Step::call(undo, identity);
    for item in found {
        if exec.ctx.abandon.is_cancelled() {
            out.errors.push("stopped by a second signal".into());
            break;
        }
        let Some(input) = super::undo::undo_input(&find.input, item) else {
            out.errors.push(format!(
                "a listed item lacks what {undo} needs: {}",
                crate::text::clip(item.to_string(), 200)
            ));
            continue;
        };
        match exec.call(0, &step, &undo_op, &input, Phase::Cleanup).await {
            Ok(r) if (200..300).contains(&r.status) || r.status == 404 => out.deleted += 1,
            Ok(r) => out
                .errors
                .push(format!("{undo} {input} answered HTTP {}", r.status)),
            Err(e) => out.errors.push(format!("{undo} {input} failed ({e})")),
        }
    }
}

/// For what carries no name: each listing a run's creates were made in (`logged`, of
/// this service and identity) is read, what the run made is deleted (unless
/// `dry_run`), and the listings are read again. What is the run's: see
/// [`Logged::is_ours`].
pub(super) async fn sweep_by_id(
    ctx: &Ctx,
    service: &Service,
    identity: Identity,
    logged: &[Logged],
    dry_run: bool,
) -> Swept {
    let mut out = Swept {
        service: service.name().to_string(),
        identity: identity.as_str().to_string(),
        by_id: true,
        ..Swept::default()
    };
    if let Err(why) = credentials(ctx, service, identity) {
        out.errors.push(why.to_string());
        return out;
    }
    let mut exec = Execution::detached(ctx, service, "(final listing)");
    for (find, id, undo) in id_finders(service) {
        for scope in logged {
            let ours = |items: Vec<Value>| -> Vec<Value> {
                items
                    .into_iter()
                    .filter(|i| {
                        i.get(id)
                            .and_then(Value::as_str)
                            .is_some_and(|v| scope.is_ours(v))
                    })
                    .collect()
            };
            let base = scope.list_input.clone();
            let found = match exec.list_all_with(&find.list, identity, base.clone()).await {
                Ok(items) => ours(items),
                Err(e) => {
                    out.errors.push(e.to_string());
                    continue;
                }
            };
            out.found.extend(found.iter().map(|i| {
                i.get(id)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_string()
            }));
            if dry_run || found.is_empty() {
                out.still_listed += found.len();
                continue;
            }
            delete_listed(&mut exec, find, undo, identity, &found, &mut out).await;
            match exec.list_all_with(&find.list, identity, base).await {
                Ok(items) => out.still_listed += ours(items).len(),
                Err(e) => out.errors.push(format!("listing again: {e}")),
            }
        }
    }
    out
}

/// What this run's creates of `service` made as `identity`, known by id, by the
/// listing that shows them.
fn made_by_this_run(ctx: &Ctx, service: &Service, identity: Identity) -> Vec<Logged> {
    let mut by_listing: BTreeMap<String, Logged> = BTreeMap::new();
    for made in ctx.ledger.ids(service.name(), identity) {
        let key = Value::Object(made.list_input.clone()).to_string();
        by_listing
            .entry(key)
            .or_insert_with(|| Logged {
                service: made.service.clone(),
                identity,
                list_input: made.list_input.clone(),
                ..Logged::default()
            })
            .made
            .insert(made.id);
    }
    by_listing.into_values().collect()
}

/// After the cases: every (service, identity) the run created something as is listed
/// and swept of this run's names. The summary, and the scopes whose last listing
/// showed none of this run's items.
pub(super) async fn final_listing(
    ctx: &Arc<Ctx>,
) -> Option<(FinalListing, Vec<(String, Identity)>)> {
    let scopes = ctx.ledger.scopes();
    if scopes.is_empty() {
        return None;
    }
    let mut listing = FinalListing::default();
    let mut clean = Vec::new();
    let names = Names::Run(ctx.run_id.clone());
    for (service_name, identity) in scopes {
        let label = format!("{service_name} as {}", identity.as_str());
        let Some(service) = ctx.contract.service(&service_name) else {
            continue;
        };
        let by_id = !id_finders(service).is_empty();
        if !sweepable(service) && !by_id {
            listing.unverified.push(format!(
                "{label}: the catalog names no listing to find creates by"
            ));
            continue;
        }
        if ctx.abandon.is_cancelled() {
            listing.unverified.push(format!(
                "{label}: the run was stopped before the final listing"
            ));
            continue;
        }
        let swept = if by_id {
            let made = made_by_this_run(ctx, service, identity);
            sweep_by_id(ctx, service, identity, &made, false).await
        } else {
            sweep_one(ctx, service, identity, &names, &ctx.ledger.names(), false).await
        };
        listing.listed.push(label.clone());
        listing.found += swept.found.len();
        listing.swept += swept.deleted;
        listing.still_listed += swept.still_listed;
        for e in &swept.errors {
            listing.unverified.push(format!("{label}: {e}"));
        }
        if swept.errors.is_empty() && swept.still_listed == 0 {
            clean.push((service_name, identity));
        }
    }
    Some((listing, clean))
}

#[cfg(test)]
mod tests {
    use super::Names;

    #[test]
    fn names_match_a_run_or_any_run() {
        let run = Names::Run("20261122T103000Z-4f2a".into());
        assert!(run.matches("pat-20261122T103000Z-4f2a-0000abcd"));
        assert!(!run.matches("pat-20261122T103000Z-4f2b-0000abcd"));
        assert!(Names::AnyRun.matches("pat-conformance 20261122T103000Z-4f2b-0000abcd"));
        assert!(!Names::AnyRun.matches("my-token-2026"));
        assert!(Names::is_run_id("20261122T103000Z-4f2a"));
        assert!(!Names::is_run_id("x20261122T103000Z-4f2a"));
        assert!(!Names::is_run_id("20261122T103000Z"));
    }
}
