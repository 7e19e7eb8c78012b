//! The matrix as a terminal table and as Markdown.

use std::fmt::Write;

use super::{Matrix, Row};

/// Most case ids shown per row before "+N more".
const SHOWN: usize = 4;

fn cases_cell(row: &Row) -> String {
    if row.cases.is_empty() {
        return "GAP".to_string();
    }
    crate::text::head(&row.cases, SHOWN, str::to_string)
}

fn summary(matrix: &Matrix) -> String {
    let gaps = matrix.gaps().len();
    format!(
        "{} topics, {} covered, {gaps} gap{}",
        matrix.rows.len(),
        matrix.rows.len() - gaps,
        if gaps == 1 { "" } else { "s" }
    )
}

/// A plain-text table, one block per operation.
pub fn terminal(matrix: &Matrix) -> String {
    let mut out = String::new();
    let width = matrix
        .rows
        .iter()
        .map(|r| r.topic.chars().count())
        .max()
        .unwrap_or(0);
    let mut current = None;
    for row in &matrix.rows {
        let op = (&row.service, &row.operation);
        if current != Some(op) {
            let _ = writeln!(out, "\n{}::{}", row.service, row.operation);
            current = Some(op);
        }
        let _ = writeln!(
            out,
            "  {:<10} {:<width$}  {:>3}  {}",
            row.kind.as_str(),
            row.topic,
            row.cases.len(),
            cases_cell(row),
        );
    }
    let _ = writeln!(out, "\n{}", summary(matrix));
    out
}

fn cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

/// A Markdown document: one table per operation, gaps in bold.
pub fn markdown(matrix: &Matrix) -> String {
    let mut out = String::from("# Coverage\n\n");
    let _ = writeln!(out, "{}\n", summary(matrix));
    let mut current = None;
    for row in &matrix.rows {
        let op = (&row.service, &row.operation);
        if current != Some(op) {
            let _ = writeln!(out, "\n## {}::{}\n", row.service, row.operation);
            out.push_str("| kind | topic | detail | cases |\n|---|---|---|---|\n");
            current = Some(op);
        }
        let cases = if row.cases.is_empty() {
            "**GAP**".to_string()
        } else {
            row.cases
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(
            out,
            "| {} | `{}` | {} | {} |",
            row.kind.as_str(),
            row.topic,
            cell(&row.detail),
            cases
        );
    }
    out
}
