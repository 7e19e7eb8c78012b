//! `report.md`: a summary that fits a PR comment and `$GITHUB_STEP_SUMMARY`.

use std::fmt::Write;

use crate::error::HarnessError;
use crate::outcome::Status;
use crate::report::compare::baseline::{Change, Comparison};
use crate::report::journal::{CaseSource, InMemory};
use crate::report::JsonReport;

/// GitHub rejects comments over 65,536 characters; stay well below.
const LIMIT: usize = 60_000;

fn change_rows(out: &mut String, title: &str, changes: &[Change]) {
    if changes.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n**{title}** ({})\n", changes.len());
    out.push_str("| case | expected | now | reason |\n|---|---|---|---|\n");
    for c in changes {
        let expected = c.expected.map_or("new", |e| e.as_str());
        let reason = match (&c.reason, &c.link) {
            (Some(r), Some(l)) => format!("{r} ([link]({l}))"),
            (Some(r), None) => r.clone(),
            (None, Some(l)) => format!("[link]({l})"),
            (None, None) => String::new(),
        };
        let _ = writeln!(
            out,
            "| `{}` | {expected} | {} | {} |",
            c.id,
            c.actual.as_str(),
            reason.replace('|', "\\|")
        );
    }
}

fn baseline(out: &mut String, c: &Comparison) {
    let verdict = if c.fails() {
        "❌ fails the gate"
    } else {
        "✅ passes the gate"
    };
    let _ = writeln!(out, "\n### Baseline: {verdict}");
    change_rows(out, "Regressions", &c.regressions);
    change_rows(out, "New failures", &c.new_failures);
    change_rows(out, "Fixed (update the baseline)", &c.fixed);
    change_rows(out, "Known failures", &c.known_failures);
}

/// The verdicts per operation and level, as in report.html.
fn by_operation(out: &mut String, briefs: &[crate::report::Brief]) {
    let rows = crate::report::files::overview::by_operation(briefs);
    if rows.is_empty() {
        return;
    }
    out.push_str("\n| service | operation | must | should |\n|---|---|---|---|\n");
    for row in rows {
        let mark = |c: &crate::report::files::overview::Counts| match c.verdict() {
            "fail" => format!("❌ {}", c.text()),
            "pass" => format!("✅ {}", c.text()),
            _ => c.text(),
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            row.service,
            row.operation,
            mark(&row.must),
            mark(&row.should)
        );
    }
}

/// Renders `report` as Markdown.
pub fn render(report: &JsonReport) -> String {
    // In memory, loading a case cannot fail.
    render_from(report, &InMemory::new(&report.cases)).unwrap_or_default()
}

/// Markdown from a report's head and its cases; only failed cases are read, without
/// their exchanges.
pub fn render_from(report: &JsonReport, cases: &dyn CaseSource) -> Result<String, HarnessError> {
    let s = &report.summary;
    let mark = if s.failed + s.errors > 0 {
        "❌"
    } else if s.skipped > 0 {
        "⚠️"
    } else {
        "✅"
    };
    let mut out = format!("## {mark} pat-conformance `{}`\n\n", report.run_id);
    out.push_str("| passed | failed | errors | skipped | time |\n|---|---|---|---|---|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {:.1} s |",
        s.passed,
        s.failed,
        s.errors,
        s.skipped,
        report.duration_ms as f64 / 1000.0
    );
    if let Some(line) = crate::report::not_run::of_report(s, cases.briefs()) {
        let _ = writeln!(out, "\n⚠️ **{line}**");
    }
    if !report.shards.is_empty() {
        let _ = writeln!(out, "\nShards: {}", report.shards.join(", "));
    }
    by_operation(&mut out, cases.briefs());
    if report.interrupted {
        out.push_str("\n⚠️ The run was interrupted; results are partial.\n");
    }
    // The warning stands on a line of its own: a fence must open its line.
    let mark = if report.ledger.clean() {
        ""
    } else {
        "\n⚠️ Something may be left on the target:\n"
    };
    let _ = writeln!(out, "{mark}\n```\n{}\n```", report.ledger.line());
    if let Some(c) = &report.baseline {
        baseline(&mut out, c);
    }
    let broken: Vec<_> = cases
        .briefs()
        .iter()
        .filter(|c| matches!(c.status, Status::Fail | Status::Error))
        .collect();
    if !broken.is_empty() {
        let _ = writeln!(out, "\n### Failures ({})\n", broken.len());
    }
    for (i, brief) in broken.iter().enumerate() {
        let case = cases.load(brief, false)?;
        let mut block = format!(
            "<details><summary><code>{}</code> [{}] {} — {}</summary>\n\n`{}:{}`\n\n",
            case.full_name(),
            case.level.as_str(),
            case.status.label(),
            case.title.replace('<', "&lt;"),
            case.file,
            case.line
        );
        if let Some(e) = &case.error {
            let _ = writeln!(block, "Harness error: {e}\n");
        }
        block.push_str("```diff\n");
        for g in crate::report::grouping::group(&case.failures) {
            block.push_str(&crate::report::grouping::render_group(&g));
            block.push('\n');
        }
        block.push_str("```\n\n");
        // A PR comment has little room: the full list is a click away in report.html.
        if crate::report::grouping::shortens(&case.failures) {
            let _ = writeln!(
                block,
                "{} findings, grouped above; each is listed in report.html and report.json.\n",
                case.failures.len()
            );
        }
        block.push_str("</details>\n\n");
        if out.len() + block.len() > LIMIT {
            let _ = writeln!(out, "\n…and {} more (see report.html).", broken.len() - i);
            break;
        }
        out.push_str(&block);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcome::{FinalListing, LeftBehind};

    #[test]
    fn the_cleanup_fence_opens_its_line_when_something_may_be_left() {
        let mut report = JsonReport::new("r");
        report.ledger.left.push(LeftBehind {
            case: "c".into(),
            operation: "CreateAccessToken".into(),
            identity: "default".into(),
            what: "name \"a\"".into(),
            reason: "the answer was lost".into(),
        });
        let text = render(&report);
        assert!(text.contains("⚠️ Something may be left"), "{text}");
        for (i, _) in text.match_indices("```") {
            assert!(
                i == 0 || text[..i].ends_with('\n'),
                "a fence mid-line:\n{text}"
            );
        }
        let mut unverified = JsonReport::new("r");
        unverified.ledger.listing = Some(FinalListing {
            unverified: vec!["codecatalyst as default: listing answered HTTP 500".into()],
            ..FinalListing::default()
        });
        assert!(!unverified.ledger.clean());
        assert!(render(&unverified).contains("⚠️ Something may be left"));
        assert!(JsonReport::new("r").ledger.clean());
    }
}
