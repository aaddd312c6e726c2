# syntax=docker/dockerfile:1
# Builds the membership service, the reporting service and partyctl in one image.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
# The downloaded and compiled dependencies persist between builds in cache mounts, so a change to
# the sources rebuilds only the workspace's crates.
RUN --mount=type=cache,target=/usr/local/cargo/registry --mount=type=cache,target=/src/target \
    cargo build --release --locked -p partyregistry-membership -p partyregistry-reporting -p partyregistry-cli \
    && cp target/release/membership target/release/reporting target/release/partyctl /usr/local/bin/

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 partyregistry
COPY --from=build /usr/local/bin/membership /usr/local/bin/reporting /usr/local/bin/partyctl /usr/local/bin/
USER partyregistry
# The image runs either service; this checks the membership service on its default port, and the
# compose file states the check of each service explicitly.
HEALTHCHECK --interval=10s --timeout=3s --retries=6 \
    CMD ["partyctl", "--membership", "http://127.0.0.1:50051", "health", "--service", "membership"]
