#!/bin/sh
# The classic Autopilot-pattern preStart, for comparison: curl + jq, one process per step.
# Expects VAULT_ADDR, VAULT_ROLE_ID, VAULT_SECRET_ID (a wrapping token), OUT, COUNT.
set -eu
api="$VAULT_ADDR/v1"
secret_id=$(curl -sf -X POST -H "X-Vault-Token: $VAULT_SECRET_ID" "$api/sys/wrapping/unwrap" | jq -r .data.secret_id)
token=$(curl -sf -X POST -d "{\"role_id\":\"$VAULT_ROLE_ID\",\"secret_id\":\"$secret_id\"}" "$api/auth/approle/login" | jq -r .auth.client_token)
umask 077
mkdir -p "$OUT"
i=0
while [ "$i" -lt "$COUNT" ]; do
  curl -sf -H "X-Vault-Token: $token" "$api/secret/data/bench/s$i" | jq .data.data > "$OUT/s$i.json"
  i=$((i + 1))
done
cert=$(curl -sf -X POST -H "X-Vault-Token: $token" -d '{"common_name":"bench.service.consul","ttl":"1h"}' "$api/pki/issue/web")
printf '%s' "$cert" | jq -r .data.certificate > "$OUT/cert.pem"
printf '%s' "$cert" | jq -r .data.private_key > "$OUT/key.pem"
printf '%s' "$cert" | jq -r .data.issuing_ca > "$OUT/ca.pem"
