//! Concurrent writers on one channel, as a busy chat produces them: 400 message creates sent at once through the
//! client (over several connections) get 400 distinct, dense indexes, and the channel counts all of them.

use std::collections::BTreeSet;

use futures_util::StreamExt as _;
use futures_util::TryStreamExt as _;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_hundred_concurrent_creates_get_dense_unique_indexes() {
    let chat = twilio_chat_local::start().await.unwrap();
    let client = chat.client().clone();
    let is = client.services().create("busy").await.unwrap().sid;
    let ch = client.service(&is).channels().create().await.unwrap().sid;
    let creates = futures_util::stream::iter(0..400)
        .map(|i| {
            let client = client.clone();
            let (is, ch) = (is.clone(), ch.clone());
            tokio::spawn(async move {
                client
                    .service(&is)
                    .channel(&ch)
                    .messages()
                    .create()
                    .body(format!("message {i}"))
                    .await
            })
        })
        .buffer_unordered(400)
        .collect::<Vec<_>>()
        .await;
    let mut indexes = BTreeSet::new();
    let mut sids = BTreeSet::new();
    for created in creates {
        let message = created.expect("task").expect("created");
        assert!(indexes.insert(message.index), "index repeated");
        sids.insert(message.sid);
    }
    assert_eq!(sids.len(), 400);
    assert_eq!(
        indexes,
        (0..400).collect::<BTreeSet<i64>>(),
        "indexes are not 0..400"
    );
    let channel = client.service(&is).channel(&ch).fetch().await.unwrap();
    assert_eq!(channel.messages_count, Some(400));
    // The list agrees with what the creates returned, in index order.
    let listed: Vec<i64> = client
        .service(&is)
        .channel(&ch)
        .messages()
        .list()
        .page_size(100)
        .stream()
        .map_ok(|m| m.index)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(listed, (0..400).collect::<Vec<i64>>());
}
