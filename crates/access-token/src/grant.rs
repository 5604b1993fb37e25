//! Grants: what a token allows its holder to do. [`ChatGrant`] is typed; any other Twilio grant (Voice, Video,
//! Sync, ...) is added by key with its JSON object through
//! [`AccessTokenBuilder::grant`](crate::AccessTokenBuilder::grant), so new grants need no new release.

use serde::{Deserialize, Serialize};

use crate::json;

/// The Programmable Chat grant, written under `grants.chat`.
///
/// Only the fields that are set are written, in the order of the fields below (the order Twilio's libraries use).
/// A field set to an empty string is refused when the token is built, because Twilio's libraries silently leave
/// such a field out and the mistake would go unnoticed.
///
/// ```
/// use twilio_access_token::ChatGrant;
///
/// let grant = ChatGrant::service("IS0123456789abcdef0123456789abcdef")
///     .with_endpoint_id("my-app:alice:browser")
///     .with_push_credential_sid("CR0123456789abcdef0123456789abcdef");
/// assert_eq!(grant.deployment_role_sid, None);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatGrant {
    /// SID of the Chat Service (`IS...`) the user connects to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_sid: Option<String>,
    /// Identifies one device or browser of the user, so that Chat can track its reachability and push
    /// registrations (for example `app:identity:device`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint_id: Option<String>,
    /// SID of the deployment role (`RL...`) the user gets in the service, instead of the service's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment_role_sid: Option<String>,
    /// SID of the push credential (`CR...`) used for the user's push notifications.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub push_credential_sid: Option<String>,
}

impl ChatGrant {
    /// A grant for the Chat Service `service_sid`, with no other field set.
    pub fn service(service_sid: impl Into<String>) -> Self {
        Self {
            service_sid: Some(service_sid.into()),
            ..Self::default()
        }
    }

    /// Sets [`endpoint_id`](Self::endpoint_id).
    #[must_use]
    pub fn with_endpoint_id(mut self, endpoint_id: impl Into<String>) -> Self {
        self.endpoint_id = Some(endpoint_id.into());
        self
    }

    /// Sets [`deployment_role_sid`](Self::deployment_role_sid).
    #[must_use]
    pub fn with_deployment_role_sid(mut self, deployment_role_sid: impl Into<String>) -> Self {
        self.deployment_role_sid = Some(deployment_role_sid.into());
        self
    }

    /// Sets [`push_credential_sid`](Self::push_credential_sid).
    #[must_use]
    pub fn with_push_credential_sid(mut self, push_credential_sid: impl Into<String>) -> Self {
        self.push_credential_sid = Some(push_credential_sid.into());
        self
    }

    /// The set fields with their wire names, in wire order.
    pub(crate) fn fields(&self) -> [(&'static str, Option<&str>); 4] {
        [
            ("service_sid", self.service_sid.as_deref()),
            ("endpoint_id", self.endpoint_id.as_deref()),
            ("deployment_role_sid", self.deployment_role_sid.as_deref()),
            ("push_credential_sid", self.push_credential_sid.as_deref()),
        ]
    }

    /// Appends the grant's JSON object.
    pub(crate) fn write_json(&self, out: &mut String) {
        out.push('{');
        let mut first = true;
        for (name, value) in self.fields() {
            if let Some(value) = value {
                if !first {
                    out.push(',');
                }
                first = false;
                json::write_key(out, name);
                json::write_str(out, value);
            }
        }
        out.push('}');
    }
}
