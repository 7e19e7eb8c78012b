//! A SIGKILLed IAM run, then `sweep --from` its report folder: IAM's credentials carry
//! no name, so what the run made is found by what it logged before each create
//! (`made-by-id.jsonl`): the ids its creates made, and what its first listing of a
//! user's credentials did not show. Counted with aws-sdk-iam; a credential that was
//! there before the run must survive, and a log line that does not read must not keep
//! the sweep from the rest.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use libtest_mimic::{Failed, Trial};
use pat_conformance::emulator::{Middleware, Reply, Request};

use crate::cli::{temp_dir, text};
use crate::sdk_iam::credential_ids;
use crate::support::{block_on, Background};

pub fn trials() -> Vec<Trial> {
    vec![Trial::test(
        "leftovers::iam_sigkill_then_sweep_from_its_folder_leaves_only_what_was_there",
        killed,
    )
    .with_ignored_flag(!cfg!(unix))]
}

/// Carries out every IAM create; answers the first `answered` at once and the rest a
/// minute later; refuses deletes (503) while `hold` is set: a killed run's creates
/// stay there to be counted.
struct SlowCreates {
    answered: usize,
    created: Arc<AtomicUsize>,
    hold: Arc<AtomicBool>,
}

impl Middleware for SlowCreates {
    fn handle(&self, req: &Request, inner: &dyn Fn(&Request) -> Reply) -> Reply {
        let body = String::from_utf8_lossy(&req.body);
        if body.contains("Action=DeleteServiceSpecificCredential")
            && self.hold.load(Ordering::SeqCst)
        {
            let mut busy = Reply::bytes(503, b"busy".to_vec(), "text/plain");
            busy.set_header("retry-after", "0");
            return busy;
        }
        let mut reply = inner(req);
        if body.contains("Action=CreateServiceSpecificCredential") && reply.status == 200 {
            let n = self.created.fetch_add(1, Ordering::SeqCst) + 1;
            if n > self.answered {
                reply.delay = Duration::from_secs(60);
            }
        }
        reply
    }
}

fn killed() -> Result<(), Failed> {
    let created = Arc::new(AtomicUsize::new(0));
    let hold = Arc::new(AtomicBool::new(true));
    // The credential made before the run (1st create), the run's first (answered, its
    // delete refused) and its second (carried out, never answered: the kill comes).
    let bg = Background::start(Some(Arc::new(SlowCreates {
        answered: 2,
        created: created.clone(),
        hold: hold.clone(),
    })));
    let iam = crate::sdk_iam::client_at(&bg.uri, &bg.profile);
    let user = bg.profile.vars["iam_user_name"]
        .as_str()
        .ok_or("a user var")?
        .to_string();
    let theirs = block_on(
        iam.create_service_specific_credential()
            .user_name(&user)
            .service_name("codecommit.amazonaws.com")
            .send(),
    )?;
    let theirs = theirs
        .service_specific_credential()
        .ok_or("a credential")?
        .service_specific_credential_id()
        .to_string();

    let dir = temp_dir("killed-iam");
    let profile = bg.write_profile(&dir);
    let reports = dir.join("reports");
    let run = [
        "--service",
        "iam",
        "--jobs",
        "2",
        "--id",
        "iam-create-password-credential",
        "--id",
        "iam-create-api-key",
    ];
    crate::leftovers::kill_when(&run, &profile, &reports, &created, 3)?;
    hold.store(false, Ordering::SeqCst);
    let before = credential_ids(&bg.profile, &iam)?;
    if created.load(Ordering::SeqCst) < 3 || before.len() < 3 {
        return Err(format!(
            "the killed run left {} credentials (1 was there before it): the test proves nothing",
            before.len()
        )
        .into());
    }
    let folder = crate::leftovers::report_folder(&reports)?;
    let sweep = |extra: &[&str]| crate::leftovers::run_sweep(&profile, extra);
    let from = folder.to_str().ok_or("path")?;
    // Only IAM, with a profile naming every service (as a real one does).
    let dry = sweep(&["--from", from, "--dry-run", "--service", "iam"])?;
    let listed = credential_ids(&bg.profile, &iam)?;
    if dry.status.code() != Some(0)
        || listed.len() != before.len()
        || !text(&dry).contains("would delete 2")
    {
        return Err(format!("a dry run must show 2 and delete nothing:\n{}", text(&dry)).into());
    }
    // A line that does not read (a hand edit, a bad disk) is named and skipped; the
    // rest is swept, and the exit says the sweep may be incomplete.
    let log = folder.join(pat_conformance::runner::MADE_BY_ID_FILE);
    let logged = std::fs::read_to_string(&log)?;
    std::fs::write(&log, format!("not a line of the log\n{logged}"))?;
    let out = sweep(&["--from", from])?;
    let left = credential_ids(&bg.profile, &iam)?;
    if out.status.code() != Some(3) || left != vec![theirs.clone()] {
        return Err(format!(
            "sweep exited {:?}; of {before:?} it left {left:?}, and only {theirs} was there before the run:\n{}",
            out.status.code(),
            text(&out)
        )
        .into());
    }
    let said = text(&out);
    // IAM's own line: the CodeCatalyst and WorkMail lines say "0 still listed" too.
    if !said
        .contains("iam as default: 2 listed that the run made (by id), deleted 2, 0 still listed")
        || !said.contains("made-by-id.jsonl line 1")
    {
        return Err(format!("sweep does not say what it found and what is left:\n{said}").into());
    }
    // Without the folder there is nothing to tell the run's credentials by: not swept.
    let run_id = folder.file_name().and_then(|f| f.to_str()).ok_or("name")?;
    let by_id = sweep(&["--run-id", run_id])?;
    if !text(&by_id).contains("iam: not swept") {
        return Err(format!("--run-id must say IAM is not swept:\n{}", text(&by_id)).into());
    }
    Ok(())
}
