//! The harness itself: a scenario that expects something other than what the client sends must fail, name the
//! scenario and show sent versus expected. Each case starts from a passing scenario file and changes one thing.

use conformance::Scenario;
use serde_json::json;

fn scenario(rel: &str) -> Scenario {
    conformance::load(&conformance::scenarios_dir().join(rel)).unwrap_or_else(|e| panic!("{e}"))
}

fn check(mut s: Scenario, change: impl FnOnce(&mut Scenario), expected_fragments: &[&str]) {
    change(&mut s);
    let err = conformance::replay_blocking(&s).expect_err("the changed scenario must fail");
    assert!(err.contains(&format!("scenario `{}`", s.name)), "{err}");
    for fragment in expected_fragments {
        assert!(err.contains(fragment), "missing `{fragment}` in:\n{err}");
    }
}

#[test]
fn the_unchanged_scenarios_pass() {
    for rel in [
        "operations/CreateRole.json",
        "pagination/three-pages.json",
        "errors/503-every-time.json",
    ] {
        conformance::replay_blocking(&scenario(rel)).unwrap_or_else(|e| panic!("{e}"));
    }
}

#[test]
fn a_different_form_value_fails_side_by_side() {
    check(
        scenario("operations/CreateRole.json"),
        |s| s.exchanges[0].request.form[0].1 = "something else".to_owned(),
        &["differs in: form", "sent", "expected", "something else"],
    );
}

#[test]
fn a_missing_repeated_form_pair_fails() {
    check(
        scenario("operations/CreateRole.json"),
        |s| {
            s.exchanges[0].request.form.pop();
        },
        &["differs in: form"],
    );
}

#[test]
fn a_different_authorization_fails() {
    check(
        scenario("operations/FetchService.json"),
        |s| {
            s.exchanges[0]
                .request
                .headers
                .insert("Authorization".into(), "Basic bm9wZTpub3Bl".into());
        },
        &["header Authorization", "Basic bm9wZTpub3Bl"],
    );
}

#[test]
fn a_header_that_must_be_absent_fails() {
    check(
        scenario("operations/CreateChannel.json"),
        |s| {
            s.exchanges[0]
                .request
                .absent_headers
                .push("X-Twilio-Webhook-Enabled".into())
        },
        &["must be absent"],
    );
}

#[test]
fn a_different_query_fails() {
    check(
        scenario("pagination/page-size.json"),
        |s| s.exchanges[0].request.query = vec![("PageSize".into(), "8".into())],
        &["differs in: query"],
    );
}

#[test]
fn fewer_attempts_than_expected_fails() {
    check(
        scenario("errors/503-every-time.json"),
        |s| s.exchanges[0].times = 5,
        &["was expected but never sent"],
    );
}

#[test]
fn more_requests_than_expected_fails() {
    check(
        scenario("pagination/three-pages.json"),
        |s| {
            s.exchanges.pop();
        },
        &["was sent but not expected"],
    );
}

#[test]
fn an_unknown_argument_fails() {
    check(
        scenario("operations/FetchService.json"),
        |s| {
            s.call.args.insert("Bogus".into(), json!("x"));
        },
        &["unknown argument(s) Bogus"],
    );
}

#[test]
fn a_missing_required_argument_fails() {
    check(
        scenario("operations/CreateRole.json"),
        |s| {
            s.call.args.remove("Permission");
        },
        &["missing required argument `Permission`"],
    );
}

#[test]
fn a_different_json_body_fails_side_by_side() {
    check(
        scenario("operations/CreateMediaSet.json"),
        |s| {
            s.exchanges[0].request.json = Some(json!({"command": "get", "list": []}));
        },
        &["differs in: json body", "body", "\"list\":[]"],
    );
}

#[test]
fn a_different_upload_body_fails_side_by_side() {
    check(
        scenario("operations/CreateMedia.json"),
        |s| s.exchanges[0].request.body_text = Some("other bytes".to_owned()),
        &["differs in: body", "other bytes", "PNG floor plan bytes"],
    );
}
