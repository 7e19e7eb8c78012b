//! The suite this binary was built with — `specs/` and `cases/` — embedded in it, so a
//! copied or `cargo install`ed binary (or a container image) runs its suite with no
//! source tree. The loaders read folders, so the embedded copy is written out once per
//! build into the user's cache (`$XDG_CACHE_HOME`, else `~/.cache`, else the temp
//! folder) under a name that changes with its contents, and read from there.

use std::hash::Hasher;
use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir};

static SPECS: Dir = include_dir!("$CARGO_MANIFEST_DIR/specs");
static CASES: Dir = include_dir!("$CARGO_MANIFEST_DIR/cases");

/// The embedded `specs` and `cases` folders, written out if they are not yet.
pub fn dirs() -> std::io::Result<(PathBuf, PathBuf)> {
    let root = root();
    if !root.join(".complete").is_file() {
        write_out(&root)?;
    }
    Ok((root.join("specs"), root.join("cases")))
}

/// The folder the embedded copy is written to (worked out once: the fingerprint hashes
/// every embedded byte, and every case's file is named through it).
fn root() -> PathBuf {
    static ROOT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    ROOT.get_or_init(|| {
        cache_root().join(format!(
            "pat-conformance-{}-{:016x}",
            env!("CARGO_PKG_VERSION"),
            fingerprint()
        ))
    })
    .clone()
}

/// How a case or spec file is named to people: a file of the embedded suite as in
/// the repository (`cases/workmail/…/list.yaml`), not in the cache it was read from;
/// any other file relative to the working directory when it is under it.
pub fn shown(path: &Path) -> String {
    if let Ok(rel) = path.strip_prefix(root()) {
        return rel.display().to_string();
    }
    std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(cwd).ok().map(|p| p.display().to_string()))
        .unwrap_or_else(|| path.display().to_string())
}

/// The embedded suite's fingerprint, as 16 hex digits (in reports: which suite ran).
pub fn suite_fingerprint() -> String {
    format!("{:016x}", fingerprint())
}

/// Where the copy goes.
fn cache_root() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("XDG_CACHE_HOME")
        .or_else(|| var("HOME").map(|h| h.join(".cache")))
        .unwrap_or_else(std::env::temp_dir)
}

/// A hash of every embedded path and byte (FNV-1a over 8-byte words, so hashing the
/// 350 KB takes tens of microseconds, not a millisecond of every start): a new build
/// with other files gets another folder. Computed once per process.
fn fingerprint() -> u64 {
    static FINGERPRINT: std::sync::OnceLock<u64> = std::sync::OnceLock::new();
    *FINGERPRINT.get_or_init(compute_fingerprint)
}

fn compute_fingerprint() -> u64 {
    struct Fnv(u64);
    impl Hasher for Fnv {
        fn finish(&self) -> u64 {
            self.0
        }
        fn write(&mut self, bytes: &[u8]) {
            let mut words = bytes.chunks_exact(8);
            for word in &mut words {
                let word = u64::from_le_bytes(word.try_into().unwrap_or_default());
                self.0 = (self.0 ^ word).wrapping_mul(0x0100_0000_01b3);
            }
            for b in words.remainder() {
                self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
            }
        }
    }
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    for (tag, dir) in [("specs", &SPECS), ("cases", &CASES)] {
        h.write(tag.as_bytes());
        for file in files(dir) {
            h.write(file.path().to_string_lossy().as_bytes());
            h.write(&(file.contents().len() as u64).to_le_bytes());
            h.write(file.contents());
        }
    }
    h.finish()
}

/// Every file under `dir`, in a stable order.
fn files<'a>(dir: &'a Dir<'a>) -> Vec<&'a include_dir::File<'a>> {
    let mut out: Vec<_> = dir.files().collect();
    for sub in dir.dirs() {
        out.extend(files(sub));
    }
    out.sort_by_key(|f| f.path());
    out
}

/// Writes both folders into a fresh folder beside `root` and renames it into place, so
/// a reader never sees half a suite (two processes racing both succeed: the loser's
/// copy is removed).
fn write_out(root: &Path) -> std::io::Result<()> {
    let parent = root.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent)?;
    let staging = parent.join(format!(
        ".{}-{}",
        root.file_name().unwrap_or_default().to_string_lossy(),
        uuid::Uuid::new_v4()
    ));
    for (name, dir) in [("specs", &SPECS), ("cases", &CASES)] {
        for file in files(dir) {
            let path = staging.join(name).join(file.path());
            if let Some(p) = path.parent() {
                std::fs::create_dir_all(p)?;
            }
            std::fs::write(&path, file.contents())?;
        }
    }
    std::fs::write(staging.join(".complete"), b"")?;
    if std::fs::rename(&staging, root).is_err() {
        // Someone else finished first (or a stale partial copy is in the way).
        if root.join(".complete").is_file() {
            let _ = std::fs::remove_dir_all(&staging);
        } else {
            let _ = std::fs::remove_dir_all(root);
            std::fs::rename(&staging, root)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod shown_tests {
    use super::*;

    #[test]
    fn embedded_files_are_shown_as_in_the_repository() {
        let file = root().join("cases/workmail/ListPersonalAccessTokens/list.yaml");
        assert_eq!(
            shown(&file),
            "cases/workmail/ListPersonalAccessTokens/list.yaml"
        );
        let other = Path::new("/elsewhere/my-cases/x.yaml");
        assert_eq!(shown(other), "/elsewhere/my-cases/x.yaml");
    }
}
