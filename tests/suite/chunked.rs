//! A target that answers with `Transfer-Encoding: chunked` and no Content-Length, as
//! many frameworks, proxies and gateways do, is judged like any other: a proxy in
//! front of the emulator re-sends every answer chunked (in small pieces, after a
//! pause), and the whole conforming suite passes through it at 1, 16 and 64 jobs.

use std::convert::Infallible;
use std::time::Duration;

use futures::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::{Bytes, Frame};
use libtest_mimic::{Failed, Trial};

use crate::cli::{bin, temp_dir, text};
use crate::support::{block_on, Background};

pub fn trials() -> Vec<Trial> {
    vec![Trial::test(
        "chunked::every_answer_chunked_passes_at_1_16_and_64_jobs",
        every_answer_chunked,
    )]
}

/// How the proxy sends a body.
#[derive(Clone, Copy)]
struct Chunking {
    /// Bytes per chunk.
    size: usize,
    /// A pause before the first chunk (the head has gone out already).
    pause: Duration,
}

fn every_answer_chunked() -> Result<(), Failed> {
    let bg = Background::start(None);
    let dir = temp_dir("chunked");
    let profile = bg.write_profile(&dir);
    let chunking = Chunking {
        size: 97,
        pause: Duration::from_millis(2),
    };
    let proxy = chunking_proxy(bg.uri.clone(), chunking);
    for jobs in ["1", "16", "64"] {
        // The destructive WorkMail case spends the disposable token: start afresh.
        let reset = format!("{}{}", bg.uri, pat_conformance::emulator::RESET_PATH);
        block_on(reqwest::Client::new().post(reset).send())?;
        let reports = dir.join(format!("reports-{jobs}"));
        let out = bin()
            .args([
                "run",
                "--quiet",
                "--jobs",
                jobs,
                "--timeout",
                "10s",
                "--endpoint",
            ])
            .arg(&proxy)
            .arg("--profile")
            .arg(&profile)
            .arg("--reports")
            .arg(&reports)
            .output()?;
        let said = text(&out);
        if out.status.code() != Some(0) {
            return Err(format!("--jobs {jobs} through the chunking proxy:\n{said}").into());
        }
        if said.contains("ERROR") || !said.contains("nothing left") {
            return Err(format!("--jobs {jobs}: not a clean pass:\n{said}").into());
        }
    }
    Ok(())
}

/// A proxy to `upstream` that forwards each request as it came (its Host header too, so
/// SigV4 signatures still verify) and sends each answer back chunked, with no
/// Content-Length. Lives as long as the test process.
fn chunking_proxy(upstream: String, chunking: Chunking) -> String {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("a port");
            let _ = tx.send(format!("http://{}", listener.local_addr().expect("addr")));
            let client = reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("a client");
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    continue;
                };
                let (client, upstream) = (client.clone(), upstream.clone());
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |req| {
                        forward(client.clone(), upstream.clone(), chunking, req)
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
    });
    rx.recv().expect("the proxy starts")
}

type ChunkedBody =
    StreamBody<futures::stream::BoxStream<'static, Result<Frame<Bytes>, Infallible>>>;

async fn forward(
    client: reqwest::Client,
    upstream: String,
    chunking: Chunking,
    req: hyper::Request<hyper::body::Incoming>,
) -> Result<hyper::Response<ChunkedBody>, Infallible> {
    let (parts, body) = req.into_parts();
    let body = body
        .collect()
        .await
        .map(|b| b.to_bytes())
        .unwrap_or_default();
    let url = format!(
        "{upstream}{}",
        parts.uri.path_and_query().map_or("/", |p| p.as_str())
    );
    let mut request = client.request(parts.method, url).body(body);
    for (name, value) in &parts.headers {
        request = request.header(name, value);
    }
    let (status, headers, bytes) = match request.send().await {
        Ok(r) => {
            let status = r.status();
            let headers = r.headers().clone();
            (status, headers, r.bytes().await.unwrap_or_default())
        }
        Err(_) => (
            hyper::StatusCode::BAD_GATEWAY,
            hyper::HeaderMap::new(),
            Bytes::new(),
        ),
    };
    let pieces: Vec<Bytes> = bytes
        .chunks(chunking.size)
        .map(Bytes::copy_from_slice)
        .collect();
    let pause = chunking.pause;
    let stream = futures::stream::once(async move {
        tokio::time::sleep(pause).await;
    })
    .flat_map(move |()| {
        futures::stream::iter(pieces.clone().into_iter().map(|b| Ok(Frame::data(b))))
    });
    let mut response = hyper::Response::new(StreamBody::new(stream.boxed()));
    *response.status_mut() = status;
    for (name, value) in &headers {
        if name != hyper::header::CONTENT_LENGTH && name != hyper::header::TRANSFER_ENCODING {
            response.headers_mut().append(name, value.clone());
        }
    }
    Ok(response)
}
