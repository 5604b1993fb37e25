//! What an operation answers, and how a call of it is sent: the [`Kind`] trait and its kinds [`Value`], [`Empty`],
//! [`Upload`], [`Binary`], [`Redirect`] and [`Paged`]. Only this small part of sending depends on the answer type.

use std::future::Future;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::error::Error;
use crate::http::client::Client;
use crate::http::request::Request;
use crate::http::response::ResponseMeta;
use crate::paging::page::Page;
use crate::transfer::download::Download;

/// Runs a [`Call`](super::Call) and decodes what its operation answers: [`Value`], [`Empty`], [`Redirect`] or [`Paged`].
///
/// Every way of sending a call goes through this trait, so a variant of sending (with the response metadata, for
/// instance) is added here once for every operation.
#[doc(hidden)]
pub trait Kind {
    /// What a success returns.
    type Output: Send + 'static;
    /// Sends the request and decodes the answer.
    fn run(
        client: Client,
        request: Request,
    ) -> impl Future<Output = Result<Self::Output, Error>> + Send + 'static;
    /// Sends the request and decodes the answer, also returning its status, headers and request ID.
    fn run_with_response(
        client: Client,
        request: Request,
    ) -> impl Future<Output = Result<(Self::Output, ResponseMeta), Error>> + Send + 'static;
}

/// An operation answering one JSON value.
#[doc(hidden)]
#[derive(Debug)]
pub struct Value<T>(PhantomData<fn() -> T>);

/// An operation answering no body (`204 No Content`).
#[doc(hidden)]
#[derive(Debug)]
pub struct Empty;

/// An operation whose body is an upload ([`Call::upload`](super::Call::upload)) and whose answer is one JSON value.
#[doc(hidden)]
#[derive(Debug)]
pub struct Upload<T>(PhantomData<fn() -> T>);

/// An operation answering raw bytes, streamed as a [`Download`].
#[doc(hidden)]
#[derive(Debug)]
pub struct Binary;

/// An operation answering a redirect whose JSON body is the value (not followed).
#[doc(hidden)]
#[derive(Debug)]
pub struct Redirect<T>(PhantomData<fn() -> T>);

/// A list operation answering a page of `T`.
#[doc(hidden)]
#[derive(Debug)]
pub struct Paged<T>(PhantomData<fn() -> T>);

impl<T: DeserializeOwned + Send + 'static> Kind for Value<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        client.call(request, 200..300).await.map(|(value, _)| value)
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        client.call(request, 200..300).await
    }
}

impl Kind for Empty {
    type Output = ();
    async fn run(client: Client, request: Request) -> Result<(), Error> {
        client.execute_empty(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<((), ResponseMeta), Error> {
        client
            .execute_empty_with_response(request)
            .await
            .map(|meta| ((), meta))
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Upload<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        client.execute_upload(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        client.execute_upload_with_response(request).await
    }
}

impl Kind for Binary {
    type Output = Download;
    async fn run(client: Client, request: Request) -> Result<Download, Error> {
        client.execute_download(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(Download, ResponseMeta), Error> {
        let download = client.execute_download(request).await?;
        let meta = ResponseMeta::new(download.status(), download.headers().clone());
        Ok((download, meta))
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Redirect<T> {
    type Output = T;
    async fn run(client: Client, request: Request) -> Result<T, Error> {
        client.call(request, 200..400).await.map(|(value, _)| value)
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(T, ResponseMeta), Error> {
        client.call(request, 200..400).await
    }
}

impl<T: DeserializeOwned + Send + 'static> Kind for Paged<T> {
    type Output = Page<T>;
    async fn run(client: Client, request: Request) -> Result<Page<T>, Error> {
        client.execute_page(request).await
    }
    async fn run_with_response(
        client: Client,
        request: Request,
    ) -> Result<(Page<T>, ResponseMeta), Error> {
        let page: Page<T> = client.execute_page(request).await?;
        let meta = page.response().clone();
        Ok((page, meta))
    }
}
