//! Replays the tokens Twilio's Python library minted with a frozen clock (`../shared/access-tokens/` beside the
//! checkout): for the same inputs and clock our token must be the same string, byte for byte, and must verify
//! to the claims the vector lists. Prints a summary line past the test harness's capture, or SKIPPED when the
//! vectors are absent.

use std::path::PathBuf;
use std::time::Duration;

use serde_json::Value;
use twilio_access_token::{AccessToken, ChatGrant, verify_at};

#[test]
fn twilio_python_tokens_are_reproduced_byte_for_byte() {
    let path = vectors_path();
    if !path.is_file() {
        summary(&format!(
            "access tokens: SKIPPED: {} not found",
            path.display()
        ));
        return;
    }
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let file: Value = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()));
    let vectors = file["vectors"]
        .as_array()
        .unwrap_or_else(|| panic!("{}: no `vectors` array", path.display()));
    assert!(
        !vectors.is_empty(),
        "{}: `vectors` is empty",
        path.display()
    );

    let mut failures = Vec::new();
    for (i, vector) in vectors.iter().enumerate() {
        let name = vector["name"]
            .as_str()
            .map_or_else(|| format!("vectors[{i}]"), str::to_owned);
        if let Err(e) = check(vector) {
            failures.push(format!("{name}: {e}"));
        }
    }
    let reproduced = vectors.len() - failures.len();
    summary(&format!(
        "access tokens: {reproduced}/{} reproduced byte for byte",
        vectors.len()
    ));
    assert!(
        failures.is_empty(),
        "{} of twilio-python's tokens differ:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

/// Mints the vector's token and compares it, then verifies it and compares the claims with its payload.
fn check(v: &Value) -> Result<(), String> {
    let text = |key: &str| {
        v[key]
            .as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("`{key}` is not a string"))
    };
    let now = v["now"].as_u64().ok_or("`now` is not an integer")?;
    let secret = text("api_secret")?;
    let mut builder = AccessToken::builder(text("account_sid")?, text("api_key_sid")?, &secret)
        .identity(text("identity")?);
    if let Some(ttl) = v["ttl"].as_u64() {
        builder = builder.ttl(Duration::from_secs(ttl));
    }
    if let Some(nbf) = v["nbf"].as_u64() {
        builder = builder.nbf(nbf);
    }
    if let Some(region) = v["region"].as_str() {
        builder = builder.region(region);
    }
    if !v["chat"].is_null() {
        let chat: ChatGrant =
            serde_json::from_value(v["chat"].clone()).map_err(|e| format!("`chat`: {e}"))?;
        builder = builder.chat_grant(chat);
    }
    let ours = builder
        .build()
        .and_then(|token| token.to_jwt_at(now))
        .map_err(|e| format!("minting failed: {e}"))?;
    let theirs = text("token")?;
    if ours != theirs {
        return Err(format!(
            "tokens differ\n  ours:   {ours}\n  theirs: {theirs}"
        ));
    }

    let claims = verify_at(&theirs, &secret, now).map_err(|e| format!("verify failed: {e}"))?;
    let payload = &v["payload"];
    let grants = &payload["grants"];
    let expected = [
        ("jti", Some(claims.jti.as_str()), payload["jti"].as_str()),
        ("iss", Some(claims.iss.as_str()), payload["iss"].as_str()),
        ("sub", Some(claims.sub.as_str()), payload["sub"].as_str()),
        (
            "identity",
            claims.identity.as_deref(),
            grants["identity"].as_str(),
        ),
        ("twr", claims.region.as_deref(), v["header"]["twr"].as_str()),
    ];
    for (claim, got, want) in expected {
        if got != want {
            return Err(format!(
                "claim {claim}: verify returned {got:?}, payload has {want:?}"
            ));
        }
    }
    if Some(claims.exp) != payload["exp"].as_u64() || claims.nbf != payload["nbf"].as_u64() {
        return Err(format!(
            "exp/nbf: verify returned {}/{:?}, payload has {}/{}",
            claims.exp, claims.nbf, payload["exp"], payload["nbf"]
        ));
    }
    let chat = claims
        .chat
        .map(|chat| serde_json::to_value(chat).map_err(|e| e.to_string()))
        .transpose()?;
    if chat.as_ref() != grants.get("chat") {
        return Err(format!(
            "chat grant: verify returned {chat:?}, payload has {:?}",
            grants.get("chat")
        ));
    }
    Ok(())
}

fn vectors_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/access-tokens/twilio-python-vectors.json")
}

/// Prints a summary line straight to stderr, past the test harness's output capture, so it shows in every run.
fn summary(line: &str) {
    use std::io::Write as _;
    let _ = writeln!(std::io::stderr(), "{line}");
}
