# Builds the membership service, the reporting service and partyctl in one image.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p partyregistry-membership -p partyregistry-reporting -p partyregistry-cli

FROM debian:bookworm-slim
RUN useradd --system --uid 10001 partyregistry
COPY --from=build /src/target/release/membership /src/target/release/reporting /src/target/release/partyctl /usr/local/bin/
USER partyregistry
