import { expect, it } from 'vitest';
import { describeDocker } from './docker-harness.ts';
import { nodeBinary } from './images/base-rootfs.ts';

describeDocker('the local base images', (docker) => {
  it('keyturn-base-node24 has node 24, the user node (1000), a shell and a sticky /tmp', async () => {
    const result = await docker.run({
      image: docker.images.node24,
      user: 'node',
      command: [
        'sh',
        '-c',
        'node --version; id; stat -c %a /tmp; node -p "require(\'node:os\').userInfo().homedir"',
      ],
    });

    expect(result.exitCode, result.stderr).toBe(0);
    const [version, id, tmp, home] = result.stdout.trim().split('\n');
    expect(version).toMatch(/^v24\./);
    expect(id).toBe('uid=1000(node) gid=1000(node) groups=1000(node)');
    expect(tmp).toBe('1777');
    expect(home).toBe('/home/node');
  });

  it('keyturn-base-glibc has no node, but its libraries run the node binary mounted in', async () => {
    const result = await docker.run({
      image: docker.images.glibc,
      flags: ['--volume', `${nodeBinary()}:/opt/node:ro`],
      command: ['sh', '-c', 'command -v node || /opt/node -p process.version'],
    });

    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toMatch(/^v24\./);
  });
});

describeDocker('the test Vault server image', (docker) => {
  it('is healthy on its fixed port in its own network namespace, is reached from a container sharing it, and stops on SIGTERM', async () => {
    await using server = await docker.start({ image: docker.images.vaultServer, network: 'none' });
    await server.waitForHealthy();

    const health = await docker.run({
      image: docker.images.node24,
      network: `container:${server.id}`,
      command: ['wget', '-q', '-O', '-', 'http://127.0.0.1:8200/v1/sys/health'],
    });

    expect(health.exitCode, health.stderr).toBe(0);
    expect(JSON.parse(health.stdout)).toMatchObject({ initialized: true, sealed: false });
    // node is PID 1 (the entrypoint execs it) and closes the server on SIGTERM: exit 0, not
    // 137 after docker stop's timeout.
    expect((await server.stop()).exitCode).toBe(0);
  });
});
