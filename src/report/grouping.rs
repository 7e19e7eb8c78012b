//! One finding per deviation: a check that fails the same way on every element of an
//! array (`/PersonalAccessTokenSummaries/0/DateCreated`, `/1/…`, `/6/…`) is one group
//! with the path pattern (`/PersonalAccessTokenSummaries/*/DateCreated`), the count and
//! the first offending value; a schema finding that an assertion of the same step also
//! reports at the same path pattern is folded into the assertion's group. The console,
//! report.md and report.html show groups; `--verbose` and the reports' full lists keep
//! every finding.

use crate::outcome::{CheckKind, Failure};

/// Findings that say the same thing of every element of an array.
#[derive(Debug)]
pub(crate) struct Group<'a> {
    /// The first finding of the group, in the order they were found.
    pub(crate) first: &'a Failure,
    /// How many findings the group holds.
    pub(crate) count: usize,
    /// The steps they came from (calls of one operation), in order.
    steps: Vec<usize>,
    /// The path with array indices as `*`, when the message names a path.
    pattern: Option<String>,
    /// The first finding's offending value, when its message starts with one.
    value: Option<String>,
    /// The message after the path (and the value), the same for every member.
    rest: String,
    /// The schema check reported the same path pattern and was folded in here.
    schema_too: usize,
}

/// A finding's message taken apart: what comes before the path, the path, the value
/// the message starts with after it, and the rest.
struct Parts<'a> {
    head: &'a str,
    path: &'a str,
    value: Option<&'a str>,
    rest: &'a str,
}

/// The first `/…: ` path of `message`, and what surrounds it.
fn parts(message: &str) -> Option<Parts<'_>> {
    let start = if message.starts_with('/') {
        0
    } else {
        message.find(": /")? + 2
    };
    let after = &message[start..];
    let end = after.find(": ")?;
    let path = &after[..end];
    if path.contains(' ') {
        return None;
    }
    let tail = &after[end + 2..];
    let (value, rest) = leading_value(tail);
    Some(Parts {
        head: &message[..start],
        path,
        value,
        rest,
    })
}

/// A JSON string or number at the start of `text` followed by a space, and what
/// follows it.
fn leading_value(text: &str) -> (Option<&str>, &str) {
    let end = if let Some(body) = text.strip_prefix('"') {
        let mut escaped = false;
        body.char_indices()
            .find(|&(_, c)| {
                let close = c == '"' && !escaped;
                escaped = c == '\\' && !escaped;
                close
            })
            .map(|(i, _)| i + 2)
    } else {
        let n = text
            .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
            .unwrap_or(text.len());
        (n > 0 && text[..n].chars().any(|c| c.is_ascii_digit())).then_some(n)
    };
    match end {
        Some(end) if text[end..].starts_with(' ') => (Some(&text[..end]), &text[end + 1..]),
        _ => (None, text),
    }
}

/// `path` with every all-digit segment as `*`.
fn pattern_of(path: &str) -> String {
    path.split('/')
        .map(|s| {
            if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
                "*"
            } else {
                s
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// What makes two findings one group: the same check of the same operation, saying
/// the same at the same path pattern (in any step: a walk's pages fail alike).
fn key(f: &Failure) -> (&str, &str, Option<u64>, bool, String) {
    let shape = match parts(&f.message) {
        Some(p) => format!("{}{}: {}", p.head, pattern_of(p.path), p.rest),
        None => f.message.clone(),
    };
    (
        f.operation.as_str(),
        f.check.as_str(),
        f.line,
        f.level == crate::vocab::Level::Should,
        shape,
    )
}

/// `failures` grouped, in the order each group's first finding was found.
pub(crate) fn group(failures: &[Failure]) -> Vec<Group<'_>> {
    let mut groups: Vec<(_, Group<'_>)> = Vec::new();
    for f in failures {
        let k = key(f);
        if let Some((_, g)) = groups.iter_mut().find(|(gk, _)| *gk == k) {
            g.count += 1;
            if !g.steps.contains(&f.step) {
                g.steps.push(f.step);
            }
            continue;
        }
        let p = parts(&f.message);
        let group = Group {
            first: f,
            count: 1,
            steps: vec![f.step],
            pattern: p.as_ref().map(|p| pattern_of(p.path)),
            value: p.as_ref().and_then(|p| p.value.map(str::to_string)),
            rest: p.as_ref().map_or(String::new(), |p| p.rest.to_string()),
            schema_too: 0,
        };
        groups.push((k, group));
    }
    let mut groups: Vec<Group<'_>> = groups.into_iter().map(|(_, g)| g).collect();
    // A schema group whose path pattern an assertion of the same step also reports.
    let folded: Vec<(usize, usize)> = groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.first.check == CheckKind::Schema && g.pattern.is_some())
        .filter_map(|(i, s)| {
            groups
                .iter()
                .position(|a| {
                    a.first.check == CheckKind::Assertion
                        && a.steps == s.steps
                        && a.pattern == s.pattern
                })
                .map(|a| (i, a))
        })
        .collect();
    for &(schema, assertion) in &folded {
        groups[assertion].schema_too += groups[schema].count;
    }
    let drop: Vec<usize> = folded.iter().map(|(s, _)| *s).collect();
    let mut i = 0;
    groups.retain(|_| {
        i += 1;
        !drop.contains(&(i - 1))
    });
    groups
}

/// Whether grouping shortens `failures` (some group holds more than one finding, or a
/// schema finding was folded into an assertion's).
pub(crate) fn shortens(failures: &[Failure]) -> bool {
    group(failures).len() < failures.len()
}

/// A group as one finding: a group of one is rendered as the finding itself.
pub(crate) fn render_group(g: &Group<'_>) -> String {
    let single = g.count == 1 && g.schema_too == 0;
    if single {
        return super::render_failure(g.first);
    }
    let f = g.first;
    let level = match f.level {
        crate::vocab::Level::Must => "",
        crate::vocab::Level::Should => ", should",
    };
    let line = f.line.map_or(String::new(), |l| format!(", line {l}"));
    let message = match (&g.pattern, parts(&f.message)) {
        (Some(pattern), Some(p)) if g.count > 1 => {
            let first = g
                .value
                .as_deref()
                .map_or(String::new(), |v| format!(" (first: {v})"));
            format!("{}{pattern}: {} items: {}{first}", p.head, g.count, g.rest)
        }
        _ => f.message.clone(),
    };
    let also = match g.schema_too {
        0 => String::new(),
        n => format!(
            "; the schema check reports the same ({n} finding{})",
            plural(n)
        ),
    };
    let steps = match g.steps.as_slice() {
        [one] => format!("step {one}"),
        many => format!(
            "steps {}",
            many.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!(
        "{steps} {} [{}{level}{line}] {message}{also}",
        f.operation,
        f.check.as_str()
    )
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn failure(check: CheckKind, message: &str, line: Option<u64>) -> Failure {
        Failure {
            step: 1,
            operation: "ListPersonalAccessTokens".into(),
            check,
            message: message.into(),
            expected: None,
            actual: None,
            level: crate::vocab::Level::Must,
            line,
        }
    }

    #[test]
    fn array_elements_are_one_group_with_the_first_value() {
        let mut failures = Vec::new();
        for i in 0..7 {
            failures.push(failure(
                CheckKind::Schema,
                &format!("ListPersonalAccessTokensResponse: /PersonalAccessTokenSummaries/{i}/DateCreated: \"2026-01-0{i} 0:00\" is not of type \"number\""),
                None,
            ));
        }
        failures.push(failure(
            CheckKind::Schema,
            "ListPersonalAccessTokensResponse: /NextToken: 5 is not of type \"string\"",
            None,
        ));
        let groups = group(&failures);
        assert_eq!(groups.len(), 2);
        assert_eq!(
            render_group(&groups[0]),
            "step 1 ListPersonalAccessTokens [schema] ListPersonalAccessTokensResponse: /PersonalAccessTokenSummaries/*/DateCreated: 7 items: is not of type \"number\" (first: \"2026-01-00 0:00\")"
        );
        assert_eq!(
            render_group(&groups[1]),
            crate::report::render_failure(&failures[7])
        );
        assert!(shortens(&failures));
    }

    #[test]
    fn a_schema_finding_an_assertion_reports_too_is_folded_into_it() {
        let mut failures = Vec::new();
        for i in 0..3 {
            failures.push(failure(
                CheckKind::Schema,
                &format!("R: /Items/{i}/Date: \"x\" is not of type \"number\""),
                None,
            ));
        }
        for i in 0..3 {
            failures.push(failure(
                CheckKind::Assertion,
                &format!("/Items/{i}/Date: expected a number, got a string"),
                Some(43),
            ));
        }
        let groups = group(&failures);
        assert_eq!(groups.len(), 1);
        assert_eq!(
            render_group(&groups[0]),
            "step 1 ListPersonalAccessTokens [assertion, line 43] /Items/*/Date: 3 items: expected a number, got a string; the schema check reports the same (3 findings)"
        );
    }

    #[test]
    fn different_messages_or_lines_stay_apart() {
        let failures = vec![
            failure(
                CheckKind::Assertion,
                "/Items/0/Date: expected a number, got a string",
                Some(1),
            ),
            failure(
                CheckKind::Assertion,
                "/Items/1/Date: expected a number, got a string",
                Some(2),
            ),
            failure(
                CheckKind::Assertion,
                "/Items/2/Date: expected a number, got null",
                Some(1),
            ),
            failure(
                CheckKind::Outcome,
                "expected success (HTTP 200), got X: /a/0: b",
                None,
            ),
        ];
        assert_eq!(group(&failures).len(), 4);
        assert!(!shortens(&failures));
    }

    #[test]
    fn the_same_finding_in_every_step_of_a_walk_is_one_group() {
        let mut failures = Vec::new();
        for step in 1..=4 {
            for i in 0..2 {
                let mut f = failure(
                    CheckKind::Schema,
                    &format!("R: /Items/{i}/Date: \"x\" is not of type \"number\""),
                    None,
                );
                f.step = step;
                failures.push(f);
            }
        }
        let groups = group(&failures);
        assert_eq!(groups.len(), 1);
        assert!(
            render_group(&groups[0]).starts_with(
                "steps 1, 2, 3, 4 ListPersonalAccessTokens [schema] R: /Items/*/Date: 8 items:"
            ),
            "{}",
            render_group(&groups[0])
        );
    }

    #[test]
    fn values_are_read_whole() {
        assert_eq!(
            leading_value("\"a \\\" b\" is x"),
            (Some("\"a \\\" b\""), "is x")
        );
        assert_eq!(leading_value("12.5 is x"), (Some("12.5"), "is x"));
        assert_eq!(
            leading_value("expected a number"),
            (None, "expected a number")
        );
        assert_eq!(pattern_of("/A/10/B/x1"), "/A/*/B/x1");
    }
}
