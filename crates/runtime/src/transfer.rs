//! Moving files without holding them in memory: streamed upload bodies ([`UploadBody`](upload::UploadBody)),
//! streamed downloads ([`Download`](download::Download)), and the client calls that send and fetch them
//! (`Client::execute_upload`, `execute_download`, `download_unauthenticated`, `download_links`).

pub(crate) mod calls;
pub(crate) mod download;
pub(crate) mod upload;
