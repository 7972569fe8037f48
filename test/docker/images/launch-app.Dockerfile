# The application image the `keyturn launch` tests start: keyturn as its preStart, one
# secret from Vault, a HEALTHCHECK by `keyturn status`. LEAKY=1 makes the entrypoint print
# the wrapping token it was handed — an application that leaks it — so a test can see the
# launcher redact it from the logs it reports.
ARG BASE
FROM ${BASE}
COPY dist/keyturn.mjs /usr/local/lib/keyturn/keyturn.mjs
COPY dist/chunks /usr/local/lib/keyturn/chunks
RUN ln -s /usr/local/lib/keyturn/keyturn.mjs /usr/local/bin/keyturn
USER node
ENTRYPOINT ["sh", "-c", "[ -z \"$LEAKY\" ] || echo \"debug: VAULT_SECRET_ID=$VAULT_SECRET_ID\"; keyturn prestart --secret secret/app/db=/run/secrets/db.json && exec \"$@\"", "--"]
CMD ["sh", "-c", "echo ready; sleep 3600 & wait"]
# Generous timeout and start period: a loaded 2-core CI machine takes seconds to start node.
HEALTHCHECK --interval=1s --timeout=30s --start-period=60s --retries=3 \
  CMD ["keyturn", "status", "--secret", "secret/app/db=/run/secrets/db.json"]
