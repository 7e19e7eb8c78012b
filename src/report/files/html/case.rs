//! One case of the page: a summary line with its anchor, then (rendered when opened,
//! for passing and skipped cases) its failures with diffs and every exchange as HTTP,
//! the failing steps marked and open.

use std::collections::BTreeSet;
use std::fmt::Write;

use super::{esc, esc_text};
use crate::outcome::{CaseResult, Exchange, Status};

/// The case's anchor (`#case-<id>`; ids are unique in a suite).
pub(super) fn anchor(id: &str) -> String {
    format!("case-{id}")
}

fn diff_pre(text: &str) -> String {
    let mut out = String::from("<pre>");
    for line in text.lines() {
        let t = line.trim_start();
        let class = if t.starts_with('+') && !t.starts_with("+++") {
            "add"
        } else if t.starts_with('-') && !t.starts_with("---") {
            "del"
        } else {
            ""
        };
        let _ = writeln!(out, "<span class=\"{class}\">{}</span>", esc_text(line));
    }
    out.push_str("</pre>");
    out
}

/// A body as people read it: JSON indented, anything else as it came.
fn pretty(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .filter(|v| v.is_object() || v.is_array())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| body.to_string())
}

/// An exchange as HTTP/1.1 text: request line, headers, body; status line, headers,
/// body (all redacted when recorded).
fn http_text(x: &Exchange) -> String {
    let (target, host) = match x.request.url.parse::<http::Uri>() {
        Ok(u) => (
            u.path_and_query().map_or("/", |p| p.as_str()).to_string(),
            u.authority().map_or(String::new(), |a| a.to_string()),
        ),
        Err(_) => (x.request.url.clone(), String::new()),
    };
    let mut text = format!("{} {target} HTTP/1.1\n", x.request.method);
    if !host.is_empty()
        && !x
            .request
            .headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("host"))
    {
        let _ = writeln!(text, "host: {host}");
    }
    for (n, v) in &x.request.headers {
        let _ = writeln!(text, "{n}: {v}");
    }
    if !x.request.body.is_empty() {
        let _ = writeln!(text, "\n{}", pretty(&x.request.body));
    }
    match &x.response {
        Some(r) => {
            let reason = crate::report::reason_phrase(r.status);
            let _ = writeln!(
                text,
                "\nHTTP/1.1 {} {reason}    ({} ms)",
                r.status, x.elapsed_ms
            );
            for (n, v) in &r.headers {
                let _ = writeln!(text, "{n}: {v}");
            }
            if !r.body.is_empty() {
                let _ = writeln!(text, "\n{}", pretty(&r.body));
            }
        }
        None => text.push_str("\n(no response)\n"),
    }
    text
}

/// The case's body: where it is written, its verdict details, its exchanges.
fn body(c: &CaseResult) -> String {
    let mut out = String::new();
    let _ = write!(
        out,
        "<p class=\"muted\"><code>{}:{}</code> · {} ms{}</p>",
        esc(&c.file),
        c.line,
        c.duration_ms,
        if c.tags.is_empty() {
            String::new()
        } else {
            format!(" · tags: {}", esc(&c.tags.join(", ")))
        }
    );
    if let Some(e) = &c.error {
        let _ = write!(out, "<p>Harness error: {}</p>", esc(e));
    }
    if let Some(r) = &c.skip_reason {
        let _ = write!(out, "<p>Skipped: {}</p>", esc(r));
    }
    for g in crate::report::grouping::group(&c.failures) {
        out.push_str(&diff_pre(&crate::report::grouping::render_group(&g)));
    }
    if crate::report::grouping::shortens(&c.failures) {
        let _ = write!(
            out,
            "<details class=\"all-findings\"><summary>all {} findings</summary>",
            c.failures.len()
        );
        for f in &c.failures {
            out.push_str(&diff_pre(&crate::report::render_failure(f)));
        }
        out.push_str("</details>");
    }
    for w in &c.cleanup_warnings {
        let _ = write!(out, "<p>Cleanup: {}</p>", esc(w));
    }
    let failing: BTreeSet<usize> = c.failures.iter().map(|f| f.step).collect();
    for x in &c.exchanges {
        let step = if x.step == 0 {
            "cleanup".to_string()
        } else {
            format!("step {}", x.step)
        };
        let (class, open, mark) = if failing.contains(&x.step) && x.step > 0 {
            (" failing", " open", " ✘ failed here")
        } else {
            ("", "", "")
        };
        let status = x
            .response
            .as_ref()
            .map_or("no response".to_string(), |r| format!("HTTP {}", r.status));
        let _ = write!(
            out,
            "<details class=\"x{class}\"{open}><summary>{step} {} — {status}{mark}</summary><pre>{}</pre></details>",
            esc(&x.operation),
            esc_text(&http_text(x))
        );
    }
    out
}

/// The whole case element. Failing and erroring cases are open and rendered at once;
/// the others keep their body in a `<template>` until opened, so a page of 10,000
/// cases lays out only their summary lines.
pub(super) fn case_html(out: &mut String, c: &CaseResult) {
    let class = c.status.as_str();
    let broken = matches!(c.status, Status::Fail | Status::Error);
    let search = format!("{} {} {}", c.full_name(), c.title, c.tags.join(" ")).to_lowercase();
    let _ = write!(
        out,
        "<details class=\"case {class}\" id=\"{id}\" data-status=\"{class}\" data-level=\"{level}\" data-service=\"{service}\" data-operation=\"{operation}\" data-tags=\"{tags}\" data-search=\"{search}\"{open}>\
<summary><span class=\"st {class}\">{label}</span><a class=\"anchor\" href=\"#{id}\" title=\"link to this case\">#</a><code>{name}</code> [{level}] {title}</summary>",
        id = esc(&anchor(&c.id)),
        level = c.level.as_str(),
        service = esc(&c.service.to_lowercase()),
        operation = esc(&c.operation.to_lowercase()),
        tags = esc(&c.tags.join(" ").to_lowercase()),
        search = esc(&search),
        open = if broken { " open" } else { "" },
        label = c.status.label(),
        name = esc(&c.full_name()),
        title = esc(&c.title),
    );
    if broken {
        out.push_str(&body(c));
    } else {
        let _ = write!(out, "<template>{}</template>", body(c));
    }
    out.push_str("</details>\n");
}
