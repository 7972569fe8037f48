# The repo's test Vault server (test/vault-server/, bundled into one file) on a local base.
# Like `vault server -dev` in the official image: VAULT_DEV_LISTEN_ADDRESS (host:port) and
# VAULT_DEV_ROOT_TOKEN_ID, so a compose file written for hashicorp/vault runs with this image
# swapped in. Without VAULT_DEV_LISTEN_ADDRESS it listens on 127.0.0.1:$VAULT_PORT only:
# reached from the host network (`--network host`, VAULT_PORT=0: the address is in the log as
# VAULT_ADDR=...) or from containers sharing its network namespace (`--network container:<id>`).
ARG BASE
FROM ${BASE}
COPY vault-server.mjs /opt/keyturn-test/vault-server.mjs
ENV VAULT_PORT=8200
USER node
# sh turns the env into main.ts's flags; exec keeps node as PID 1, which stops on SIGTERM.
# Extra arguments (--tls, --sealed, --uninitialized, --log-requests) pass through.
ENTRYPOINT ["sh", "-c", "listen=${VAULT_DEV_LISTEN_ADDRESS:-127.0.0.1:$VAULT_PORT}; exec node /opt/keyturn-test/vault-server.mjs --host \"${listen%:*}\" --port \"${listen##*:}\" ${VAULT_DEV_ROOT_TOKEN_ID:+--root-token \"$VAULT_DEV_ROOT_TOKEN_ID\"} \"$@\"", "--"]
# Only meaningful with a fixed port; with VAULT_PORT=0 wait for the VAULT_ADDR log line.
HEALTHCHECK --interval=1s --timeout=2s --retries=30 \
  CMD ["sh", "-c", "listen=${VAULT_DEV_LISTEN_ADDRESS:-127.0.0.1:$VAULT_PORT}; wget -q -O /dev/null \"http://127.0.0.1:${listen##*:}/v1/sys/health\""]
