#!/bin/sh
# The example's application: it uses its secrets and says what it was given, never a value.
set -e
. /run/secrets/db.env
if [ -n "${API_KEY:-}" ]; then key='in the environment'; else key='in /run/secrets/api-key'; fi
echo "app: running as $(id -u):$(id -g), database user ${username}, API key ${key}"
ls -ln /run/secrets
exec sleep 2147483647
