# pat-conformance as a container: the suite it was built with is embedded in the binary.
#   docker build -t pat-conformance .
#   docker run --rm -v "$PWD/reports:/home/nonroot/reports" -v "$PWD/profile.yaml:/home/nonroot/profile.yaml:ro" \
#     pat-conformance run --profile profile.yaml
FROM rust:1-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock build.rs ./
COPY src ./src
COPY specs ./specs
COPY cases ./cases
# Only the binary: no tests, benches or examples (their dev-dependencies stay out).
RUN cargo build --release --locked --bin pat-conformance \
    && strip target/release/pat-conformance

# glibc and CA certificates, nothing else (no shell).
FROM gcr.io/distroless/cc-debian12:nonroot
COPY --from=build /src/target/release/pat-conformance /usr/local/bin/pat-conformance
# Writable by the image's user (nonroot, uid 65532).
WORKDIR /home/nonroot
# The embedded suite is written out once into the cache; reports go to ./reports.
ENV XDG_CACHE_HOME=/tmp
ENTRYPOINT ["/usr/local/bin/pat-conformance"]
CMD ["run"]
