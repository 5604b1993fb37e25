//! What every generated operation shares, so generated code says only what is specific to one operation.
//!
//! A generated builder is a newtype over [`Call`]: a static [`OperationSpec`] (operation id, method, path
//! template and the wire name and place of every parameter, in description order) and one slot per parameter.
//! Setters percent-encode query and form values straight into one buffer of `Key=Value` pairs and record where
//! each parameter's pairs are; sending builds the [`Request`](crate::Request) from the table in one place ([`Call`]'s
//! `into_request`), handing the buffer over as the query or form text when the setters ran in description order
//! and copying the pairs into that order otherwise, so the wire order is always the description's, whatever the
//! order of the setter calls. All of this lives in one non-generic type, so an operation instantiates only the
//! few lines that send its answer type. [`Scope`] is what resource lists and contexts hold (the client and the path
//! values of their parents), and the [`operation!`](crate::operation) macro writes `send`, `IntoFuture`,
//! `request_options` and, for lists, `limit` and `stream` for a builder.
//!
//! Only generated code calls this: it is reachable as `twilio_rest_runtime::__private::*` (listed in one place,
//! the `__private` module of `lib.rs`) and `#[doc(hidden)]`. The helpers: [`Scope`], [`Call`],
//! [`OperationSpec`], [`ParamSpec`], [`In`], [`Kind`] with [`Value`], [`Empty`], [`Redirect`], [`Paged`],
//! [`Upload`] and [`Binary`], and the [`operation!`](crate::operation) macro.

mod call;
mod kind;
mod request;
mod scope;
mod spec;

pub use call::Call;
pub use kind::{Binary, Empty, Kind, Paged, Redirect, Upload, Value};
pub use scope::Scope;
pub use spec::{In, OperationSpec, ParamSpec};

/// Writes what every generated builder `$name` (a newtype over [`Call`]) repeats: `request_options`, `send` and
/// `IntoFuture`, plus `limit` and `stream` for a list (`$name: page(Item)`). Only generated code uses it.
#[doc(hidden)]
#[macro_export]
macro_rules! operation {
    ($name:ident: page($item:ty)) => {
        $crate::__private::operation!(@common $name, $crate::__private::Paged<$item>, "Sends the request and returns the first page; follow it with `Client::next_page` of the runtime, or use [`Self::stream`].");
        impl $name {
            /// Stops after this many records in total (across pages) when streaming.
            pub fn limit(self, limit: u64) -> Self {
                Self(self.0.limit(limit))
            }
            /// Streams every record, fetching the next page when needed, up to [`Self::limit`] records.
            pub fn stream(self) -> $crate::ItemStream<$item> {
                self.0.stream()
            }
        }
    };
    ($name:ident: value($out:ty)) => {
        $crate::__private::operation!(@common $name, $crate::__private::Value<$out>, "Sends the request and decodes the response.");
    };
    ($name:ident: redirect($out:ty)) => {
        $crate::__private::operation!(@common $name, $crate::__private::Redirect<$out>, "Sends the request and decodes the body of the redirect the API answers with; the redirect is not followed (its location is in the body).");
    };
    ($name:ident: upload($out:ty)) => {
        $crate::__private::operation!(@common $name, $crate::__private::Upload<$out>, "Sends the request with its body, read as it is sent, and decodes the response. Sent once, never retried: a repeated upload could store the file twice.");
    };
    ($name:ident: download) => {
        $crate::__private::operation!(@common $name, $crate::__private::Binary, "Sends the request and returns the response body as a stream of bytes; the client's timeout bounds each wait for data, not the whole transfer.");
    };
    ($name:ident: empty) => {
        $crate::__private::operation!(@common $name, $crate::__private::Empty, "Sends the request; `Ok(())` on any 2xx status.");
    };
    (@common $name:ident, $kind:ty, $send_doc:literal) => {
        impl ::std::clone::Clone for $name {
            fn clone(&self) -> Self {
                Self(self.0.clone())
            }
        }
        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_tuple(::std::stringify!($name)).field(&self.0).finish()
            }
        }
        impl $name {
            /// The request this builder sends, for tests and benchmarks.
            #[doc(hidden)]
            pub fn into_request(self) -> $crate::Request {
                self.0.into_request()
            }
            /// Per-request timeout and retry settings, overriding the client's.
            pub fn request_options(self, options: $crate::RequestOptions) -> Self {
                Self(self.0.options(options))
            }
            #[doc = $send_doc]
            pub fn send(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<<$kind as $crate::__private::Kind>::Output, $crate::Error>,
            > + ::std::marker::Send
                   + 'static {
                self.0.send()
            }
            /// Like `send`, and also returns the answer's status, headers and `Twilio-Request-Id`.
            pub fn send_with_response(
                self,
            ) -> impl ::std::future::Future<
                Output = ::std::result::Result<
                    (<$kind as $crate::__private::Kind>::Output, $crate::ResponseMeta),
                    $crate::Error,
                >,
            > + ::std::marker::Send
                   + 'static {
                self.0.send_with_response()
            }
        }
        impl ::std::future::IntoFuture for $name {
            type Output = ::std::result::Result<<$kind as $crate::__private::Kind>::Output, $crate::Error>;
            type IntoFuture = ::std::pin::Pin<
                ::std::boxed::Box<dyn ::std::future::Future<Output = Self::Output> + ::std::marker::Send>,
            >;
            fn into_future(self) -> Self::IntoFuture {
                ::std::boxed::Box::pin(self.0.send())
            }
        }
    };
}
