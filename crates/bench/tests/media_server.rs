//! The loopback transfer server of `media_bench` answers uploads with a media record the generated client
//! decodes (every field Twilio always sends is there), so the benchmark measures transfers, not decode errors.

use bench::media_server::MediaServer;
use twilio_chat_v2::runtime::UploadBody;
use twilio_chat_v2::{Client, Credentials, models};

#[test]
fn an_upload_answer_decodes_as_a_media_record() {
    let server = MediaServer::start().expect("server");
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = Client::builder()
        .credentials(
            Credentials::auth_token("AC00000000000000000000000000000001", "token")
                .expect("credentials"),
        )
        .base_url(server.base_url())
        .server_url(twilio_chat_v2::MCS_BASE_URL, server.base_url())
        .allow_insecure_http(true)
        .build()
        .expect("client");
    let service: models::ServiceSid = "IS00000000000000000000000000000001".parse().expect("SID");
    let record = runtime
        .block_on(
            client
                .service(&service)
                .media()
                .create(
                    "application/octet-stream",
                    UploadBody::from(vec![7_u8; 1000]),
                )
                .send(),
        )
        .expect("the answer decodes");
    assert_eq!(record.size, Some(1000));
    assert_eq!(record.service_sid, service);
}
