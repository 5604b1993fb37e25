//! Behaviour of code generated from the fixtures, run by `cargo test -p xtask` as crate `generated-behaviour` of the
//! temporary workspace under `target/twilio-oai-check` (it needs the fixtures' generated crates, so it is not a test
//! target of twilio-codegen itself): `oneOf` decoding and its JSON fallback, RFC 2822 date-times, boxed recursive models,
//! flattened additional properties, API v2010 pages with a defaulted `AccountSid`, a redirect answered without being followed,
//! and raw binary bodies and answers on an operation's own server.

#[cfg(test)]
mod tests {
    use fixture_one_of_models::{Circle, Geometry, Shape, ShapeSize, ShapeWhen};
    use futures_util::TryStreamExt;
    use httpmock::Method::GET;
    use httpmock::MockServer;
    use serde_json::json;

    const AC: &str = "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

    fn utc(year: u16, month: u8, day: u8, h: u8, m: u8, s: u8) -> twilio_rest_time::Timestamp {
        twilio_rest_time::Date::new(year, month, day)
            .and_then(|d| d.at(h, m, s))
            .expect("a valid date-time")
    }

    #[test]
    fn one_of_picks_the_first_alternative_that_fits() {
        let decode = |v: serde_json::Value| serde_json::from_value::<Geometry>(v).expect("decodes");
        assert!(matches!(decode(json!({"radius": 1.5})), Geometry::Circle(c) if c.radius == 1.5));
        assert!(matches!(decode(json!({"side": 2.0})), Geometry::Square(s) if s.side == 2.0));
        assert!(matches!(decode(json!({"label": "x"})), Geometry::Other(_)));
        assert!(matches!(decode(json!("hello")), Geometry::String(s) if s == "hello"));
        // Fits no alternative: kept as JSON, and serialized back unchanged.
        let other = decode(json!(42));
        assert_eq!(other, Geometry::Other2(json!(42)));
        assert_eq!(serde_json::to_value(&other).expect("encodes"), json!(42));

        let mut circle = Circle::default();
        circle.radius = 3.0;
        assert_eq!(
            serde_json::to_value(Geometry::Circle(circle)).expect("encodes"),
            json!({"radius": 3.0})
        );

        let shape: Shape = serde_json::from_value(json!({
            "size": ["a", "b"],
            "when": "Fri, 18 Oct 2019 17:00:00 +0000",
            "mixed": {"radius": 1, "side": 2}
        }))
        .expect("decodes");
        assert_eq!(
            shape.size,
            Some(ShapeSize::StringList(vec!["a".into(), "b".into()]))
        );
        let when = utc(2019, 10, 18, 17, 0, 0);
        assert_eq!(shape.when, Some(ShapeWhen::DateTime(when)));
        // allOf with several members is the documented serde_json::Value fallback.
        assert_eq!(shape.mixed, Some(json!({"radius": 1, "side": 2})));
        let back = serde_json::to_value(&shape).expect("encodes");
        assert_eq!(back["when"], json!("Fri, 18 Oct 2019 17:00:00 +0000"));
    }

    #[test]
    fn recursive_models_are_boxed_and_decode() {
        use fixture_recursive_models::{Expr, Node};
        let expr: Expr =
            serde_json::from_value(json!({"left": 1, "right": {"left": 2, "right": 3}}))
                .expect("decodes");
        let Expr::Sum(sum) = &expr else {
            panic!("not a sum: {expr:?}")
        };
        assert_eq!(sum.left.as_deref(), Some(&Expr::I64(1)));
        assert!(matches!(sum.right.as_deref(), Some(Expr::Sum(_))));
        assert_eq!(
            serde_json::to_value(&expr).expect("encodes"),
            json!({"left": 1, "right": {"left": 2, "right": 3}})
        );
        let node: Node = serde_json::from_value(json!({"name": "a", "parent": {"name": "root"}}))
            .expect("decodes");
        assert_eq!(node.parent.and_then(|p| p.name).as_deref(), Some("root"));
    }

    #[test]
    fn additional_properties_beside_named_ones_are_kept() {
        let limits: fixture_additional_properties_models::Limits =
            serde_json::from_value(json!({"daily": 5, "hourly": 2, "weekly": 30}))
                .expect("decodes");
        assert_eq!(limits.daily, Some(5));
        assert_eq!(
            limits.additional_properties,
            [("hourly".to_owned(), 2), ("weekly".to_owned(), 30)].into()
        );
        assert_eq!(
            serde_json::to_value(&limits).expect("encodes"),
            json!({"daily": 5, "hourly": 2, "weekly": 30})
        );
    }

    #[test]
    fn rfc2822_date_times_round_trip() {
        let note: fixture_rfc2822_models::Note = serde_json::from_value(json!({
            "date_created": "Fri, 18 Oct 2019 17:00:00 +0000",
            "date_sent": "Sat, 19 Oct 2019 01:02:03 +0200",
            "date_updated": "2019-10-18T17:00:00Z",
            "api_version": "2010-04-01"
        }))
        .expect("decodes");
        assert_eq!(
            note.date_created,
            Some(utc(2019, 10, 18, 17, 0, 0))
        );
        assert_eq!(
            note.date_sent,
            utc(2019, 10, 18, 23, 2, 3)
        );
        let back = serde_json::to_value(&note).expect("encodes");
        assert_eq!(
            back["date_created"],
            json!("Fri, 18 Oct 2019 17:00:00 +0000")
        );
        assert_eq!(back["date_sent"], json!("Fri, 18 Oct 2019 23:02:03 +0000"));
        assert_eq!(back["date_updated"], json!("2019-10-18T17:00:00Z"));
        let missing: Result<fixture_rfc2822_models::Note, _> =
            serde_json::from_value(json!({"date_sent": "yesterday"}));
        assert!(missing.is_err());
    }

    fn client<C: From<twilio_rest_runtime::Client>>(server: &MockServer, default: &str) -> C {
        twilio_rest_runtime::ClientBuilder::<C>::new(default)
            .credentials(
                twilio_rest_runtime::Credentials::auth_token(AC, "token").expect("credentials"),
            )
            .base_url(server.base_url())
            .allow_insecure_http(true)
            .retry_policy(twilio_rest_runtime::RetryPolicy::none())
            .build()
            .expect("client")
    }

    fn call_page(sid: &str, next: Option<&str>) -> serde_json::Value {
        json!({
            "calls": [{"sid": sid, "to": "+15558675310"}],
            "end": 0, "start": 0, "page": 0, "page_size": 1,
            "first_page_uri": format!("/2010-04-01/Accounts/{AC}/Calls.json?PageSize=1&Page=0"),
            "next_page_uri": next,
            "previous_page_uri": null,
            "uri": format!("/2010-04-01/Accounts/{AC}/Calls.json?PageSize=1&Page=0")
        })
    }

    #[tokio::test]
    async fn v2010_pages_follow_next_page_uri_under_the_clients_account() {
        let server = MockServer::start_async().await;
        let path = format!("/2010-04-01/Accounts/{AC}/Calls.json");
        let next = format!("{path}?PageSize=1&Page=1&PageToken=PA1");
        let first = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(path.clone())
                    .query_param("PageSize", "1")
                    .query_param_missing("PageToken");
                then.status(200).json_body(call_page("CA1", Some(&next)));
            })
            .await;
        let second = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(path.clone())
                    .query_param("PageToken", "PA1");
                then.status(200).json_body(call_page("CA2", None));
            })
            .await;
        let client: fixture_v2010_page::Client = client(&server, "https://api.twilio.com");
        let calls: Vec<_> = client
            .calls()
            .list()
            .page_size(1)
            .stream()
            .try_collect()
            .await
            .expect("two pages");
        let sids: Vec<_> = calls.iter().filter_map(|c| c.sid.as_deref()).collect();
        assert_eq!(sids, ["CA1", "CA2"]);
        first.assert_async().await;
        second.assert_async().await;

        let page = client
            .calls()
            .list()
            .page_size(1)
            .send()
            .await
            .expect("page");
        assert_eq!(page.records.len(), 1);
        assert_eq!(
            page.next_page_url().map(|u| u.ends_with("PageToken=PA1")),
            Some(true)
        );
    }

    #[tokio::test]
    async fn account_sid_defaults_to_the_client_and_can_be_set() {
        let server = MockServer::start_async().await;
        let sub = "ACbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
        let own = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/2010-04-01/Accounts/{AC}/Calls/CA1.json"));
                then.status(200).json_body(json!({"sid": "CA1"}));
            })
            .await;
        let other = server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/2010-04-01/Accounts/{sub}/Calls/CA1.json"));
                then.status(200).json_body(json!({"sid": "CA1"}));
            })
            .await;
        let redirect = server
            .mock_async(|when, then| {
                when.method(GET).path(format!(
                    "/2010-04-01/Accounts/{AC}/Recordings/RE1/Data.json"
                ));
                then.status(307)
                    .header("Location", "https://example.com/data")
                    .json_body(json!({"redirect_to": "https://example.com/data"}));
            })
            .await;
        let client: fixture_account_sid_default::Client = client(&server, "https://api.twilio.com");
        client.call("CA1").fetch().await.expect("own account");
        client
            .call("CA1")
            .fetch()
            .account_sid(sub)
            .await
            .expect("subaccount");
        let data = client
            .recording("RE1")
            .data()
            .fetch()
            .await
            .expect("redirect body");
        assert_eq!(
            data.redirect_to.as_deref(),
            Some("https://example.com/data")
        );
        own.assert_async().await;
        other.assert_async().await;
        redirect.assert_async().await;
    }
    #[tokio::test]
    async fn binary_bodies_go_to_their_own_server_with_their_media_type() {
        use httpmock::Method::POST;
        let store = MockServer::start_async().await;
        let main = MockServer::start_async().await;
        let upload = store
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/v1/Folders/FO1/Files")
                    .query_param("Filename", "plan v2.png")
                    .header("content-type", "image/png")
                    .header("content-length", "4")
                    .body("\u{1}PNG");
                then.status(201)
                    .json_body(json!({"sid": "FI1", "size": 4, "content_type": "image/png"}));
            })
            .await;
        let archive = store
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/v1/Folders/FO1/Archives")
                    .header("content-type", "application/zip")
                    .body("zip!");
                then.status(201).json_body(json!({"sid": "FI2"}));
            })
            .await;
        let content = store
            .mock_async(|when, then| {
                when.method(GET).path("/v1/Folders/FO1/Files/FI1/Content");
                then.status(200)
                    .header("content-type", "image/png")
                    .body("\u{1}PNG");
            })
            .await;
        let untouched = main
            .mock_async(|when, then| {
                when.any_request();
                then.status(500);
            })
            .await;
        // The main host serves the document's own operations; the store host is overridden on its own.
        let client: fixture_binary_body::Client =
            twilio_rest_runtime::ClientBuilder::new("https://files.twilio.com")
                .credentials(
                    twilio_rest_runtime::Credentials::auth_token(AC, "token").expect("credentials"),
                )
                .base_url(main.base_url())
                .server_url("https://store.us1.twilio.com", store.base_url())
                .allow_insecure_http(true)
                .build()
                .expect("client");
        let file = client
            .folder("FO1")
            .files()
            .create("image/png", b"\x01PNG".to_vec())
            .filename("plan v2.png")
            .await
            .expect("upload");
        assert_eq!(file.sid.as_deref(), Some("FI1"));
        let stored = client
            .folder("FO1")
            .archives()
            .create(&b"zip!"[..])
            .await
            .expect("archive");
        assert_eq!(stored.sid.as_deref(), Some("FI2"));
        let download = client
            .folder("FO1")
            .file("FI1")
            .content()
            .fetch()
            .await
            .expect("download");
        assert_eq!(download.content_type(), Some("image/png"));
        let bytes: Vec<_> = download.try_collect().await.expect("bytes");
        assert_eq!(bytes.concat(), b"\x01PNG");
        upload.assert_async().await;
        archive.assert_async().await;
        content.assert_async().await;
        untouched.assert_calls_async(0).await;
    }
}
