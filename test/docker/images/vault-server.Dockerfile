# The repo's test Vault server (test/vault-server/, bundled into one file) on a local base.
# It listens on 127.0.0.1 only (the server's listener binds loopback), so it is reached
# from the host network (`--network host`, VAULT_PORT=0: the address is in the log as
# VAULT_ADDR=...) or from containers sharing its network namespace (`--network
# container:<id>`, compose `network_mode: service:vault`) on a fixed VAULT_PORT.
ARG BASE
FROM ${BASE}
COPY vault-server.mjs /opt/keyturn-test/vault-server.mjs
ENV VAULT_PORT=8200
USER node
# sh turns the env into main.ts's --port; exec keeps node as PID 1, which stops on SIGTERM.
# Extra arguments (--tls, --sealed, --uninitialized) pass through.
ENTRYPOINT ["sh", "-c", "exec node /opt/keyturn-test/vault-server.mjs --port \"$VAULT_PORT\" \"$@\"", "--"]
# Only meaningful with a fixed port; with VAULT_PORT=0 wait for the VAULT_ADDR log line.
HEALTHCHECK --interval=1s --timeout=2s --retries=30 \
  CMD ["sh", "-c", "wget -q -O /dev/null \"http://127.0.0.1:$VAULT_PORT/v1/sys/health\""]
