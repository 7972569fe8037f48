// The Jenkins example's Vault, set up once (Vault's HTTP API, no CLI):
//   node vault-setup.mjs                   AppRole `jenkins`, its policy, example secrets
// VAULT_ADDR and VAULT_TOKEN as for the vault CLI; JENKINS_TOKEN_TTL: Jenkins' token TTL.
import { generateKeyPairSync } from 'node:crypto';

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

/** An Ed25519 key pair in OpenSSH's formats: PKCS#8 PEM (ssh reads it) and `ssh-ed25519 AAAA…`. */
function sshKeyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const field = (bytes) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return Buffer.concat([length, bytes]);
  };
  const blob = Buffer.concat([field(Buffer.from('ssh-ed25519')), field(raw)]);
  return {
    private_key: privateKey.export({ format: 'pem', type: 'pkcs8' }),
    public_key: `ssh-ed25519 ${blob.toString('base64')} jenkins\n`,
  };
}

async function setup() {
  const mounts = await vault('GET', 'sys/auth');
  if (!mounts.data['approle/']) await vault('POST', 'sys/auth/approle', { type: 'approle' });
  await vault('PUT', 'sys/policies/acl/jenkins', {
    policy: 'path "secret/data/jenkins/*" { capabilities = ["read"] }',
  });
  await vault('POST', 'auth/approle/role/jenkins', {
    token_policies: ['jenkins'],
    token_ttl: process.env.JENKINS_TOKEN_TTL ?? '1h',
    token_max_ttl: '24h',
    secret_id_num_uses: 1,
    secret_id_ttl: '10m',
  });
  await vault('POST', 'auth/approle/role/jenkins/role-id', { role_id: 'jenkins' });
  // Written once: the setup runs again at every `up`, and new keys each time would rotate them.
  const existing = await fetch(`${addr}/v1/secret/data/jenkins/ssh`, {
    headers: { 'X-Vault-Token': token },
  });
  if (existing.status !== 404) return;
  await vault('POST', 'secret/data/jenkins/ssh', { data: sshKeyPair() });
  // Example values; in real life they are written by whoever owns them.
  await vault('POST', 'secret/data/jenkins/github', {
    data: {
      username: 'jenkins-bot',
      token: 'example-github-token',
      webhook_secret: 'example-webhook-secret',
      deploy_key: sshKeyPair().private_key,
    },
  });
  // Public, but stored beside the rest so one Vault path hands Jenkins everything it trusts.
  await vault('POST', 'secret/data/jenkins/ca', {
    data: {
      certificate: '-----BEGIN CERTIFICATE-----\n(your internal CA)\n-----END CERTIFICATE-----\n',
    },
  });
  console.error('setup: approle role jenkins, policy jenkins, secret/jenkins/{ssh,github,ca}');
}

await setup();
