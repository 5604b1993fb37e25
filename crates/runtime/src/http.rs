//! Sending requests over HTTP: the [`Client`](client::Client) and its [`ClientBuilder`](builder::ClientBuilder),
//! [`Credentials`](credentials::Credentials), the [`Request`](request::Request) it sends with its
//! [`Params`](params::Params), where a request goes (`target`: checked paths, page links, region and edge; `hosts`:
//! other hosts of the API), the retry loop (`send`) and its [`RetryPolicy`](retry::RetryPolicy), reading responses
//! under size limits (`response`), and the [`Observer`](observe::Observer) hook.

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
