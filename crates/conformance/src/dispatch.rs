//! Maps an operationId and wire-named arguments to the generated client's typed builder calls: one arm per
//! operation of the description, so every arm proves the typed API compiles and sends what the scenario expects.
//!
//! Arguments are checked strictly: a missing required argument, a value of the wrong JSON type, or an argument
//! the operation does not take is an error naming the operation and the argument, never a silent default.

use std::collections::BTreeSet;
use std::str::FromStr;

use futures_util::StreamExt;
use serde_json::{Map, Value, json};
use twilio_chat_v2::{Client, Error, ItemStream, Page, RequestOptions, models};
use twilio_rest_runtime::chrono::{DateTime, Utc};

use crate::format::{Call, Mode};

/// Every operation the dispatcher knows: operationId, HTTP method and path template, in description order.
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("ListCredential", "GET", "/v2/Credentials"),
    ("CreateCredential", "POST", "/v2/Credentials"),
    ("FetchCredential", "GET", "/v2/Credentials/{Sid}"),
    ("UpdateCredential", "POST", "/v2/Credentials/{Sid}"),
    ("DeleteCredential", "DELETE", "/v2/Credentials/{Sid}"),
    ("ListService", "GET", "/v2/Services"),
    ("CreateService", "POST", "/v2/Services"),
    ("ListBinding", "GET", "/v2/Services/{ServiceSid}/Bindings"),
    (
        "FetchBinding",
        "GET",
        "/v2/Services/{ServiceSid}/Bindings/{Sid}",
    ),
    (
        "DeleteBinding",
        "DELETE",
        "/v2/Services/{ServiceSid}/Bindings/{Sid}",
    ),
    ("ListChannel", "GET", "/v2/Services/{ServiceSid}/Channels"),
    (
        "CreateChannel",
        "POST",
        "/v2/Services/{ServiceSid}/Channels",
    ),
    (
        "ListInvite",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Invites",
    ),
    (
        "CreateInvite",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Invites",
    ),
    (
        "FetchInvite",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Invites/{Sid}",
    ),
    (
        "DeleteInvite",
        "DELETE",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Invites/{Sid}",
    ),
    (
        "ListMember",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members",
    ),
    (
        "CreateMember",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members",
    ),
    (
        "FetchMember",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members/{Sid}",
    ),
    (
        "UpdateMember",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members/{Sid}",
    ),
    (
        "DeleteMember",
        "DELETE",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Members/{Sid}",
    ),
    (
        "ListMessage",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages",
    ),
    (
        "CreateMessage",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages",
    ),
    (
        "FetchMessage",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages/{Sid}",
    ),
    (
        "UpdateMessage",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages/{Sid}",
    ),
    (
        "DeleteMessage",
        "DELETE",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Messages/{Sid}",
    ),
    (
        "ListChannelWebhook",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks",
    ),
    (
        "CreateChannelWebhook",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks",
    ),
    (
        "FetchChannelWebhook",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks/{Sid}",
    ),
    (
        "UpdateChannelWebhook",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks/{Sid}",
    ),
    (
        "DeleteChannelWebhook",
        "DELETE",
        "/v2/Services/{ServiceSid}/Channels/{ChannelSid}/Webhooks/{Sid}",
    ),
    (
        "FetchChannel",
        "GET",
        "/v2/Services/{ServiceSid}/Channels/{Sid}",
    ),
    (
        "UpdateChannel",
        "POST",
        "/v2/Services/{ServiceSid}/Channels/{Sid}",
    ),
    (
        "DeleteChannel",
        "DELETE",
        "/v2/Services/{ServiceSid}/Channels/{Sid}",
    ),
    ("ListRole", "GET", "/v2/Services/{ServiceSid}/Roles"),
    ("CreateRole", "POST", "/v2/Services/{ServiceSid}/Roles"),
    ("FetchRole", "GET", "/v2/Services/{ServiceSid}/Roles/{Sid}"),
    (
        "UpdateRole",
        "POST",
        "/v2/Services/{ServiceSid}/Roles/{Sid}",
    ),
    (
        "DeleteRole",
        "DELETE",
        "/v2/Services/{ServiceSid}/Roles/{Sid}",
    ),
    ("ListUser", "GET", "/v2/Services/{ServiceSid}/Users"),
    ("CreateUser", "POST", "/v2/Services/{ServiceSid}/Users"),
    ("FetchUser", "GET", "/v2/Services/{ServiceSid}/Users/{Sid}"),
    (
        "UpdateUser",
        "POST",
        "/v2/Services/{ServiceSid}/Users/{Sid}",
    ),
    (
        "DeleteUser",
        "DELETE",
        "/v2/Services/{ServiceSid}/Users/{Sid}",
    ),
    (
        "ListUserBinding",
        "GET",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings",
    ),
    (
        "FetchUserBinding",
        "GET",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}",
    ),
    (
        "DeleteUserBinding",
        "DELETE",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Bindings/{Sid}",
    ),
    (
        "ListUserChannel",
        "GET",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Channels",
    ),
    (
        "FetchUserChannel",
        "GET",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Channels/{ChannelSid}",
    ),
    (
        "UpdateUserChannel",
        "POST",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Channels/{ChannelSid}",
    ),
    (
        "DeleteUserChannel",
        "DELETE",
        "/v2/Services/{ServiceSid}/Users/{UserSid}/Channels/{ChannelSid}",
    ),
    ("FetchService", "GET", "/v2/Services/{Sid}"),
    ("UpdateService", "POST", "/v2/Services/{Sid}"),
    ("DeleteService", "DELETE", "/v2/Services/{Sid}"),
];

/// What a call produced.
#[derive(Debug)]
pub enum CallResult {
    /// `send()`: the record as JSON (`null` for deletes; `{"records", "meta"}` for a list page), or the error.
    Value(Result<Value, Error>),
    /// `stream()`: the records read before the stream ended, and the error that ended it, if any.
    Stream {
        /// Records in order.
        items: Vec<Value>,
        /// The error that ended the stream.
        error: Option<Error>,
    },
}

/// Makes `call` through the generated client. `Err` is a problem with the scenario itself (unknown operation,
/// missing or unknown argument, `stream` on an operation that is not a list).
pub async fn dispatch(
    client: &Client,
    call: &Call,
    options: Option<RequestOptions>,
) -> Result<CallResult, String> {
    let mut a = Args::new(&call.operation, &call.args);
    let is_list = OPERATIONS
        .iter()
        .any(|(id, _, _)| *id == call.operation && id.starts_with("List"));
    if call.mode == Mode::Stream && !is_list {
        return Err(format!(
            "{}: mode `stream` needs a list operation",
            call.operation
        ));
    }
    if call.limit.is_some() && call.mode != Mode::Stream {
        return Err(format!(
            "{}: `limit` only applies to mode `stream`",
            call.operation
        ));
    }
    /// Applies an optional argument to the builder when the scenario gives it.
    macro_rules! set {
        ($b:ident, $value:expr, $method:ident) => {
            if let Some(v) = $value? {
                $b = $b.$method(v);
            }
        };
    }
    /// Applies the scenario's request options and checks that every argument was used.
    macro_rules! finish {
        ($b:ident, $a:ident, $options:ident) => {
            if let Some(o) = $options {
                $b = $b.request_options(o);
            }
            $a.finish()?;
        };
    }
    macro_rules! list {
        ($b:ident, $call:ident) => {
            match $call.mode {
                Mode::Send => Ok(CallResult::Value($b.send().await.map(page_value))),
                Mode::Stream => {
                    if let Some(n) = $call.limit {
                        $b = $b.limit(n);
                    }
                    Ok(collect($b.stream()).await)
                }
            }
        };
    }
    match call.operation.as_str() {
        "ListCredential" => {
            let mut b = client.credentials().list();
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateCredential" => {
            let mut b = client
                .credentials()
                .create(a.req_enum::<models::CredentialPushService>("Type")?);
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            set!(b, a.opt_str("Certificate"), certificate);
            set!(b, a.opt_str("PrivateKey"), private_key);
            set!(b, a.opt_bool("Sandbox"), sandbox);
            set!(b, a.opt_str("ApiKey"), api_key);
            set!(b, a.opt_str("Secret"), secret);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchCredential" => {
            let mut b = client.credential(a.req_str("Sid")?).fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateCredential" => {
            let mut b = client.credential(a.req_str("Sid")?).update();
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            set!(b, a.opt_str("Certificate"), certificate);
            set!(b, a.opt_str("PrivateKey"), private_key);
            set!(b, a.opt_bool("Sandbox"), sandbox);
            set!(b, a.opt_str("ApiKey"), api_key);
            set!(b, a.opt_str("Secret"), secret);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteCredential" => {
            let mut b = client.credential(a.req_str("Sid")?).delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListService" => {
            let mut b = client.services().list();
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateService" => {
            let mut b = client.services().create(a.req_str("FriendlyName")?);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "ListBinding" => {
            let mut b = client.service(a.req_str("ServiceSid")?).bindings().list();
            set!(
                b,
                a.opt_enum_list::<models::BindingBindingType>("BindingType"),
                binding_type
            );
            set!(b, a.opt_list("Identity"), identity);
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "FetchBinding" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .binding(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteBinding" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .binding(a.req_str("Sid")?)
                .delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListChannel" => {
            let mut b = client.service(a.req_str("ServiceSid")?).channels().list();
            set!(
                b,
                a.opt_enum_list::<models::ChannelChannelType>("Type"),
                type_
            );
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateChannel" => {
            let mut b = client.service(a.req_str("ServiceSid")?).channels().create();
            if let Some(v) =
                a.opt_enum::<models::ChannelWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            set!(b, a.opt_str("UniqueName"), unique_name);
            set!(b, a.opt_str("Attributes"), attributes);
            set!(b, a.opt_enum::<models::ChannelChannelType>("Type"), type_);
            set!(b, a.opt_datetime("DateCreated"), date_created);
            set!(b, a.opt_datetime("DateUpdated"), date_updated);
            set!(b, a.opt_str("CreatedBy"), created_by);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "ListInvite" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .invites()
                .list();
            set!(b, a.opt_list("Identity"), identity);
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateInvite" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .invites()
                .create(a.req_str("Identity")?);
            set!(b, a.opt_str("RoleSid"), role_sid);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchInvite" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .invite(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteInvite" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .invite(a.req_str("Sid")?)
                .delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListMember" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .members()
                .list();
            set!(b, a.opt_list("Identity"), identity);
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateMember" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .members()
                .create(a.req_str("Identity")?);
            if let Some(v) =
                a.opt_enum::<models::MemberWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("RoleSid"), role_sid);
            set!(
                b,
                a.opt_int("LastConsumedMessageIndex"),
                last_consumed_message_index
            );
            set!(
                b,
                a.opt_datetime("LastConsumptionTimestamp"),
                last_consumption_timestamp
            );
            set!(b, a.opt_datetime("DateCreated"), date_created);
            set!(b, a.opt_datetime("DateUpdated"), date_updated);
            set!(b, a.opt_str("Attributes"), attributes);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchMember" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .member(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateMember" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .member(a.req_str("Sid")?)
                .update();
            if let Some(v) =
                a.opt_enum::<models::MemberWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("RoleSid"), role_sid);
            set!(
                b,
                a.opt_int("LastConsumedMessageIndex"),
                last_consumed_message_index
            );
            set!(
                b,
                a.opt_datetime("LastConsumptionTimestamp"),
                last_consumption_timestamp
            );
            set!(b, a.opt_datetime("DateCreated"), date_created);
            set!(b, a.opt_datetime("DateUpdated"), date_updated);
            set!(b, a.opt_str("Attributes"), attributes);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteMember" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .member(a.req_str("Sid")?)
                .delete();
            if let Some(v) =
                a.opt_enum::<models::MemberWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListMessage" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .messages()
                .list();
            set!(b, a.opt_enum::<models::MessageOrderType>("Order"), order);
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateMessage" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .messages()
                .create();
            if let Some(v) =
                a.opt_enum::<models::MessageWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("From"), from);
            set!(b, a.opt_str("Attributes"), attributes);
            set!(b, a.opt_datetime("DateCreated"), date_created);
            set!(b, a.opt_datetime("DateUpdated"), date_updated);
            set!(b, a.opt_str("LastUpdatedBy"), last_updated_by);
            set!(b, a.opt_str("Body"), body);
            set!(b, a.opt_str("MediaSid"), media_sid);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchMessage" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .message(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateMessage" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .message(a.req_str("Sid")?)
                .update();
            if let Some(v) =
                a.opt_enum::<models::MessageWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("Body"), body);
            set!(b, a.opt_str("Attributes"), attributes);
            set!(b, a.opt_datetime("DateCreated"), date_created);
            set!(b, a.opt_datetime("DateUpdated"), date_updated);
            set!(b, a.opt_str("LastUpdatedBy"), last_updated_by);
            set!(b, a.opt_str("From"), from);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteMessage" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .message(a.req_str("Sid")?)
                .delete();
            if let Some(v) =
                a.opt_enum::<models::MessageWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListChannelWebhook" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .webhooks()
                .list();
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateChannelWebhook" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .webhooks()
                .create(a.req_enum::<models::ChannelWebhookType>("Type")?);
            set!(b, a.opt_str("Configuration.Url"), configuration_url);
            set!(
                b,
                a.opt_enum::<models::ChannelWebhookMethod>("Configuration.Method"),
                configuration_method
            );
            set!(
                b,
                a.opt_list("Configuration.Filters"),
                configuration_filters
            );
            set!(
                b,
                a.opt_list("Configuration.Triggers"),
                configuration_triggers
            );
            set!(
                b,
                a.opt_str("Configuration.FlowSid"),
                configuration_flow_sid
            );
            set!(
                b,
                a.opt_int("Configuration.RetryCount"),
                configuration_retry_count
            );
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchChannelWebhook" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .webhook(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateChannelWebhook" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .webhook(a.req_str("Sid")?)
                .update();
            set!(b, a.opt_str("Configuration.Url"), configuration_url);
            set!(
                b,
                a.opt_enum::<models::ChannelWebhookMethod>("Configuration.Method"),
                configuration_method
            );
            set!(
                b,
                a.opt_list("Configuration.Filters"),
                configuration_filters
            );
            set!(
                b,
                a.opt_list("Configuration.Triggers"),
                configuration_triggers
            );
            set!(
                b,
                a.opt_str("Configuration.FlowSid"),
                configuration_flow_sid
            );
            set!(
                b,
                a.opt_int("Configuration.RetryCount"),
                configuration_retry_count
            );
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteChannelWebhook" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("ChannelSid")?)
                .webhook(a.req_str("Sid")?)
                .delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "FetchChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("Sid")?)
                .update();
            if let Some(v) =
                a.opt_enum::<models::ChannelWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            set!(b, a.opt_str("UniqueName"), unique_name);
            set!(b, a.opt_str("Attributes"), attributes);
            set!(b, a.opt_datetime("DateCreated"), date_created);
            set!(b, a.opt_datetime("DateUpdated"), date_updated);
            set!(b, a.opt_str("CreatedBy"), created_by);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .channel(a.req_str("Sid")?)
                .delete();
            if let Some(v) =
                a.opt_enum::<models::ChannelWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListRole" => {
            let mut b = client.service(a.req_str("ServiceSid")?).roles().list();
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateRole" => {
            let mut b = client.service(a.req_str("ServiceSid")?).roles().create(
                a.req_str("FriendlyName")?,
                a.req_enum::<models::RoleRoleType>("Type")?,
                a.req_list("Permission")?,
            );
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchRole" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .role(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateRole" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .role(a.req_str("Sid")?)
                .update(a.req_list("Permission")?);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteRole" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .role(a.req_str("Sid")?)
                .delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListUser" => {
            let mut b = client.service(a.req_str("ServiceSid")?).users().list();
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "CreateUser" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .users()
                .create(a.req_str("Identity")?);
            if let Some(v) =
                a.opt_enum::<models::UserWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("RoleSid"), role_sid);
            set!(b, a.opt_str("Attributes"), attributes);
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "FetchUser" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateUser" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("Sid")?)
                .update();
            if let Some(v) =
                a.opt_enum::<models::UserWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            set!(b, a.opt_str("RoleSid"), role_sid);
            set!(b, a.opt_str("Attributes"), attributes);
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteUser" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("Sid")?)
                .delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListUserBinding" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .bindings()
                .list();
            set!(
                b,
                a.opt_enum_list::<models::UserBindingBindingType>("BindingType"),
                binding_type
            );
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "FetchUserBinding" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .binding(a.req_str("Sid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteUserBinding" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .binding(a.req_str("Sid")?)
                .delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "ListUserChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .channels()
                .list();
            set!(b, a.opt_int("PageSize"), page_size);
            set!(b, a.opt_int("Page"), page);
            set!(b, a.opt_str("PageToken"), page_token);
            finish!(b, a, options);
            list!(b, call)
        }
        "FetchUserChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .channel(a.req_str("ChannelSid")?)
                .fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateUserChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .channel(a.req_str("ChannelSid")?)
                .update();
            if let Some(v) =
                a.opt_enum::<models::UserChannelNotificationLevel>("NotificationLevel")?
            {
                b = b.notification_level(v);
            }
            set!(
                b,
                a.opt_int("LastConsumedMessageIndex"),
                last_consumed_message_index
            );
            set!(
                b,
                a.opt_datetime("LastConsumptionTimestamp"),
                last_consumption_timestamp
            );
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteUserChannel" => {
            let mut b = client
                .service(a.req_str("ServiceSid")?)
                .user(a.req_str("UserSid")?)
                .channel(a.req_str("ChannelSid")?)
                .delete();
            if let Some(v) =
                a.opt_enum::<models::UserChannelWebhookEnabledType>("X-Twilio-Webhook-Enabled")?
            {
                b = b.webhook_enabled(v);
            }
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        "FetchService" => {
            let mut b = client.service(a.req_str("Sid")?).fetch();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "UpdateService" => {
            let mut b = client.service(a.req_str("Sid")?).update();
            set!(b, a.opt_str("FriendlyName"), friendly_name);
            set!(
                b,
                a.opt_str("DefaultServiceRoleSid"),
                default_service_role_sid
            );
            set!(
                b,
                a.opt_str("DefaultChannelRoleSid"),
                default_channel_role_sid
            );
            set!(
                b,
                a.opt_str("DefaultChannelCreatorRoleSid"),
                default_channel_creator_role_sid
            );
            set!(b, a.opt_bool("ReadStatusEnabled"), read_status_enabled);
            set!(b, a.opt_bool("ReachabilityEnabled"), reachability_enabled);
            set!(
                b,
                a.opt_int("TypingIndicatorTimeout"),
                typing_indicator_timeout
            );
            set!(
                b,
                a.opt_int("ConsumptionReportInterval"),
                consumption_report_interval
            );
            set!(
                b,
                a.opt_bool("Notifications.NewMessage.Enabled"),
                notifications_new_message_enabled
            );
            set!(
                b,
                a.opt_str("Notifications.NewMessage.Template"),
                notifications_new_message_template
            );
            set!(
                b,
                a.opt_str("Notifications.NewMessage.Sound"),
                notifications_new_message_sound
            );
            set!(
                b,
                a.opt_bool("Notifications.NewMessage.BadgeCountEnabled"),
                notifications_new_message_badge_count_enabled
            );
            set!(
                b,
                a.opt_bool("Notifications.AddedToChannel.Enabled"),
                notifications_added_to_channel_enabled
            );
            set!(
                b,
                a.opt_str("Notifications.AddedToChannel.Template"),
                notifications_added_to_channel_template
            );
            set!(
                b,
                a.opt_str("Notifications.AddedToChannel.Sound"),
                notifications_added_to_channel_sound
            );
            set!(
                b,
                a.opt_bool("Notifications.RemovedFromChannel.Enabled"),
                notifications_removed_from_channel_enabled
            );
            set!(
                b,
                a.opt_str("Notifications.RemovedFromChannel.Template"),
                notifications_removed_from_channel_template
            );
            set!(
                b,
                a.opt_str("Notifications.RemovedFromChannel.Sound"),
                notifications_removed_from_channel_sound
            );
            set!(
                b,
                a.opt_bool("Notifications.InvitedToChannel.Enabled"),
                notifications_invited_to_channel_enabled
            );
            set!(
                b,
                a.opt_str("Notifications.InvitedToChannel.Template"),
                notifications_invited_to_channel_template
            );
            set!(
                b,
                a.opt_str("Notifications.InvitedToChannel.Sound"),
                notifications_invited_to_channel_sound
            );
            set!(b, a.opt_str("PreWebhookUrl"), pre_webhook_url);
            set!(b, a.opt_str("PostWebhookUrl"), post_webhook_url);
            set!(
                b,
                a.opt_enum::<models::UpdateServiceWebhookMethod>("WebhookMethod"),
                webhook_method
            );
            set!(b, a.opt_list("WebhookFilters"), webhook_filters);
            set!(
                b,
                a.opt_int("Limits.ChannelMembers"),
                limits_channel_members
            );
            set!(b, a.opt_int("Limits.UserChannels"), limits_user_channels);
            set!(
                b,
                a.opt_str("Media.CompatibilityMessage"),
                media_compatibility_message
            );
            set!(
                b,
                a.opt_int("PreWebhookRetryCount"),
                pre_webhook_retry_count
            );
            set!(
                b,
                a.opt_int("PostWebhookRetryCount"),
                post_webhook_retry_count
            );
            set!(
                b,
                a.opt_bool("Notifications.LogEnabled"),
                notifications_log_enabled
            );
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(to_value)))
        }
        "DeleteService" => {
            let mut b = client.service(a.req_str("Sid")?).delete();
            finish!(b, a, options);
            Ok(CallResult::Value(b.send().await.map(|()| Value::Null)))
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}

/// The operation's method and path template, if the dispatcher knows it.
pub fn operation(id: &str) -> Option<(&'static str, &'static str)> {
    OPERATIONS
        .iter()
        .find(|(op, _, _)| *op == id)
        .map(|(_, m, p)| (*m, *p))
}

/// A model as JSON (models derive `Serialize`).
fn to_value<T: serde::Serialize>(value: T) -> Value {
    serde_json::to_value(value).unwrap_or_else(|e| json!({ "serialize_error": e.to_string() }))
}

/// A page as JSON: its records and its meta.
pub fn page_value<T: serde::Serialize>(page: Page<T>) -> Value {
    let meta = &page.meta;
    let meta = json!({
        "page": meta.page,
        "page_size": meta.page_size,
        "first_page_url": meta.first_page_url,
        "previous_page_url": meta.previous_page_url,
        "url": meta.url,
        "next_page_url": meta.next_page_url,
        "key": meta.key,
    });
    json!({ "records": page.records.into_iter().map(to_value).collect::<Vec<_>>(), "meta": meta })
}

async fn collect<T: serde::Serialize>(mut stream: ItemStream<T>) -> CallResult {
    let mut items = Vec::new();
    while let Some(item) = stream.next().await {
        match item {
            Ok(item) => items.push(to_value(item)),
            Err(error) => {
                return CallResult::Stream {
                    items,
                    error: Some(error),
                };
            }
        }
    }
    CallResult::Stream { items, error: None }
}

/// The call's arguments, consumed by name; `finish` rejects what was not consumed.
struct Args<'a> {
    operation: &'a str,
    map: &'a Map<String, Value>,
    used: BTreeSet<&'a str>,
}

impl<'a> Args<'a> {
    fn new(operation: &'a str, map: &'a Map<String, Value>) -> Self {
        Args {
            operation,
            map,
            used: BTreeSet::new(),
        }
    }

    fn get(&mut self, name: &'static str) -> Option<&'a Value> {
        self.used.insert(name);
        self.map.get(name).filter(|v| !v.is_null())
    }

    fn wrong(&self, name: &str, want: &str, got: &Value) -> String {
        format!(
            "{}: argument `{name}` must be {want}, got {got}",
            self.operation
        )
    }

    fn missing(&self, name: &str) -> String {
        format!("{}: missing required argument `{name}`", self.operation)
    }

    fn finish(&self) -> Result<(), String> {
        let unknown: Vec<&str> = self
            .map
            .keys()
            .map(String::as_str)
            .filter(|k| !self.used.contains(k))
            .collect();
        if unknown.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{}: unknown argument(s) {}",
                self.operation,
                unknown.join(", ")
            ))
        }
    }

    fn opt_str(&mut self, name: &'static str) -> Result<Option<String>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    fn req_str(&mut self, name: &'static str) -> Result<String, String> {
        self.opt_str(name)?.ok_or_else(|| self.missing(name))
    }

    #[allow(dead_code)]
    fn opt_bool(&mut self, name: &'static str) -> Result<Option<bool>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s == "true" || s == "false" => Ok(Some(s == "true")),
            Some(other) => Err(self.wrong(name, "a boolean", other)),
        }
    }

    #[allow(dead_code)]
    fn opt_int<T: TryFrom<i64>>(&mut self, name: &'static str) -> Result<Option<T>, String> {
        let value = match self.get(name) {
            None => return Ok(None),
            Some(Value::Number(n)) if n.is_i64() => n.as_i64(),
            Some(Value::String(s)) => s.parse::<i64>().ok(),
            Some(_) => None,
        };
        match value.and_then(|n| T::try_from(n).ok()) {
            Some(v) => Ok(Some(v)),
            None => Err(self.wrong(
                name,
                "an integer in range",
                self.map.get(name).unwrap_or(&Value::Null),
            )),
        }
    }

    #[allow(dead_code)]
    fn opt_datetime(&mut self, name: &'static str) -> Result<Option<DateTime<Utc>>, String> {
        match self.opt_str(name)? {
            None => Ok(None),
            Some(s) => DateTime::parse_from_rfc3339(&s)
                .map(|t| Some(t.with_timezone(&Utc)))
                .map_err(|e| {
                    format!(
                        "{}: argument `{name}` must be an RFC 3339 date-time: {e}",
                        self.operation
                    )
                }),
        }
    }

    #[allow(dead_code)]
    fn opt_enum<T: FromStr>(&mut self, name: &'static str) -> Result<Option<T>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => s
                .parse::<T>()
                .map(Some)
                .map_err(|_| self.wrong(name, "an enum value", &json!(s))),
            Some(Value::Bool(b)) => b
                .to_string()
                .parse::<T>()
                .map(Some)
                .map_err(|_| self.wrong(name, "an enum value", &json!(b))),
            Some(other) => Err(self.wrong(name, "a string", other)),
        }
    }

    #[allow(dead_code)]
    fn req_enum<T: FromStr>(&mut self, name: &'static str) -> Result<T, String> {
        self.opt_enum(name)?.ok_or_else(|| self.missing(name))
    }

    #[allow(dead_code)]
    fn opt_list(&mut self, name: &'static str) -> Result<Option<Vec<String>>, String> {
        match self.get(name) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(vec![s.clone()])),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(self.wrong(name, "an array of strings", other)),
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
            Some(other) => Err(self.wrong(name, "an array of strings", other)),
        }
    }

    #[allow(dead_code)]
    fn req_list(&mut self, name: &'static str) -> Result<Vec<String>, String> {
        self.opt_list(name)?.ok_or_else(|| self.missing(name))
    }

    #[allow(dead_code)]
    fn opt_enum_list<T: FromStr>(&mut self, name: &'static str) -> Result<Option<Vec<T>>, String> {
        match self.opt_list(name)? {
            None => Ok(None),
            Some(items) => items
                .iter()
                .map(|s| {
                    s.parse::<T>()
                        .map_err(|_| self.wrong(name, "enum values", &json!(s)))
                })
                .collect::<Result<Vec<_>, _>>()
                .map(Some),
        }
    }
}
