//! Sending requests over HTTP: the [`Client`](client::Client) and its [`ClientBuilder`](builder::ClientBuilder),
//! [`Credentials`](credentials::Credentials), the [`Request`](request::Request) it sends, the hosts it may reach
//! (region and edge rewriting, other hosts of the API), the retry loop and its [`RetryPolicy`](retry::RetryPolicy),
//! reading responses under size limits, and the [`Observer`](observe::Observer) hook.

pub(crate) mod builder;
pub(crate) mod client;
pub(crate) mod credentials;
pub(crate) mod hosts;
pub(crate) mod observe;
pub(crate) mod params;
pub(crate) mod request;
pub(crate) mod response;
pub(crate) mod retry;
pub(crate) mod send;
pub(crate) mod target;
