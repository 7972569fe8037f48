import { describe, expect, it } from 'vitest';
import { demultiplex } from '../../src/launch/container-logs.ts';
import { containerOptions } from '../../src/launch/container-options.ts';
import { dockerConnection } from '../../src/launch/docker-connection.ts';
import { launchSpec } from '../../src/launch/launch-spec.ts';
import { secretIdRequest } from '../../src/launch/secret-id-request.ts';

describe('secretIdRequest', () => {
  it('turns the flags into the request Vault expects: metadata as one JSON string, seconds', () => {
    expect(
      secretIdRequest({
        role: 'app',
        metadata: ['job=42', 'url=https://ci/x?a=b'],
        cidr: ['10.0.0.0/8'],
        numUses: '1',
        ttl: '1h',
        wrapTtl: '2m',
      }),
    ).toEqual({
      mount: 'approle',
      role: 'app',
      wrapTtlSeconds: 120,
      body: {
        metadata: '{"job":"42","url":"https://ci/x?a=b"}',
        cidr_list: ['10.0.0.0/8'],
        num_uses: 1,
        ttl: 3600,
      },
    });
    expect(secretIdRequest({ role: 'app' })).toEqual({
      mount: 'approle',
      role: 'app',
      wrapTtlSeconds: 120,
      body: {},
    });
  });

  it.each([
    [{ role: 'a/b' }, '--role "a/b": not a role name'],
    [{ role: 'app', wrapTtl: '0s' }, '--wrap-ttl must be at least 1s'],
    [{ role: 'app', wrapTtl: '500ms' }, '--wrap-ttl 500ms: Vault counts whole seconds'],
    [{ role: 'app', numUses: 'many' }, '--num-uses "many"'],
    [{ role: 'app', metadata: ['a=1', 'a=2'] }, '--metadata a: given twice'],
    [{ role: 'app', metadata: ['=x'] }, '--metadata "=x": expected KEY=VALUE'],
    [{ role: 'app', mount: '../x' }, '--mount "../x": not a mount path'],
  ])('refuses %j (64): %s', (flags, text) => {
    expect(() => secretIdRequest(flags)).toThrow(text);
  });
});

describe('launchSpec', () => {
  it('reads every flag; --cmd takes words or a JSON array', () => {
    const spec = launchSpec({
      image: 'acme/app:1',
      name: 'app',
      env: ['MODE=prod', 'EMPTY='],
      tmpfs: ['/run/secrets:uid=1000,mode=0700'],
      volume: ['data:/data:ro'],
      label: ['team=ci'],
      cmd: '["node", "server.js"]',
      replace: 'app',
      stopFirst: true,
      wait: true,
      waitTimeout: '2m',
    });
    expect(spec).toMatchObject({
      env: { MODE: 'prod', EMPTY: '' },
      tmpfs: { '/run/secrets': 'uid=1000,mode=0700' },
      binds: ['data:/data:ro'],
      labels: { team: 'ci' },
      cmd: ['node', 'server.js'],
      pull: 'missing',
      waitTimeoutMs: 120_000,
      stopFirst: true,
    });
    expect(launchSpec({ image: 'x', cmd: 'sleep 10' }).cmd).toEqual(['sleep', '10']);
  });

  it.each([
    [{ image: 'x', env: ['VAULT_SECRET_ID=abc'] }, '--env VAULT_SECRET_ID: keyturn sets'],
    [{ image: 'x', env: ['A-B=1'] }, '--env A-B: not a variable name'],
    [{ image: 'x', env: ['NOVALUE'] }, '--env NOVALUE: expected KEY=VALUE'],
    [{ image: 'x', stopFirst: true }, '--stop-first needs --replace NAME'],
    [{ image: 'x', name: '-bad' }, '--name "-bad": not a container name'],
    [{ image: 'x', pull: 'sometimes' }, '--pull "sometimes"'],
    [{ image: 'x', tmpfs: ['run'] }, '--tmpfs "run": expected /PATH[:OPTIONS]'],
    [{ image: 'x', cmd: '[node' }, '--cmd: a value starting with [ must be a JSON array'],
    [{ image: '' }, '--image "": not an image reference'],
  ])('refuses %j (64): %s', (flags, text) => {
    expect(() => launchSpec(flags)).toThrow(text);
  });

  it('never quotes an --env value in an error (it may be a secret)', () => {
    expect(() => launchSpec({ image: 'x', env: ['VAULT_TOKEN=s3cr3t-value'] })).toThrow(
      /^(?!.*s3cr3t-value)/s,
    );
  });
});

describe('containerOptions', () => {
  it('puts the handover in Env only; --env may move VAULT_ADDR but not the credentials', () => {
    const spec = launchSpec({
      image: 'acme/app',
      env: ['VAULT_ADDR=http://vault:8200'],
      init: true,
    });
    const options = containerOptions(
      spec,
      {
        address: 'http://127.0.0.1:8200',
        roleId: 'rid',
        wrappingToken: 'hvs.wrap',
        role: 'app',
        secretIdAccessor: 'acc',
      },
      'app',
    );
    expect(options.Env).toEqual([
      'VAULT_ADDR=http://vault:8200',
      'VAULT_ROLE_ID=rid',
      'VAULT_SECRET_ID=hvs.wrap',
    ]);
    expect(options.Labels).toEqual({ 'keyturn.role': 'app', 'keyturn.secret-id-accessor': 'acc' });
    expect(options.HostConfig).toEqual({ Init: true });
    expect(JSON.stringify({ ...options, Env: [] })).not.toContain('hvs.wrap');
  });
});

describe('dockerConnection', () => {
  it.each([
    [{}, { socketPath: '/var/run/docker.sock', describe: 'unix:///var/run/docker.sock' }],
    [{ DOCKER_HOST: 'unix:///tmp/d.sock' }, { socketPath: '/tmp/d.sock' }],
    [{ DOCKER_HOST: 'tcp://10.0.0.5:2375' }, { host: '10.0.0.5', port: '2375', protocol: 'http' }],
    [{ DOCKER_HOST: 'ssh://me@box' }, { host: 'box', port: '22', protocol: 'ssh' }],
  ])('%j → %j', (env, expected) => {
    expect(dockerConnection(env)).toMatchObject(expected);
  });

  it('TLS needs the three files of DOCKER_CERT_PATH and says which one is missing', () => {
    expect(() =>
      dockerConnection({
        DOCKER_HOST: 'tcp://h:2376',
        DOCKER_TLS_VERIFY: '1',
        DOCKER_CERT_PATH: '/nonexistent',
      }),
    ).toThrow(
      'DOCKER_TLS_VERIFY=1: cannot read /nonexistent/ca.pem (ENOENT); set DOCKER_CERT_PATH',
    );
  });
});

describe('demultiplex', () => {
  const frame = (stream: number, text: string) => {
    const body = Buffer.from(text);
    const head = Buffer.alloc(8);
    head[0] = stream;
    head.writeUInt32BE(body.length, 4);
    return Buffer.concat([head, body]);
  };
  it('joins stdout and stderr frames; passes a TTY stream through', () => {
    expect(demultiplex(Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n')]))).toBe('out\nerr\n');
    expect(demultiplex(Buffer.from('plain tty output\n'))).toBe('plain tty output\n');
  });
});
