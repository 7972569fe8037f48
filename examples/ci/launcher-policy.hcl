# Added to ci-policy.hcl for `keyturn launch` and `keyturn issue-secret-id --role-id`: the
# container gets the role ID beside its wrapped secret ID. A role ID alone logs in nowhere.
path "auth/approle/role/+/role-id" {
  capabilities = ["read"]
}
