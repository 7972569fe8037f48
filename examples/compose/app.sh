#!/bin/sh
# The example's application: it uses its secrets and says what it was given, never a value.
set -e
. /run/secrets/db.env
echo "app: running as $(id -u):$(id -g), database user ${username}, API key ${API_KEY:+in the environment}${API_KEY:-in /run/secrets/api-key}"
ls -ln /run/secrets
exec sleep 2147483647
