# The CI's Vault policy ("trusted orchestrator"): it may create response-wrapped secret IDs
# for AppRole roles, and nothing else. It cannot read a secret, unwrap, or log in as an
# application: a leaked CI token hands out only wrapping tokens that the container would
# find spent, which keyturn reports as "possible interception".
path "auth/approle/role/+/secret-id" {
  capabilities     = ["update"]
  # Never a plain secret ID (it would sit in the job's environment and logs)...
  min_wrapping_ttl = "10s"
  # ...and a wrapping token lives only until the container starts.
  max_wrapping_ttl = "5m"
}
