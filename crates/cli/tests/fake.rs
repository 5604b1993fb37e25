//! `twilio-chat fake` as a user runs it: start the binary, read the base URL and credentials it prints, make a
//! request to it, then stop it.

use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Child, ChildStdout, Command, Stdio};

use base64::Engine as _;

/// The running binary; killed when dropped, so a failed assertion leaves no process behind.
struct Running {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What the service printed: base URL, account SID, auth token.
struct Printed {
    base_url: String,
    account_sid: String,
    auth_token: String,
}

fn start(env: &[(&str, &str)]) -> (Running, Printed) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_twilio-chat"));
    command
        .args(["fake", "--bind", "127.0.0.1:0"])
        .env_remove("TWILIO_ACCOUNT_SID")
        .env_remove("TWILIO_AUTH_TOKEN")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in env {
        command.env(k, v);
    }
    let mut child = command.spawn().unwrap();
    let stdout = BufReader::new(child.stdout.take().unwrap());
    let mut running = Running { child, stdout };
    let mut printed = Printed {
        base_url: String::new(),
        account_sid: String::new(),
        auth_token: String::new(),
    };
    loop {
        let mut line = String::new();
        // End of output before the credentials means the binary exited: fail instead of waiting.
        assert!(
            running.stdout.read_line(&mut line).unwrap() > 0,
            "the binary stopped before printing its credentials"
        );
        let line = line.trim();
        if let Some(url) =
            line.strip_prefix("Local Twilio Chat and Conversations service listening on ")
        {
            printed.base_url = url.to_owned();
        } else if let Some(sid) = line.strip_prefix("TWILIO_ACCOUNT_SID=") {
            printed.account_sid = sid.to_owned();
        } else if let Some(token) = line.strip_prefix("TWILIO_AUTH_TOKEN=") {
            printed.auth_token = token.to_owned();
            break;
        }
    }
    (running, printed)
}

/// One `GET` with Basic credentials over a fresh connection; returns the whole response text.
fn get(base_url: &str, path: &str, user: &str, password: &str) -> String {
    let host = base_url.strip_prefix("http://").unwrap();
    let mut stream = TcpStream::connect(host).unwrap();
    let auth = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Basic {auth}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    response
}

#[test]
fn fake_prints_its_url_and_made_up_credentials_and_answers() {
    let (_running, printed) = start(&[]);
    assert!(
        printed.base_url.starts_with("http://127.0.0.1:"),
        "{}",
        printed.base_url
    );
    assert!(printed.account_sid.starts_with("AC") && printed.account_sid.len() == 34);
    let response = get(
        &printed.base_url,
        "/v2/Services",
        &printed.account_sid,
        &printed.auth_token,
    );
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    assert!(response.contains(r#""services":[]"#), "{response}");
}

#[test]
fn fake_uses_the_environment_credentials() {
    let sid = "AC0123456789abcdef0123456789abcdef";
    let (_running, printed) = start(&[
        ("TWILIO_ACCOUNT_SID", sid),
        ("TWILIO_AUTH_TOKEN", "local-token"),
    ]);
    assert_eq!(
        (printed.account_sid.as_str(), printed.auth_token.as_str()),
        (sid, "local-token")
    );
    let response = get(&printed.base_url, "/v2/Credentials", sid, "local-token");
    assert!(response.starts_with("HTTP/1.1 200"), "{response}");
    let refused = get(&printed.base_url, "/v2/Credentials", sid, "other");
    assert!(refused.starts_with("HTTP/1.1 401"), "{refused}");
    assert!(refused.contains(r#""code":20003"#), "{refused}");
}

#[test]
fn fake_refuses_a_malformed_account_sid() {
    let output = Command::new(env!("CARGO_BIN_EXE_twilio-chat"))
        .args(["fake"])
        .env("TWILIO_ACCOUNT_SID", "ACnope")
        .env("TWILIO_AUTH_TOKEN", "t")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.starts_with("error: TWILIO_ACCOUNT_SID: "),
        "{stderr}"
    );
}
