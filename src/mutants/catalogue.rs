//! The catalogue of modes as data, without running anything: what `mutants --list`
//! prints, and what `docs/mutants.md` embeds (a test keeps that copy current).

use std::fmt::Write;

use super::{Class, Mode};

/// One mode, as listed.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Entry {
    /// Stable name (`serve --mode NAME`).
    pub name: &'static str,
    /// What it breaks ([`Class::Conformant`] for variations).
    pub class: Class,
    /// The detail got wrong, or the liberty taken.
    pub what: &'static str,
    /// Cases that must fail against it (empty for variations).
    pub killers: &'static [&'static str],
}

/// Every deviation, then every variation.
pub fn catalogue() -> Vec<Entry> {
    let mut modes = super::deviations();
    modes.extend(super::variations());
    modes.iter().map(entry).collect()
}

fn entry(m: &Mode) -> Entry {
    Entry {
        name: m.name,
        class: m.class,
        what: m.what,
        killers: m.killers,
    }
}

fn counts(entries: &[Entry]) -> String {
    let deviations: Vec<&Entry> = entries
        .iter()
        .filter(|e| e.class != Class::Conformant)
        .collect();
    let mut classes: Vec<Class> = deviations.iter().map(|e| e.class).collect();
    classes.dedup();
    classes.sort();
    classes.dedup();
    format!(
        "{} deviations in {} classes; {} conformant variations",
        deviations.len(),
        classes.len(),
        entries.len() - deviations.len()
    )
}

/// The catalogue as plain text.
#[allow(clippy::ptr_arg)] // the shape `emit` takes
pub fn terminal(entries: &Vec<Entry>) -> String {
    let width = entries.iter().map(|e| e.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for e in entries {
        let _ = writeln!(
            out,
            "{:<width$}  {:<24} {}",
            e.name,
            e.class.as_str(),
            e.what
        );
    }
    let _ = writeln!(out, "\n{}", counts(entries));
    out
}

/// The catalogue as Markdown: a count line and one table.
#[allow(clippy::ptr_arg)] // the shape `emit` takes
pub fn markdown(entries: &Vec<Entry>) -> String {
    let mut out = format!("{}\n\n", counts(entries));
    out.push_str(
        "| mode | class | deviation / variation | must be caught by |\n|---|---|---|---|\n",
    );
    for e in entries {
        let killers: Vec<String> = e.killers.iter().map(|k| format!("`{k}`")).collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            e.name,
            e.class.as_str(),
            e.what.replace('|', "\\|"),
            killers.join(", ")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_name_deviations_classes_and_variations() {
        let entries = catalogue();
        let line = counts(&entries);
        let deviations = super::super::deviations().len();
        assert!(
            line.starts_with(&format!("{deviations} deviations in ")),
            "{line}"
        );
        assert!(markdown(&entries).lines().count() > entries.len());
    }
}
