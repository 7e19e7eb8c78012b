//! `report.html`: a conformance dashboard in one self-contained file (inline style and
//! script, no network): the run's facts, a matrix of service × operation × level, the
//! documented topics with their status, the baseline's changes, then every case with
//! an anchor, behind filters (status, level, service, operation, tag) and a search.

mod assets;
mod case;

use std::collections::BTreeSet;
use std::fmt::Write;

use crate::outcome::Status;
use crate::report::files::overview::{self, Counts};
use crate::report::journal::{Brief, CaseSource, InMemory};
use crate::report::JsonReport;

/// Text for a text node: `&`, `<` and `>` escaped, quotes kept (bodies are full of
/// them, and `&quot;` would make each one six bytes).
pub(super) fn esc_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Text for an attribute value or anywhere: quotes escaped too.
pub(super) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Renders `report` as one HTML page.
pub fn render(report: &JsonReport) -> String {
    let mut out = Vec::new();
    // In memory, neither loading a case nor writing can fail.
    let _ = write(report, &InMemory::new(&report.cases), &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// A matrix cell that filters the cases when clicked.
fn cell(counts: &Counts, set: &str) -> String {
    if counts.is_empty() {
        return "<td class=\"none\">—</td>".into();
    }
    format!(
        "<td class=\"{}\"><a href=\"#cases\" data-set=\"{}\">{}</a></td>",
        counts.verdict(),
        esc(set),
        esc(&counts.text())
    )
}

fn head(out: &mut String, report: &JsonReport, briefs: &[crate::report::journal::Brief]) {
    let s = &report.summary;
    let ok = s.failed + s.errors == 0;
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\"><title>pat-conformance {id}</title><style>{style}</style></head><body>\n\
<h1>Conformance report <span class=\"badge {verdict}\">{word}</span></h1>\n<dl class=\"meta\">",
        id = esc(&report.run_id),
        style = assets::STYLE,
        verdict = if ok { "pass" } else { "fail" },
        word = if ok { "conforms" } else { "does not conform" },
    );
    let mut fact = |k: &str, v: String| {
        let _ = write!(out, "<dt>{k}</dt><dd>{v}</dd>");
    };
    fact(
        "cases",
        format!(
            "{} passed, {} failed, {} errors, {} skipped",
            s.passed, s.failed, s.errors, s.skipped
        ),
    );
    if let Some(line) = crate::report::not_run::of_report(s, briefs) {
        fact("not run", esc(&line));
    }
    for (service, endpoint) in &report.endpoints {
        fact(&esc(service), format!("<code>{}</code>", esc(endpoint)));
    }
    fact("run", format!("<code>{}</code>", esc(&report.run_id)));
    if let Some(t) = &report.started_at {
        fact("started", esc(t));
    }
    fact(
        "duration",
        format!("{:.1} s", report.duration_ms as f64 / 1000.0),
    );
    if let Some(t) = &report.tool {
        fact("tool", esc(t));
    }
    if let Some(t) = &report.suite {
        fact("suite", esc(t));
    }
    if !report.shards.is_empty() {
        fact("shards", esc(&report.shards.join(", ")));
    }
    let cleanup = report.ledger.line();
    fact(
        "cleanup",
        esc(cleanup.strip_prefix("cleanup: ").unwrap_or(&cleanup)),
    );
    out.push_str("</dl>\n");
    if report.interrupted {
        out.push_str("<p><b>The run was interrupted: results are partial.</b></p>\n");
    }
}

fn matrix(out: &mut String, briefs: &[Brief]) {
    out.push_str("<h2 id=\"overview\">By operation</h2>\n<table class=\"matrix\"><tr><th>service</th><th>operation</th><th>must</th><th>should</th></tr>\n");
    for row in overview::by_operation(briefs) {
        let set = |level: &str| {
            format!(
                "{{\"service\":\"{}\",\"operation\":\"{}\",\"level\":\"{level}\"}}",
                row.service, row.operation
            )
        };
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td>{}</td>{}{}</tr>",
            esc(&row.service),
            esc(&row.operation),
            cell(&row.must, &set("must")),
            cell(&row.should, &set("should"))
        );
    }
    out.push_str("</table>\n");
}

fn topics(out: &mut String, report: &JsonReport, briefs: &[Brief]) {
    if report.coverage.is_empty() {
        return;
    }
    let status = overview::statuses(briefs);
    out.push_str("<h2 id=\"topics\">Documented topics</h2>\n<p class=\"muted\">Each error, input constraint and behaviour the documents give an operation, with the cases that check it.</p>\n");
    let mut ops: Vec<(&str, &str)> = report
        .coverage
        .iter()
        .map(|t| (t.service.as_str(), t.operation.as_str()))
        .collect();
    ops.dedup();
    for (service, operation) in ops {
        let rows: Vec<_> = report
            .coverage
            .iter()
            .filter(|t| t.service == service && t.operation == operation)
            .collect();
        let counts: Vec<Counts> = rows
            .iter()
            .map(|t| overview::topic_counts(t, &status))
            .collect();
        let failing = counts.iter().filter(|c| c.verdict() == "fail").count();
        let _ = write!(
            out,
            "<details{}><summary>{service} {operation}: {} topics, {failing} failing</summary><table><tr><th>topic</th><th>kind</th><th>status</th><th>cases</th></tr>",
            if failing > 0 { " open" } else { "" },
            rows.len()
        );
        for (t, c) in rows.iter().zip(&counts) {
            let links: Vec<String> = t
                .cases
                .iter()
                .map(|id| format!("<a href=\"#{}\">{}</a>", esc(&case::anchor(id)), esc(id)))
                .collect();
            let _ = write!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"{}\">{}</td><td>{}</td></tr>",
                esc(&t.topic),
                esc(&t.kind),
                c.verdict(),
                esc(&c.text()),
                links.join(", ")
            );
        }
        out.push_str("</table></details>\n");
    }
}

fn baseline(out: &mut String, report: &JsonReport) {
    let Some(c) = &report.baseline else { return };
    let _ = write!(
        out,
        "<h2 id=\"baseline\">Baseline</h2><p>{} regressed, {} new failures, {} fixed, {} known failures</p><ul>",
        c.regressions.len(),
        c.new_failures.len(),
        c.fixed.len(),
        c.known_failures.len()
    );
    for (label, list) in [
        ("regressed", &c.regressions),
        ("new failure", &c.new_failures),
        ("fixed", &c.fixed),
    ] {
        for ch in list {
            let _ = write!(
                out,
                "<li>{label}: <a href=\"#{}\"><code>{}</code></a></li>",
                esc(&case::anchor(&ch.id)),
                esc(&ch.id)
            );
        }
    }
    out.push_str("</ul>\n");
}

fn select(id: &str, label: &str, options: &BTreeSet<String>) -> String {
    let mut out = format!("<label>{label} <select id=\"f-{id}\"><option value=\"\">all</option>");
    for o in options {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", esc(o));
    }
    out.push_str("</select></label>");
    out
}

fn filters(out: &mut String, briefs: &[Brief]) {
    let set = |f: &dyn Fn(&Brief) -> Vec<String>| -> BTreeSet<String> {
        briefs.iter().flat_map(f).collect()
    };
    let statuses = set(&|b| vec![b.status.as_str().to_string()]);
    let levels = set(&|b| vec![b.level.as_str().to_string()]);
    let services = set(&|b| vec![b.service.to_lowercase()]);
    let operations = set(&|b| vec![b.operation.to_lowercase()]);
    let tags = set(&|b| b.tags.iter().map(|t| t.to_lowercase()).collect());
    let _ = write!(
        out,
        "<h2 id=\"cases\">Cases</h2>\n<div class=\"filters\">{}{}{}{}{}<label>search <input id=\"f-q\" type=\"search\" placeholder=\"id, title\"></label> <span id=\"f-count\" class=\"muted\"></span></div>\n",
        select("status", "status", &statuses),
        select("level", "level", &levels),
        select("service", "service", &services),
        select("operation", "operation", &operations),
        select("tag", "tag", &tags),
    );
}

/// Writes the page for a report's head and its cases to `w`, one case at a time:
/// failures and errors first, then skips, then passes.
pub(crate) fn write(
    report: &JsonReport,
    cases: &dyn CaseSource,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let briefs = cases.briefs();
    let mut out = String::new();
    head(&mut out, report, cases.briefs());
    matrix(&mut out, briefs);
    baseline(&mut out, report);
    topics(&mut out, report, briefs);
    filters(&mut out, briefs);
    w.write_all(out.as_bytes())?;
    let mut order: Vec<_> = briefs.iter().collect();
    order.sort_by_key(|c| (c.status == Status::Pass, c.status == Status::Skip));
    for brief in order {
        let mut out = String::new();
        case::case_html(
            &mut out,
            &cases.load(brief, true).map_err(std::io::Error::other)?,
        );
        w.write_all(out.as_bytes())?;
    }
    write!(w, "<script>{}</script>\n</body></html>\n", assets::SCRIPT)
}
