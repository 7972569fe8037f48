// The floor for "1,000 secrets": a bare keep-alive HTTP client doing the same unwrap, login
// and reads with the same concurrency (16), writing each answer to a file. No retries, no
// checks, no atomicity — what keyturn's overhead is measured against. Plain JavaScript: a
// .ts file would make Node load its type stripper, 20-odd MiB the floor must not carry.
import { writeFile } from 'node:fs/promises';
import { Agent, request } from 'node:http';

const {
  VAULT_ADDR = '',
  VAULT_ROLE_ID = '',
  VAULT_SECRET_ID = '',
  OUT = '',
  COUNT = '0',
} = process.env;
const agent = new Agent({ keepAlive: true, maxSockets: 16 });

function call(method, path, token, body) {
  return new Promise((resolve, reject) => {
    const req = request(
      `${VAULT_ADDR}/v1/${path}`,
      { method, agent, headers: token ? { 'X-Vault-Token': token } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () =>
          res.statusCode === 200
            ? resolve(JSON.parse(text))
            : reject(new Error(`${path}: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

const secretId = (await call('POST', 'sys/wrapping/unwrap', VAULT_SECRET_ID)).data.secret_id;
const token = (
  await call('POST', 'auth/approle/login', undefined, {
    role_id: VAULT_ROLE_ID,
    secret_id: secretId,
  })
).auth.client_token;
let next = 0;
const worker = async () => {
  for (let i = next++; i < Number(COUNT); i = next++) {
    const answer = await call('GET', `secret/data/bench/m${i}`, token);
    await writeFile(`${OUT}/m${i}.json`, JSON.stringify(answer.data.data), { mode: 0o400 });
  }
};
await Promise.all(Array.from({ length: 16 }, worker));
agent.destroy();
