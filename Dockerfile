# keyturn's image: build (and test) from source, then a small runtime stage.
#
#   docker build -t keyturn .                  # the runtime image (default target)
#   docker build --target test .               # also type-check, lint and run the unit tests
#
# As a source stage in your own image (see README "Docker image"):
#   FROM keyturn AS keyturn
#   FROM debian:bookworm-slim        # any glibc x86-64 image; no node needed
#   COPY --from=keyturn /usr/local/bin/keyturn /usr/local/bin/keyturn
#
# BUILD_BASE needs node 24 and npm; BASE (glibc) is what the image runs on. The Docker tests build
# this file on local stand-ins (--build-arg BASE=... BUILD_BASE=...): no registry there.
ARG BUILD_BASE=node:24-bookworm-slim
ARG BASE=debian:bookworm-slim

FROM ${BUILD_BASE} AS build
WORKDIR /src
# Dependencies first: this layer is rebuilt only when the lock file changes.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The one line that picks the artifact: the single executable (Node's SEA, glibc x64), so
# BASE needs no node. For the bundle instead (BASE with node 24; it loads chunks beside it):
#   RUN npm run build && mkdir -p /out/lib && cp -r dist/keyturn.mjs dist/chunks /out/lib/ \
#     && ln -s /usr/local/lib/keyturn/keyturn.mjs /out/keyturn   (and COPY /out/lib too)
RUN npm run build:sea && mkdir /out && cp dist/keyturn /out/keyturn

# Not part of the default build with BuildKit (nothing copies from it): `--target test`.
# The classic builder (DOCKER_BUILDKIT=0) builds every stage up to the target, this one
# too: there, `--build-arg TESTS=skip` leaves it empty.
FROM build AS test
ARG TESTS=run
RUN if [ "$TESTS" != skip ]; then \
      npm run typecheck && npm run lint && npx vitest run --project unit; fi

FROM ${BASE} AS runtime
# tini as PID 1 forwards signals and reaps orphans: keyturn is no init (SPEC §3), and a
# shell as PID 1 ignores SIGTERM, so `docker stop` would wait 10 s for SIGKILL.
RUN command -v tini >/dev/null || { apt-get update \
    && apt-get install -y --no-install-recommends tini && rm -rf /var/lib/apt/lists/*; }
COPY --from=build /out/keyturn /usr/local/bin/keyturn
# Secrets go to /run/secrets, owned by the user keyturn runs as (1000) and closed to others: a root-owned directory would refuse the write (73), a
# world-writable one is refused by keyturn's directory rule. A tmpfs mounted there must
# carry the same owner (`/run/secrets:uid=1000,gid=1000,mode=0700`).
# keyturn's state (no secrets: expiry times, the renewer's pid, lock and log) goes to
# /run/keyturn. Mount a tmpfs there too: state in the container's writable layer survives
# `docker restart`, and the previous run's fresh renewer lock then blocks the new one (64).
RUN mkdir -p /run/secrets /run/keyturn /etc/keyturn \
    && chown 1000:1000 /run/secrets /run/keyturn && chmod 0700 /run/secrets /run/keyturn
ENV KEYTURN_STATE_DIR=/run/keyturn
USER 1000:1000
# keyturn reads ./keyturn.yaml when neither --config nor KEYTURN_CONFIG names a file: mount
# yours at /etc/keyturn/keyturn.yaml, or pass --secret flags.
WORKDIR /etc/keyturn
# Judged from local state (files present, renewer alive, token not expired): a Vault outage
# does not turn the fleet unhealthy.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["keyturn", "status"]
ENTRYPOINT ["tini", "--", "keyturn"]
CMD ["agent"]
