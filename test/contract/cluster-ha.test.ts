import { afterEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  startVaultCluster,
  type VaultCluster,
  type VaultServer,
} from '../vault-server/index.ts';

// Contract: several nodes of one HA cluster, judged per node (WIRE §1 and §9; http/sys_health.go,
// http/sys_leader.go, http/handler.go request forwarding).
let cluster: VaultCluster;
afterEach(() => cluster.close());

const LEADER_KEYS = [
  'ha_enabled',
  'is_self',
  'active_time',
  'leader_address',
  'leader_cluster_address',
  'performance_standby',
  'performance_standby_last_remote_wal',
  'raft_committed_index',
  'raft_applied_index',
];

function nodes(): [VaultServer, VaultServer, VaultServer] {
  const [a, b, c] = cluster.nodes;
  if (!a || !b || !c) throw new Error('expected 3 nodes');
  return [a, b, c];
}

const healthOf = (node: VaultServer, query = '') => node.read(`sys/health${query}`, null);
const leaderOf = (node: VaultServer) => node.read('sys/leader', null);
const clusterAddr = (node: VaultServer) => `https://127.0.0.1:${node.port + 1}`;

describe('an unsealed 3-node cluster', () => {
  it('has one active node; sys/health answers 200 there and 429 on standbys unless standbyok', async () => {
    cluster = await startVaultCluster();
    const [a, b, c] = nodes();
    expect(cluster.active).toBe(a);
    expect(new Set([a.addr, b.addr, c.addr]).size).toBe(3);
    expect(await healthOf(a)).toMatchObject({ status: 200, body: { standby: false } });
    expect(await healthOf(b)).toMatchObject({
      status: 429,
      body: { standby: true, sealed: false },
    });
    expect((await healthOf(b, '?standbyok=true')).status).toBe(200);
    expect((await healthOf(b, '?standbycode=299')).status).toBe(299);
    expect((await healthOf(a, '?activecode=204')).status).toBe(204);
    // A performance standby hits the 473 case first: standbyok alone does not make it 200.
    c.setStandby('performance');
    expect(await healthOf(c)).toMatchObject({ status: 473, body: { performance_standby: true } });
    expect((await healthOf(c, '?standbyok=true')).status).toBe(473);
    expect((await healthOf(c, '?perfstandbyok=true')).status).toBe(200);
    expect((await leaderOf(c)).body.performance_standby).toBe(true);
  });

  it('answers sys/leader per node: is_self and active_time on the active, its address everywhere', async () => {
    const clock = new ManualClock(Date.UTC(2025, 2, 1, 8, 0, 0, 250));
    cluster = await startVaultCluster({ clock });
    const [a, b] = nodes();
    const active = await leaderOf(a);
    expect(active.status).toBe(200);
    expect(Object.keys(active.body)).toEqual(LEADER_KEYS);
    expect(active.body).toMatchObject({
      ha_enabled: true,
      is_self: true,
      active_time: '2025-03-01T08:00:00.25Z',
      leader_address: a.addr,
      leader_cluster_address: clusterAddr(a),
      performance_standby: false,
      performance_standby_last_remote_wal: 0,
    });
    expect(active.body.raft_committed_index).toBeGreaterThan(0);
    expect(active.text).not.toContain('request_id');
    expect((await leaderOf(b)).body).toMatchObject({
      ha_enabled: true,
      is_self: false,
      active_time: '0001-01-01T00:00:00Z',
      leader_address: a.addr,
      leader_cluster_address: clusterAddr(a),
    });
  });

  it('shows cluster fields and raft storage in every unsealed node’s seal-status', async () => {
    cluster = await startVaultCluster();
    const bodies = await Promise.all(
      nodes().map(async (n) => (await n.read('sys/seal-status', null)).body),
    );
    for (const body of bodies) {
      expect(body).toMatchObject({
        sealed: false,
        storage_type: 'raft',
        cluster_name: 'vault-cluster-keyturn',
      });
    }
    expect(new Set(bodies.map((b) => b.cluster_id)).size).toBe(1);
  });

  it('forwards a standby’s requests to the active: one storage, one token store', async () => {
    cluster = await startVaultCluster();
    const [a, b] = nodes();
    expect((await b.write('secret/data/app', { data: { pw: 'x' } })).status).toBe(200);
    expect((await a.read('secret/data/app')).body.data.data).toEqual({ pw: 'x' });
    const token = (await a.write('auth/token/create', { ttl: '1h' })).body.auth.client_token;
    expect((await b.read('auth/token/lookup-self', token)).status).toBe(200);
    // Logged on the node the client called.
    expect(b.requests.some((r) => r.path === 'auth/token/lookup-self')).toBe(true);
    expect(a.requests.some((r) => r.path === 'auth/token/lookup-self')).toBe(false);
  });

  it('steps down to the next node, or to a chosen one, and sys/health and sys/leader follow', async () => {
    cluster = await startVaultCluster();
    const [a, b, c] = nodes();
    expect(cluster.stepDown()).toBe(b);
    expect((await healthOf(a)).status).toBe(429);
    expect((await healthOf(b)).status).toBe(200);
    expect((await leaderOf(c)).body.leader_address).toBe(b.addr);
    expect(cluster.stepDown({ to: a })).toBe(a);
    expect((await leaderOf(b)).body).toMatchObject({ is_self: false, leader_address: a.addr });
  });

  it('fails over when the active stops; the old active comes back as a standby', async () => {
    cluster = await startVaultCluster();
    const [a, b] = nodes();
    await a.stop();
    expect(cluster.active).toBe(b);
    expect((await healthOf(b)).status).toBe(200);
    await a.start();
    expect(cluster.active).toBe(b);
    expect((await healthOf(a)).status).toBe(429);
  });

  it('refuses sys/seal on a standby with 500; on the active it seals that node and fails over', async () => {
    cluster = await startVaultCluster();
    const [a, b] = nodes();
    expect(await b.write('sys/seal', {})).toMatchObject({
      status: 500,
      body: { errors: ['vault cannot seal when in standby mode; please restart instead'] },
    });
    expect((await a.write('sys/seal', {})).status).toBe(204);
    expect(cluster.active).toBe(b);
    expect(await healthOf(a)).toMatchObject({ status: 503, body: { sealed: true, standby: true } });
    expect(await leaderOf(a)).toMatchObject({ status: 503, body: { errors: ['Vault is sealed'] } });
  });

  it('is leaderless after a step-down with no other candidate: standbys answer 500 until elect()', async () => {
    cluster = await startVaultCluster();
    const [a, b, c] = nodes();
    b.seal();
    c.seal();
    expect(cluster.stepDown()).toBeUndefined();
    expect((await leaderOf(a)).body).toMatchObject({
      is_self: false,
      leader_address: '',
      leader_cluster_address: '',
    });
    expect((await healthOf(a)).status).toBe(429);
    expect(await a.read('auth/token/lookup-self')).toMatchObject({
      status: 500,
      body: { errors: ['local node not active but active cluster node not found'] },
    });
    expect(cluster.elect()).toBe(a);
    expect((await a.read('auth/token/lookup-self')).status).toBe(200);
  });
});

describe('a sealed or uninitialised cluster', () => {
  it('unseals node by node with the same shares; progress is per node; the first unsealed is active', async () => {
    cluster = await startVaultCluster({ sealed: true, shares: 3, threshold: 2 });
    const [a, b, c] = nodes();
    const [k1, k2, k3] = cluster.unsealKeys;
    for (const node of [a, b, c]) {
      expect((await healthOf(node)).status).toBe(503);
      expect(await leaderOf(node)).toMatchObject({
        status: 503,
        body: { errors: ['Vault is sealed'] },
      });
    }
    expect((await a.write('sys/unseal', { key: k1 }, null)).body.progress).toBe(1);
    expect((await b.read('sys/seal-status', null)).body.progress).toBe(0);
    expect((await c.write('sys/unseal', { key: k2 }, null)).body.progress).toBe(1);
    expect((await c.write('sys/unseal', { key: k3 }, null)).body.sealed).toBe(false);
    expect(cluster.active).toBe(c);
    expect((await a.write('sys/unseal', { key: k3 }, null)).body.sealed).toBe(false);
    expect((await healthOf(a)).status).toBe(429);
    expect(await a.read('secret/data/none')).toMatchObject({ status: 404, body: { errors: [] } });
    expect(await b.read('secret/data/none')).toMatchObject({
      status: 503,
      body: { errors: ['Vault is sealed'] },
    });
  });

  it('answers 501 on every node before init; init through one node initialises them all, sealed', async () => {
    cluster = await startVaultCluster({ initialized: false });
    const [a, b, c] = nodes();
    for (const node of [a, b, c]) expect((await healthOf(node)).status).toBe(501);
    expect((await healthOf(a, '?uninitcode=200')).status).toBe(200);
    expect((await leaderOf(a)).status).toBe(503);
    const init = await b.write('sys/init', { secret_shares: 1, secret_threshold: 1 }, null);
    expect(init.status).toBe(200);
    for (const node of [a, b, c]) {
      expect(await healthOf(node)).toMatchObject({ status: 503, body: { initialized: true } });
    }
    expect(cluster.active).toBeUndefined();
    expect((await a.write('sys/unseal', { key: init.body.keys[0] }, null)).body.sealed).toBe(false);
    expect(cluster.active).toBe(a);
  });
});
