//! Teeth and no false failures, both directions: every deviation of the catalogue is
//! caught by its named killer cases, and every conformant variation passes every case.
//! One trial per mode, so a regression names the mode.

use std::collections::BTreeMap;

use libtest_mimic::{Failed, Trial};
use pat_conformance::mutants::{deviations, run_modes, variations, Class, Mode};

use crate::support::{block_on, suite};

pub fn trials() -> Vec<Trial> {
    let mut trials = vec![
        Trial::test("mutants::catalogue", catalogue),
        Trial::test("mutants::variations_take_effect", variations_take_effect),
    ];
    for mode in deviations().into_iter().chain(variations()) {
        let kind = if mode.is_deviation() {
            "deviation"
        } else {
            "variation"
        };
        let name = format!("mutants::{kind}::{}", mode.name);
        trials.push(Trial::test(name, move || check(mode)));
    }
    trials
}

fn check(mode: Mode) -> Result<(), Failed> {
    let s = suite();
    let matrix = block_on(run_modes(
        s.contract.clone(),
        &s.cases,
        vec![mode.clone()],
        8,
    ))?;
    let r = &matrix.modes[0];
    if mode.is_deviation() {
        if r.survived() {
            return Err(format!("`{}` survived: no case failed ({})", r.name, r.what).into());
        }
        if !r.missed_killers.is_empty() {
            return Err(format!(
                "`{}` was caught by {:?}, but its named killers {:?} passed",
                r.name, r.failed, r.missed_killers
            )
            .into());
        }
    } else if r.false_failure() {
        return Err(format!(
            "conformant variation `{}` failed {:?} (harness errors: {:?})",
            r.name, r.failed, r.errors
        )
        .into());
    }
    Ok(())
}

/// At least 30 deviations, several per class, every one naming a killer that exists.
fn catalogue() -> Result<(), Failed> {
    let devs = deviations();
    if devs.len() < 30 {
        return Err(format!("only {} deviations", devs.len()).into());
    }
    let mut per_class: BTreeMap<Class, usize> = BTreeMap::new();
    for d in &devs {
        *per_class.entry(d.class).or_default() += 1;
        if d.killers.is_empty() {
            return Err(format!("`{}` names no killer case", d.name).into());
        }
        for k in d.killers {
            if !suite().cases.iter().any(|c| c.id == *k) {
                return Err(format!("`{}` names killer `{k}`, which is not a case", d.name).into());
            }
        }
    }
    let classes = [
        Class::SuccessStatus,
        Class::RequiredMember,
        Class::TypeOrFormat,
        Class::ResponseConstraint,
        Class::ErrorStatusOrType,
        Class::InputValidation,
        Class::Pagination,
        Class::State,
        Class::IdentityIsolation,
        Class::Auth,
        Class::ContentType,
        Class::SecretLeak,
    ];
    for class in classes {
        let n = per_class.get(&class).copied().unwrap_or(0);
        if n < 2 {
            return Err(format!(
                "class `{}` has {n} deviation(s); several are needed",
                class.as_str()
            )
            .into());
        }
    }
    let mut names: Vec<&str> = devs
        .iter()
        .chain(&variations())
        .map(|m| m.name)
        .collect::<Vec<_>>();
    let all = names.len();
    names.sort();
    names.dedup();
    if names.len() != all {
        return Err("mode names are not unique".into());
    }
    if variations().len() < 7 {
        return Err("fewer variations than the issue lists".into());
    }
    // docs/mutants.md lists every mode: docs::mutant_catalogue_is_current.
    Ok(())
}

/// A variation that changes nothing proves nothing: each one's mark must show in what
/// the run recorded (requests, replies, headers) against it.
fn variations_take_effect() -> Result<(), Failed> {
    use pat_conformance::outcome::Exchange;
    type Seen = fn(&Exchange) -> bool;
    fn body(e: &Exchange) -> &str {
        e.response.as_ref().map_or("", |r| r.body.as_str())
    }
    fn has_header(e: &Exchange, name: &str, part: &str) -> bool {
        e.response.as_ref().is_some_and(|r| {
            r.headers
                .iter()
                .any(|(n, v)| n.eq_ignore_ascii_case(name) && v.contains(part))
        })
    }
    let marks: Vec<(&str, Seen)> = vec![
        ("ids-with-url-reserved-characters", |e| {
            e.request.url.contains("/v1/accessTokens/") && e.request.url.contains("%2F")
        }),
        ("error-messages-reworded", |e| {
            body(e).contains("Die Anfrage")
        }),
        ("wm-error-messages-absent", |e| {
            e.response.as_ref().is_some_and(|r| r.status == 400)
                && body(e).contains("__type")
                && !body(e).contains("Message")
        }),
        ("null-for-absent-members", |e| {
            body(e).contains("\"nextToken\":null") || body(e).contains("\"NextToken\":null")
        }),
        ("pretty-printed-json", |e| body(e).contains("\n  \"")),
        ("members-in-reverse-order", |e| {
            body(e).contains("{\"UserId\"")
        }),
        ("wm-epochs-in-exponent-notation", |e| body(e).contains("e9")),
        ("extra-response-headers", |e| {
            has_header(e, "x-amz-apigw-id", "")
        }),
        ("media-type-parameters", |e| {
            has_header(e, "content-type", "charset=UTF-8")
        }),
        ("opaque-page-tokens", |e| {
            body(e).contains("+/") && body(e).contains("==")
        }),
        ("default-page-size-two", |e| {
            e.request.method == "POST"
                && e.request.url.ends_with("/v1/accessTokens")
                && !e.request.body.contains("maxResults")
                && body(e).contains("nextToken")
        }),
        ("connection-close", |e| has_header(e, "connection", "close")),
        ("iam-xml-declared-and-indented", |e| {
            body(e).starts_with("<?xml") && body(e).contains("\n  <")
        }),
        ("iam-xml-prefixed-elements", |e| {
            body(e).contains("<iam:UserName>")
        }),
        ("iam-xml-member-order", |e| {
            body(e).contains("<member><UserName>")
        }),
        ("iam-xml-unknown-elements", |e| {
            body(e).contains("<PatConformanceExtra>")
        }),
        ("iam-xml-as-application-xml", |e| {
            has_header(e, "content-type", "application/xml")
        }),
        ("iam-request-id-forms", |e| {
            body(e).contains("0A1B2C3D4E5F6A7B-req")
        }),
        ("iam-empty-list-left-out", |e| {
            body(e).contains("</IsTruncated></ListServiceSpecificCredentialsResult>")
        }),
        ("empty-body-for-empty-output", |e| {
            e.request.method == "DELETE"
                && e.response
                    .as_ref()
                    .is_some_and(|r| r.status == 200 && r.body.is_empty())
        }),
    ];
    let modes = variations();
    for (name, seen) in marks {
        let mode = modes
            .iter()
            .find(|m| m.name == name)
            .ok_or_else(|| format!("no variation `{name}`"))?;
        let middleware = mode
            .middleware
            .clone()
            .ok_or("a variation without a middleware")?;
        let report = block_on(crate::support::run_wrapped(
            suite().cases.clone(),
            middleware,
            vec![],
        ));
        let shown = report.cases.iter().flat_map(|c| &c.exchanges).any(seen);
        if !shown {
            return Err(format!(
                "variation `{name}` left no mark on any exchange: it tests nothing"
            )
            .into());
        }
    }
    Ok(())
}
