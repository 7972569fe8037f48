// The compose example's Vault, set up as an operator would once (Vault's HTTP API, no CLI):
//   node vault-setup.mjs                       AppRole `app`, policies, the app's secrets
// VAULT_ADDR and VAULT_TOKEN as for the vault CLI; APP_TOKEN_TTL: the app's token TTL.
const addr = process.env.VAULT_ADDR ?? 'http://127.0.0.1:8200';
const token = process.env.VAULT_TOKEN ?? '';

async function vault(method, path, body, headers = {}) {
  const response = await fetch(`${addr}/v1/${path}`, {
    method,
    headers: { 'X-Vault-Token': token, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

async function setup() {
  const mounts = await vault('GET', 'sys/auth');
  if (!mounts.data['approle/']) await vault('POST', 'sys/auth/approle', { type: 'approle' });
  await vault('PUT', 'sys/policies/acl/app', {
    policy: 'path "secret/data/app/*" { capabilities = ["read"] }',
  });
  await vault('POST', 'auth/approle/role/app', {
    token_policies: ['app'],
    token_ttl: process.env.APP_TOKEN_TTL ?? '1h',
    token_max_ttl: '24h',
    secret_id_num_uses: 1,
    secret_id_ttl: '10m',
  });
  await vault('POST', 'auth/approle/role/app/role-id', { role_id: 'app' });
  // Example values; in real life they are written by whoever owns them.
  await vault('POST', 'secret/data/app/db', {
    data: { username: 'app', password: 'example-db-password' },
  });
  await vault('POST', 'secret/data/app/api', { data: { key: 'example-api-key' } });
  // What a launcher needs: secret IDs for `app`, wrapped, and nothing else.
  await vault('PUT', 'sys/policies/acl/launcher', {
    policy: 'path "auth/approle/role/app/secret-id" { capabilities = ["update"] }',
  });
  console.error('setup: approle role app, policies app and launcher, secret/app/{db,api}');
}

await setup();
