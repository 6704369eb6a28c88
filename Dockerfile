# onemsg-bridge in a container: docs/deploy.md explains how to run it (one node on SQLite, or PostgreSQL).
#   docker build -t onemsg-bridge .
#   docker run -p 8080:8080 -v bridge-data:/var/lib/onemsg-bridge onemsg-bridge
# Both stages are Debian 12 (bookworm), so the binary finds the C library it was linked against. The Swift runtime
# is linked in statically (--static-swift-stdlib): the runtime image needs only SQLite's library and the CA bundle.

FROM swift:6.3-bookworm AS build
# GRDB links the system SQLite.
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libsqlite3-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# Dependencies first, so a source change does not fetch them again.
COPY Package.swift ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product onemsg-bridge --static-swift-stdlib \
    && install -D -m 0755 "$(swift build -c release --show-bin-path)/onemsg-bridge" /out/onemsg-bridge

FROM debian:bookworm-slim
RUN apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libsqlite3-0 ca-certificates tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --user-group --home-dir /var/lib/onemsg-bridge --create-home --shell /usr/sbin/nologin bridge
COPY --from=build /out/onemsg-bridge /usr/local/bin/onemsg-bridge
USER bridge
WORKDIR /var/lib/onemsg-bridge
# The SQLite default; a postgres:// URL in BRIDGE_DATABASE (or --database) replaces it.
ENV BRIDGE_DATABASE=/var/lib/onemsg-bridge/bridge.sqlite
VOLUME /var/lib/onemsg-bridge
EXPOSE 8080
# SIGTERM (docker stop) drains in-flight requests and deliveries before the bridge exits.
STOPSIGNAL SIGTERM
ENTRYPOINT ["onemsg-bridge"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8080"]
