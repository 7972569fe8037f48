# keyturn as a preStart in an application image: copy the CLI in (its entry file and the
# chunks it loads on demand, side by side), run it before the main process. Build the CLI
# first: `npm ci && npm run build`.
# BASE: the tests build this on a local image (no registry there): --build-arg BASE=...
ARG BASE=node:24-bookworm-slim
FROM ${BASE}
COPY dist/keyturn.mjs /usr/local/lib/keyturn/keyturn.mjs
COPY dist/chunks /usr/local/lib/keyturn/chunks
# Node resolves the link to the real path, so the chunks are found next to the entry file.
RUN ln -s /usr/local/lib/keyturn/keyturn.mjs /usr/local/bin/keyturn
COPY examples/compose/keyturn.yaml /etc/keyturn/keyturn.yaml
ENV KEYTURN_CONFIG=/etc/keyturn/keyturn.yaml
# Runs as the application's user; /run/secrets must be writable by it.
USER node
# preStart, then the real process (exec keeps it PID 1 so it gets the signals).
ENTRYPOINT ["sh", "-c", "keyturn prestart && exec \"$@\"", "--"]
CMD ["node", "-e", "console.log('replace me with your application')"]
