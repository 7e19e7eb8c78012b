//! The benchmark's raw floor: the smallest hyper HTTP/1.1 server, on the same runtime
//! and settings as the emulator's front (one task per connection, TCP_NODELAY), that
//! reads each request body and answers a fixed ListAccessTokens-shaped body. What a
//! load tool reaches against it is the ceiling the emulator is compared with. It uses
//! the same allocator as the binary (mimalloc), so the gap is the emulator's own work.
//!
//! `cargo run --release --example floor -- PORT`

use std::convert::Infallible;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper_util::rt::TokioIo;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(4570);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!("floor listening on http://127.0.0.1:{port}");
    loop {
        let (stream, _) = listener.accept().await?;
        let _ = stream.set_nodelay(true);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(
                |req: hyper::Request<hyper::body::Incoming>| async move {
                    let _ = req.into_body().collect().await;
                    let response = hyper::Response::builder()
                        .status(200)
                        .header("content-type", "application/json")
                        .body(Full::new(Bytes::from_static(br#"{"items":[]}"#)))
                        .unwrap_or_default();
                    Ok::<_, Infallible>(response)
                },
            );
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}
