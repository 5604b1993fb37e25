//! `twilio-chat migrate run` as users run it: the built binary against a server answering Chat v2, Chat v3 and
//! Conversations v1 (the in-test fake of `support/server.rs`, see `support/mod.rs` for running these against the
//! local service instead). Checks conversions through the server's own counts, so a channel lost or converted twice
//! fails the test.

mod support;

use std::time::{Duration, Instant};

use support::{Backend, Scenario, count, migrate_run, temp_dir, updates};

/// The in-test server of most tests (it can also refuse chosen channels and time each retry); the 1,000-channel,
/// killed-run and second-run tests run against the local service (`support::local::Local`) as well.
type Server = support::fake::Fake;

/// Every channel is private now, `public` of them went public → private exactly once, and none twice.
fn assert_converted_once(backend: &dyn Backend, public: usize) {
    let conversions = backend.conversions();
    let twice: Vec<_> = conversions.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "channels converted twice: {twice:?}");
    assert_eq!(
        conversions.values().filter(|n| **n == 1).count(),
        public,
        "channels lost"
    );
    assert!(backend.private().values().all(|p| *p));
}

/// Migrates 1,000 public channels at `concurrency` with every 10th request answered 429 (`Retry-After: 0`), and
/// prints the rate the run reports.
fn thousand_channels<S: Backend>(concurrency: &str) {
    let server = S::start(Scenario {
        public: 1000,
        throttle_every: 10,
        ..Scenario::default()
    });
    let dir = temp_dir(&format!("thousand-{concurrency}"));
    let ran = migrate_run(
        &server,
        &dir.join("state.json"),
        &["--concurrency", concurrency],
    );
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert_eq!(count(&ran.stdout, "converted"), 1000, "{}", ran.stdout);
    assert_eq!(count(&ran.stdout, "failed"), 0);
    assert_converted_once(&server, 1000);
    // Listing (10 pages), 1,000 conversions and 1,000 checks, plus the 429s: one request in ten is throttled.
    let throttled = server.throttled();
    assert!(throttled >= 200, "only {throttled} 429s were answered");
    assert_eq!(updates(&server), 1000, "an UpdateChannel was sent twice");
    assert_eq!(
        ran.stderr
            .lines()
            .filter(|l| l.contains(" converted"))
            .count(),
        1000,
        "plain progress lines"
    );
    let rate = ran.stdout.lines().last().unwrap();
    println!(
        "concurrency {concurrency}, 1 request in 10 answered 429 ({throttled} in all): {rate}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_thousand_public_channels_migrate_through_429s_at_concurrency_1() {
    thousand_channels::<Server>("1");
}

#[test]
fn on_the_local_service_a_thousand_public_channels_migrate_through_429s_at_concurrency_1() {
    thousand_channels::<support::local::Local>("1");
}

#[test]
fn on_the_local_service_a_thousand_public_channels_migrate_through_429s_at_concurrency_8() {
    thousand_channels::<support::local::Local>("8");
}

#[test]
fn a_thousand_public_channels_migrate_through_429s_at_concurrency_8() {
    thousand_channels::<Server>("8");
}

#[test]
fn retry_after_is_waited_for() {
    let server = Server::start(Scenario {
        public: 6,
        throttle_every: 4,
        retry_after_secs: 1,
        ..Scenario::default()
    });
    let dir = temp_dir("retry-after");
    let started = Instant::now();
    let ran = migrate_run(&server, &dir.join("state.json"), &["--concurrency", "2"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(server.throttled() >= 3, "{}", server.throttled());
    if let Some(early) = server.early_retries() {
        assert_eq!(early, 0, "a retry came before its Retry-After");
    }
    assert!(started.elapsed() >= Duration::from_secs(1));
    assert_converted_once(&server, 6);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_killed_run_resumes_without_losing_or_repeating_a_channel() {
    killed_run_resumes::<Server>();
}

#[test]
fn on_the_local_service_a_killed_run_resumes_without_losing_or_repeating_a_channel() {
    killed_run_resumes::<support::local::Local>();
}

fn killed_run_resumes<S: Backend>() {
    let server = S::start(Scenario {
        public: 500,
        convert_latency: Duration::from_millis(4),
        ..Scenario::default()
    });
    let dir = temp_dir("killed");
    let state = dir.join("state.json");
    let service = server.service_sid();
    let mut child = support::command(
        &server,
        &[
            "migrate",
            "run",
            "--service",
            &service,
            "--state",
            state.to_str().unwrap(),
            "--yes",
            "--concurrency",
            "2",
        ],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::null())
    .spawn()
    .unwrap();
    // Kill (SIGKILL: no chance to save anything) once the state file shows progress.
    let deadline = Instant::now() + Duration::from_secs(60);
    let recorded = loop {
        assert!(Instant::now() < deadline, "no progress in the state file");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        let recorded = std::fs::read_to_string(&state)
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .map_or(0, |v| v["channels"].as_object().map_or(0, |c| c.len()));
        if recorded >= 100 {
            break recorded;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    child.kill().unwrap();
    child.wait().unwrap();
    let converted_before = server.conversions().values().filter(|n| **n > 0).count();
    assert!(
        converted_before < 500,
        "the run finished before it was killed"
    );
    // The file is whole (written atomically) and records at least what was seen.
    let text = std::fs::read_to_string(&state).unwrap();
    let saved: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert!(saved["channels"].as_object().unwrap().len() >= recorded);

    let ran = migrate_run(&server, &state, &["--concurrency", "8"]);
    assert_eq!(ran.code, Some(0), "{ran:?}");
    assert!(
        count(&ran.stdout, "done before") >= recorded,
        "{}",
        ran.stdout
    );
    assert_eq!(
        count(&ran.stdout, "done before")
            + count(&ran.stdout, "converted")
            + count(&ran.stdout, "already private"),
        500,
        "{}",
        ran.stdout
    );
    assert_converted_once(&server, 500);
    let twice: Vec<_> = server
        .update_requests()
        .into_iter()
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(
        twice.is_empty(),
        "UpdateChannel sent other than once: {twice:?}"
    );
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn ctrl_c_stops_starting_channels_records_those_in_flight_and_the_run_resumes() {
    let server = Server::start(Scenario {
        public: 400,
        convert_latency: Duration::from_millis(4),
        ..Scenario::default()
    });
    let dir = temp_dir("ctrl-c");
    let state = dir.join("state.json");
    let service = server.service_sid();
    let child = support::command(
        &server,
        &[
            "migrate",
            "run",
            "--service",
            &service,
            "--state",
            state.to_str().unwrap(),
            "--yes",
            "--concurrency",
            "2",
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while updates(&server) < 50 {
        assert!(Instant::now() < deadline, "no progress");
        std::thread::sleep(Duration::from_millis(5));
    }
    let sent = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success());
    let ran = support::output(child.wait_with_output().unwrap());
    assert_eq!(ran.code, Some(1), "{ran:?}");
    let not_started = count(&ran.stdout, "interrupted");
    assert!(not_started > 0, "{}", ran.stdout);
    // Every channel the service converted is recorded: the state matches the service.
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    let recorded = saved["channels"].as_object().unwrap().len();
    assert_eq!(recorded as u64, updates(&server));
    assert_eq!(recorded + not_started, 400);
    let resumed = migrate_run(&server, &state, &[]);
    assert_eq!(resumed.code, Some(0), "{resumed:?}");
    assert_eq!(count(&resumed.stdout, "done before"), recorded);
    assert_eq!(count(&resumed.stdout, "converted"), not_started);
    assert_converted_once(&server, 400);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn a_second_run_changes_nothing() {
    second_run_changes_nothing::<Server>();
}

#[test]
fn on_the_local_service_a_second_run_changes_nothing() {
    second_run_changes_nothing::<support::local::Local>();
}

fn second_run_changes_nothing<S: Backend>() {
    let server = S::start(Scenario {
        public: 20,
        private: 5,
        ..Scenario::default()
    });
    let dir = temp_dir("second");
    let state = dir.join("state.json");
    let first = migrate_run(&server, &state, &[]);
    assert_eq!(first.code, Some(0), "{first:?}");
    assert_eq!(
        (
            count(&first.stdout, "converted"),
            count(&first.stdout, "already private")
        ),
        (20, 5)
    );
    let sent = updates(&server);
    let requests = server.requests();
    let second = migrate_run(&server, &state, &[]);
    assert_eq!(second.code, Some(0), "{second:?}");
    assert_eq!(count(&second.stdout, "converted"), 0);
    assert_eq!(count(&second.stdout, "done before"), 25);
    assert_eq!(updates(&server), sent, "the second run sent UpdateChannel");
    // Only the listing: one page.
    assert_eq!(server.requests(), requests + 1);
    // Without the state file, a run checks every channel and still converts nothing.
    std::fs::remove_file(&state).unwrap();
    let third = migrate_run(&server, &state, &[]);
    assert_eq!(third.code, Some(0), "{third:?}");
    assert_eq!(count(&third.stdout, "already private"), 25);
    assert_eq!(updates(&server), sent);
    assert_converted_once(&server, 20);
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn failed_channels_are_reported_with_reasons_exit_1_and_are_retried_next_time() {
    let server = Server::start(Scenario {
        public: 10,
        refuse: vec![3],
        ..Scenario::default()
    });
    let dir = temp_dir("failed");
    let state = dir.join("state.json");
    let ran = migrate_run(&server, &state, &[]);
    assert_eq!(ran.code, Some(1), "{ran:?}");
    assert_eq!(
        (
            count(&ran.stdout, "converted"),
            count(&ran.stdout, "failed")
        ),
        (9, 1)
    );
    let refused = format!("CH{:032x}", 3);
    let line = ran
        .stdout
        .lines()
        .find(|l| l.contains(&refused))
        .expect("the failed channel is listed");
    assert!(line.contains("Channel cannot be converted"), "{line}");
    assert!(ran.stderr.contains("1 channels failed"), "{}", ran.stderr);
    let saved = std::fs::read_to_string(&state).unwrap();
    assert!(saved.contains(r#""outcome": "failed""#), "{saved}");
    // The next run tries the failed channel again, and only it.
    let sent = updates(&server);
    let again = migrate_run(&server, &state, &[]);
    assert_eq!(again.code, Some(1));
    assert_eq!(count(&again.stdout, "done before"), 9);
    assert_eq!(updates(&server), sent, "a refused request is not counted");
    std::fs::remove_dir_all(dir).unwrap();
}

#[test]
fn without_yes_a_run_with_no_terminal_refuses_before_any_request() {
    let server = Server::start(Scenario {
        public: 3,
        ..Scenario::default()
    });
    let service = server.service_sid();
    let ran = support::output(
        support::command(&server, &["migrate", "run", "--service", &service])
            .output()
            .unwrap(),
    );
    assert_eq!(ran.code, Some(2), "{ran:?}");
    assert_eq!(ran.stdout, "");
    assert!(
        ran.stderr
            .starts_with("error: `migrate run` changes channels: pass --yes"),
        "{}",
        ran.stderr
    );
    assert_eq!(server.requests(), 0);
}
