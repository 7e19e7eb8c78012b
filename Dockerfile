# pat-conformance as a container: one static binary (musl) carrying its suite, in a
# distroless image (CA certificates, no shell), running as nonroot (uid 65532).
#
#   docker build -t pat-conformance .
#
# Run the suite against your endpoint; mount your folder and run as yourself so the
# reports land there, owned by you (the image's user cannot write a host folder):
#   docker run --rm --user "$(id -u):$(id -g)" -v "$PWD:/work" -w /work \
#     -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY -e AWS_BEARER_TOKEN_CODECATALYST \
#     pat-conformance run --endpoint http://host.docker.internal:4566
#
# Serve the emulator (it listens on 0.0.0.0 inside the container; port 4566):
#   docker run --rm -p 4566:4566 pat-conformance serve
#
# Base images are pinned by digest (tag beside it for people); Dependabot
# (.github/dependabot.yml) proposes updates.

# --- build from source (the default image) -------------------------------------
FROM rust:1.95-slim-bookworm@sha256:d7482085ff5b415f84dba5647ae71606650bdef00db7aeb69f4b3d170c3e4082 AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends musl-tools \
    && rm -rf /var/lib/apt/lists/* \
    && rustup target add "$(uname -m)-unknown-linux-musl"
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs README.md LICENSE NOTICE ./
COPY src ./src
COPY specs ./specs
COPY cases ./cases
# Only the binary: no tests, benches or examples (their dev-dependencies stay out).
RUN cargo build --release --locked --target "$(uname -m)-unknown-linux-musl" --bin pat-conformance \
    && cp "target/$(uname -m)-unknown-linux-musl/release/pat-conformance" /pat-conformance

# --- what every variant of the image shares -------------------------------------
FROM gcr.io/distroless/static-debian12:nonroot@sha256:d093aa3e30dbadd3efe1310db061a14da60299baff8450a17fe0ccc514a16639 AS runtime
LABEL org.opencontainers.image.title="pat-conformance" \
      org.opencontainers.image.description="Contract conformance suite for the AWS personal-access-token APIs, with an emulator" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/pat-conformance/pat-conformance"
WORKDIR /home/nonroot
# The embedded suite is written out once into the cache: /tmp is writable by any
# user (also with --user), so is the default ./reports under /home/nonroot for
# the image's own user.
ENV XDG_CACHE_HOME=/tmp
# `serve` listens on every interface of the container (the host decides what to
# publish with -p); a `run` is not affected.
ENV PAT_CONFORMANCE_SERVE_HOST=0.0.0.0
EXPOSE 4566
ENTRYPOINT ["/usr/local/bin/pat-conformance"]
CMD ["run"]

# --- release images: the binaries the release job built (dist/<arch>/) ---------
#   docker buildx build --target prebuilt --platform linux/amd64,linux/arm64 .
FROM runtime AS prebuilt
ARG TARGETARCH
COPY dist/${TARGETARCH}/pat-conformance /usr/local/bin/pat-conformance

# --- default: built from this source tree --------------------------------------
FROM runtime AS source
COPY --from=build /pat-conformance /usr/local/bin/pat-conformance
