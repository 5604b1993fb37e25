//! Runs the built `twilio-chat` binary: `token` prints a JWT alone on stdout that verifies to the claims asked
//! for; bad or missing input prints one line on stderr, nothing on stdout, and exits with status 2.

use std::process::Command;

use twilio_access_token::{ChatGrant, verify};

const ACCOUNT: &str = "AC0123456789abcdef0123456789abcdef";
const KEY: &str = "SK0123456789abcdef0123456789abcdef";
const SECRET: &str = "cli-secret-never-printed";
const SERVICE: &str = "IS0123456789abcdef0123456789abcdef";

struct Output {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs the binary with exactly `env` as its environment.
fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_twilio-chat"))
        .args(args)
        .env_clear()
        .envs(env.iter().copied())
        .output()
        .expect("the binary runs");
    Output {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 stderr"),
    }
}

fn credentials() -> Vec<(&'static str, &'static str)> {
    vec![
        ("TWILIO_ACCOUNT_SID", ACCOUNT),
        ("TWILIO_API_KEY", KEY),
        ("TWILIO_API_SECRET", SECRET),
    ]
}

/// Asserts a usage failure: status 2, empty stdout, one line on stderr containing `needle`, no secret.
fn check_usage_error(args: &[&str], env: &[(&str, &str)], needle: &str) {
    let out = run(args, env);
    assert_eq!(out.code, Some(2), "{args:?}: stderr {:?}", out.stderr);
    assert_eq!(out.stdout, "", "{args:?}");
    assert_eq!(out.stderr.lines().count(), 1, "{args:?}: {:?}", out.stderr);
    assert!(
        out.stderr.starts_with("error: "),
        "{args:?}: {:?}",
        out.stderr
    );
    assert!(
        out.stderr.contains(needle),
        "{args:?}: {:?} lacks {needle:?}",
        out.stderr
    );
    assert!(
        !out.stderr.contains(SECRET),
        "{args:?}: the secret shows: {:?}",
        out.stderr
    );
}

/// Runs a successful `token` command and returns the JWT it printed.
fn token(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = run(args, env);
    assert_eq!(out.code, Some(0), "{args:?}: stderr {:?}", out.stderr);
    assert_eq!(out.stderr, "", "{args:?}");
    let jwt = out
        .stdout
        .strip_suffix('\n')
        .expect("a newline after the token");
    assert!(
        !jwt.contains(char::is_whitespace),
        "stdout holds more than the token: {:?}",
        out.stdout
    );
    jwt.to_owned()
}

#[test]
fn token_from_env_decodes_to_the_expected_claims() {
    let jwt = token(
        &[
            "token",
            "--identity",
            "alice",
            "--chat-service-sid",
            SERVICE,
        ],
        &credentials(),
    );
    let claims = verify(&jwt, SECRET).expect("the printed token verifies");
    assert_eq!(claims.identity.as_deref(), Some("alice"));
    assert_eq!(claims.chat, Some(ChatGrant::service(SERVICE)));
    assert_eq!(claims.iss, KEY);
    assert_eq!(claims.sub, ACCOUNT);
    let nbf = claims.nbf.expect("nbf");
    assert_eq!(claims.exp, nbf + 3600);
    assert_eq!(claims.jti, format!("{KEY}-{nbf}"));
    assert_eq!(claims.region, None);
    assert!(claims.other_grants.is_empty());
}

#[test]
fn every_grant_flag_ttl_nbf_and_region_reach_the_token() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let nbf = (now - 30).to_string();
    let jwt = token(
        &[
            "token",
            "--identity",
            "zoë 😀",
            "--chat-service-sid",
            SERVICE,
            "--endpoint-id",
            "app:zoë:laptop",
            "--push-credential-sid",
            "CR0123456789abcdef0123456789abcdef",
            "--deployment-role-sid",
            "RL0123456789abcdef0123456789abcdef",
            "--ttl",
            "600",
            "--nbf",
            &nbf,
            "--region",
            "ie1",
        ],
        &credentials(),
    );
    let claims = verify(&jwt, SECRET).expect("verifies");
    assert_eq!(claims.identity.as_deref(), Some("zoë 😀"));
    assert_eq!(
        claims.chat,
        Some(ChatGrant {
            service_sid: Some(SERVICE.into()),
            endpoint_id: Some("app:zoë:laptop".into()),
            deployment_role_sid: Some("RL0123456789abcdef0123456789abcdef".into()),
            push_credential_sid: Some("CR0123456789abcdef0123456789abcdef".into()),
        })
    );
    assert_eq!(claims.nbf, Some(now - 30));
    let issued: u64 = claims
        .jti
        .rsplit('-')
        .next()
        .and_then(|t| t.parse().ok())
        .expect("jti ends with the time");
    assert_eq!(claims.exp, issued + 600);
    assert_eq!(claims.region.as_deref(), Some("ie1"));
}

#[test]
fn flags_override_the_environment() {
    let env = [
        ("TWILIO_ACCOUNT_SID", "ACffffffffffffffffffffffffffffffff"),
        ("TWILIO_API_KEY", "SKffffffffffffffffffffffffffffffff"),
        ("TWILIO_API_SECRET", "the wrong secret"),
    ];
    let args = [
        "token",
        "--identity",
        "bob",
        "--account-sid",
        ACCOUNT,
        "--api-key",
        KEY,
        "--api-secret",
        SECRET,
    ];
    let claims = verify(&token(&args, &env), SECRET).expect("signed with the flag's secret");
    assert_eq!((claims.iss.as_str(), claims.sub.as_str()), (KEY, ACCOUNT));
    // Flags alone, with no environment at all.
    let claims = verify(&token(&args, &[]), SECRET).expect("verifies");
    assert_eq!(claims.identity.as_deref(), Some("bob"));
}

#[test]
fn missing_credentials_name_the_variable() {
    for (missing, needle) in [
        (
            "TWILIO_ACCOUNT_SID",
            "set TWILIO_ACCOUNT_SID or pass --account-sid",
        ),
        ("TWILIO_API_KEY", "set TWILIO_API_KEY or pass --api-key"),
        (
            "TWILIO_API_SECRET",
            "set TWILIO_API_SECRET or pass --api-secret",
        ),
    ] {
        let env: Vec<_> = credentials()
            .into_iter()
            .filter(|(name, _)| *name != missing)
            .collect();
        check_usage_error(&["token", "--identity", "alice"], &env, needle);
    }
    check_usage_error(&["token", "--identity", "alice"], &[], "TWILIO_ACCOUNT_SID");
}

#[test]
fn bad_ttl_is_refused() {
    for ttl in ["0", "86401", "999999999999"] {
        check_usage_error(
            &["token", "--identity", "a", "--ttl", ttl],
            &credentials(),
            "out of range",
        );
    }
    for ttl in ["abc", "1.5", "", "-5", "99999999999999999999999"] {
        let arg = format!("--ttl={ttl}");
        check_usage_error(&["token", "--identity", "a", &arg], &credentials(), "--ttl");
    }
    check_usage_error(
        &["token", "--identity", "a", "--ttl"],
        &credentials(),
        "--ttl",
    );
}

#[test]
fn other_bad_input_is_refused_in_one_line() {
    let env = credentials();
    check_usage_error(&["token"], &env, "--identity");
    check_usage_error(
        &["token", "--identity", ""],
        &env,
        "identity is missing or empty",
    );
    check_usage_error(
        &["token", "--identity", "a", "--region", ""],
        &env,
        "region is empty",
    );
    check_usage_error(
        &["token", "--identity", "a", "--chat-service-sid", ""],
        &env,
        "chat.service_sid",
    );
    check_usage_error(
        &["token", "--identity", "a", "--nbf", "99999999999"],
        &env,
        "never be valid",
    );
    check_usage_error(
        &["token", "--identity", "a", "--nbf", "soon"],
        &env,
        "--nbf",
    );
    check_usage_error(&["token", "--identity", "a", "--bogus"], &env, "--bogus");
    check_usage_error(
        &["token", "--identity", "a", "--api-key", ACCOUNT],
        &env,
        "must start with `SK`",
    );
    check_usage_error(
        &["token", "--identity", "a"],
        &[
            ("TWILIO_ACCOUNT_SID", KEY),
            ("TWILIO_API_KEY", KEY),
            ("TWILIO_API_SECRET", SECRET),
        ],
        "account SID must start with `AC`",
    );
    check_usage_error(&[], &env, "subcommand");
    check_usage_error(&["mint"], &env, "mint");
}

#[test]
fn help_documents_every_flag_and_hides_env_values() {
    let out = run(&["token", "--help"], &credentials());
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(out.stderr, "");
    for flag in [
        "--identity <IDENTITY>",
        "--chat-service-sid <IS...>",
        "--endpoint-id <ID>",
        "--push-credential-sid <CR...>",
        "--deployment-role-sid <RL...>",
        "--ttl <SECONDS>",
        "--nbf <UNIX>",
        "--region <REGION>",
        "--account-sid <AC...>",
        "--api-key <SK...>",
        "--api-secret <SECRET>",
        "[env: TWILIO_ACCOUNT_SID]",
        "[env: TWILIO_API_KEY]",
        "[env: TWILIO_API_SECRET]",
        "--help",
    ] {
        assert!(
            out.stdout.contains(flag),
            "--help lacks {flag}:\n{}",
            out.stdout
        );
    }
    for value in [SECRET, KEY, ACCOUNT] {
        assert!(!out.stdout.contains(value), "--help shows {value}");
    }
    // Every option line is followed by its description.
    let lines: Vec<&str> = out.stdout.lines().collect();
    let mut options = 0;
    for (i, line) in lines.iter().enumerate() {
        if line.trim_start().starts_with("--") {
            options += 1;
            let description = lines.get(i + 1).map_or("", |l| l.trim());
            assert!(!description.is_empty(), "{line} has no description");
        }
    }
    assert_eq!(options, 11, "{}", out.stdout);

    // The same token serves Conversations clients: the help says so.
    assert!(
        out.stdout.contains("Conversations SDKs")
            && out.stdout.contains("Chat or Conversations service SID"),
        "{}",
        out.stdout
    );

    let out = run(&["--help"], &[]);
    assert_eq!(out.code, Some(0));
    assert!(out.stdout.contains("token"), "{}", out.stdout);
}
