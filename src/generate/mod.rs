//! Cases derived from `specs/` rather than written one by one: boundary and negative
//! inputs for every constrained input member, protocol-level cases (auth, malformed
//! bodies, content type, unknown members) and one fault case per modelled error.
//!
//! Generated cases carry the tag [`GENERATED_TAG`] (plus `boundary`, `protocol` or
//! `fault`), ids starting with `gen-`, and point at the operation in `service.yaml`.
//! They run, list and report exactly like hand-written ones.

mod boundary;
mod draft;
mod protocol;

use crate::case::{Case, CaseLoadErrors};
use crate::spec::Contract;

/// The tag every generated case has; `--exclude-tag generated` leaves them out.
pub const GENERATED_TAG: &str = "generated";

/// Every tag a generated case can carry: [`GENERATED_TAG`] and its family. A filter
/// that asks for none of them selects no generated case, and a run need not make any
/// (see `Filter::may_select_generated` in the runner).
pub const GENERATED_TAGS: [&str; 4] = [GENERATED_TAG, "boundary", "protocol", "fault"];

/// The id prefix reserved for generated cases.
pub use crate::case::GENERATED_PREFIX;

/// Every generated case of the contract, in a stable order, each resolved like a
/// hand-written case; the errors of every case the specs' `generate` makes invalid.
pub fn generated_cases(contract: &Contract) -> Result<Vec<Case>, CaseLoadErrors> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for service in &contract.services {
        for (name, op) in &service.spec.operations {
            let at = draft::Origin::new(service, name, op);
            let mut drafts = Vec::new();
            boundary::cases(&at, &mut drafts);
            protocol::cases(&at, &mut drafts);
            for d in drafts {
                match d.finish(&at) {
                    Ok(case) => cases.push(case),
                    Err(e) => errors.extend(e),
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(cases)
    } else {
        Err(CaseLoadErrors(errors))
    }
}

/// `CreateAccessToken` → `create-access-token`.
pub(crate) fn kebab(name: &str) -> String {
    let mut out = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && !chars[i - 1].is_ascii_uppercase();
            let next_lower = chars.get(i + 1).is_some_and(|n| n.is_ascii_lowercase());
            if i > 0 && (prev_lower || next_lower) {
                out.push('-');
            }
            out.push(c.to_ascii_lowercase());
        } else if c.is_ascii_alphanumeric() {
            out.push(*c);
        } else {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`GENERATED_TAGS`] is what `Filter::may_select_generated`
    /// trusts: every tag of every generated case is in it.
    #[test]
    fn every_generated_tag_is_a_listed_one() {
        let suite = crate::suite::Suite::bundled().expect("the built-in suite loads");
        let cases = generated_cases(&suite.contract).expect("generated cases resolve");
        for case in &cases {
            for tag in &case.tags {
                assert!(GENERATED_TAGS.contains(&tag.as_str()), "{}: {tag}", case.id);
            }
            assert!(case.id.starts_with(GENERATED_PREFIX), "{}", case.id);
        }
    }

    #[test]
    fn kebab_cases_names() {
        assert_eq!(kebab("CreateAccessToken"), "create-access-token");
        assert_eq!(kebab("maxResults"), "max-results");
        assert_eq!(kebab("OrganizationId"), "organization-id");
        assert_eq!(
            kebab("ServiceQuotaExceededException"),
            "service-quota-exceeded-exception"
        );
    }
}
