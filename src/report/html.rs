//! `report.html`: one self-contained file (inline CSS, no scripts, no network) with
//! every case, its failed checks and diffs, and its requests and responses.

use std::fmt::Write;

use super::journal::{CaseSource, InMemory};
use super::JsonReport;
use crate::outcome::{CaseResult, Status};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .6em}\
details{margin:.3em 0;border-left:4px solid #ccc;padding-left:.6em}\
.pass{border-color:#2a2}.fail{border-color:#d22}.error{border-color:#e80}.skip{border-color:#999}\
pre{background:#f6f6f6;padding:.6em;overflow:auto;white-space:pre-wrap}\
.add{color:#070}.del{color:#b00}summary{cursor:pointer}code{font-size:90%}";

fn diff_pre(text: &str) -> String {
    let mut out = String::from("<pre>");
    for line in text.lines() {
        let class = if line.trim_start().starts_with('+') && !line.trim_start().starts_with("+++") {
            "add"
        } else if line.trim_start().starts_with('-') && !line.trim_start().starts_with("---") {
            "del"
        } else {
            ""
        };
        let _ = writeln!(out, "<span class=\"{class}\">{}</span>", esc(line));
    }
    out.push_str("</pre>");
    out
}

fn case_html(out: &mut String, c: &CaseResult) {
    let class = c.status.as_str();
    let open = if matches!(c.status, Status::Fail | Status::Error) {
        " open"
    } else {
        ""
    };
    let _ = write!(
        out,
        "<details class=\"{class}\"{open}><summary><b>{}</b> <code>{}</code> [{}] {}</summary>",
        c.status.label(),
        esc(&c.full_name()),
        c.level.as_str(),
        esc(&c.title)
    );
    let _ = write!(
        out,
        "<p><code>{}:{}</code> · {} ms</p>",
        esc(&c.file),
        c.line,
        c.duration_ms
    );
    if let Some(e) = &c.error {
        let _ = write!(out, "<p>Harness error: {}</p>", esc(e));
    }
    if let Some(r) = &c.skip_reason {
        let _ = write!(out, "<p>Skipped: {}</p>", esc(r));
    }
    for f in &c.failures {
        out.push_str(&diff_pre(&super::render_failure(f)));
    }
    for w in &c.cleanup_warnings {
        let _ = write!(out, "<p>Cleanup: {}</p>", esc(w));
    }
    for x in &c.exchanges {
        let step = if x.step == 0 {
            "cleanup".to_string()
        } else {
            format!("step {}", x.step)
        };
        let mut text = format!("{} {}\n", x.request.method, x.request.url);
        for (n, v) in &x.request.headers {
            let _ = writeln!(text, "{n}: {v}");
        }
        let _ = writeln!(text, "\n{}", x.request.body);
        match &x.response {
            Some(r) => {
                let _ = writeln!(text, "\n← HTTP {} ({} ms)", r.status, x.elapsed_ms);
                for (n, v) in &r.headers {
                    let _ = writeln!(text, "{n}: {v}");
                }
                let _ = writeln!(text, "\n{}", r.body);
            }
            None => text.push_str("\n← no response\n"),
        }
        let _ = write!(
            out,
            "<details><summary>{step} {}</summary><pre>{}</pre></details>",
            esc(&x.operation),
            esc(&text)
        );
    }
    out.push_str("</details>\n");
}

/// Renders `report` as one HTML page.
pub fn render(report: &JsonReport) -> String {
    let mut out = Vec::new();
    // In memory, neither loading a case nor writing can fail.
    let _ = write(report, &InMemory::new(&report.cases), &mut out);
    String::from_utf8_lossy(&out).into_owned()
}

/// Writes the page for a report's head and its cases to `w`, one case at a time:
/// failures and errors first, then skips, then passes.
pub(crate) fn write(
    report: &JsonReport,
    cases: &dyn CaseSource,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let s = &report.summary;
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>pat-conformance {id}</title><style>{STYLE}</style></head><body>\n<h1>pat-conformance <code>{id}</code></h1>\n",
        id = esc(&report.run_id)
    );
    let _ = writeln!(
        out,
        "<table><tr><th>passed</th><th>failed</th><th>errors</th><th>skipped</th><th>time</th></tr><tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{:.1} s</td></tr></table>",
        s.passed, s.failed, s.errors, s.skipped, report.duration_ms as f64 / 1000.0
    );
    for (service, endpoint) in &report.endpoints {
        let _ = write!(
            out,
            "<p>{}: <code>{}</code></p>",
            esc(service),
            esc(endpoint)
        );
    }
    let _ = write!(out, "<pre>{}</pre>", esc(&report.ledger.line()));
    if let Some(c) = &report.baseline {
        let _ = write!(
            out,
            "<h2>Baseline</h2><p>{} regressed, {} new failures, {} fixed, {} known failures</p><ul>",
            c.regressions.len(), c.new_failures.len(), c.fixed.len(), c.known_failures.len()
        );
        for (label, list) in [
            ("regressed", &c.regressions),
            ("new failure", &c.new_failures),
            ("fixed", &c.fixed),
        ] {
            for ch in list {
                let _ = write!(out, "<li>{label}: <code>{}</code></li>", esc(&ch.id));
            }
        }
        out.push_str("</ul>");
    }
    out.push_str("<h2>Cases</h2>\n");
    w.write_all(out.as_bytes())?;
    let mut briefs: Vec<_> = cases.briefs().iter().collect();
    briefs.sort_by_key(|c| (c.status == Status::Pass, c.status == Status::Skip));
    for brief in briefs {
        let mut out = String::new();
        case_html(
            &mut out,
            &cases.load(brief, true).map_err(std::io::Error::other)?,
        );
        w.write_all(out.as_bytes())?;
    }
    w.write_all(b"</body></html>\n")
}
