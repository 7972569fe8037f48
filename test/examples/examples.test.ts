import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { runKeyturn } from '../e2e/run-keyturn.ts';

/*
 * The examples are what users copy: every keyturn config in them passes `keyturn config
 * check` (the built CLI), every file they name exists, and the Kubernetes and ContainerPilot
 * files (no cluster or ContainerPilot here) have the shape their README sections promise.
 * The compose and Jenkins examples also run for real in test/docker/.
 */

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const examples = join(repoRoot, 'examples');
const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [relative(repoRoot, path)];
  });
}
const allFiles = filesUnder(examples);
const keyturnConfigs = allFiles.filter((f) => /\/keyturn[^/]*\.yaml$/.test(f));
const composeFiles = allFiles.filter((f) => f.endsWith('docker-compose.yml'));

interface ComposeService {
  build?: string | { context: string };
  volumes?: string[];
}

async function configCheck(text: string) {
  const dir = await mkdtemp(join(tmpdir(), 'keyturn-example-'));
  try {
    await writeFile(join(dir, 'keyturn.yaml'), text);
    return await runKeyturn(['config', 'check', join(dir, 'keyturn.yaml')]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

describe('examples/', () => {
  it('has the configs and compose files this test expects', () => {
    expect(keyturnConfigs).toEqual(
      expect.arrayContaining([
        'examples/compose/keyturn.yaml',
        'examples/compose/keyturn-exec.yaml',
        'examples/jenkins/keyturn.yaml',
        'examples/containerpilot/keyturn.yaml',
        'examples/demo/keyturn.yaml',
      ]),
    );
    expect(composeFiles.sort()).toEqual([
      'examples/compose/docker-compose.yml',
      'examples/jenkins/docker-compose.yml',
    ]);
  });

  it.each(keyturnConfigs)('%s passes keyturn config check', async (file) => {
    const result = await runKeyturn(['config', 'check', join(repoRoot, file)]);
    expect(result.code, result.stderr).toBe(0);
  });

  it.each(composeFiles)('%s: every bind-mounted file and build context exists', (file) => {
    const dir = dirname(join(repoRoot, file));
    const { services } = parse(read(file)) as { services: Record<string, ComposeService> };
    const named: string[] = [];
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? [])
        if (volume.startsWith('.')) named.push(resolve(dir, volume.split(':')[0] as string));
      const build = typeof service.build === 'string' ? service.build : service.build?.context;
      if (build) named.push(join(resolve(dir, build), 'Dockerfile'));
    }
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((path) => !existsSync(path))).toEqual([]);
  });

  it('README links only to files that exist', () => {
    const named = [...read('README.md').matchAll(/\]\(([^)#\s:]+)\)/g)]
      .map((m) => m[1] as string)
      .filter((path) => !path.startsWith('../')); // the brief's files, outside the repo
    expect(named.length).toBeGreaterThan(3);
    expect(named.filter((path) => !existsSync(join(repoRoot, path)))).toEqual([]);
  });
});

describe('examples/kubernetes/app.yaml (static: no cluster here)', () => {
  const docs = parseAllDocuments(read('examples/kubernetes/app.yaml')).map((d) => d.toJS());
  const byKind = (kind: string) => docs.find((d) => d.kind === kind);
  const configMap = byKind('ConfigMap');
  const pod = byKind('Deployment').spec.template.spec;
  // biome-ignore lint/suspicious/noExplicitAny: parsed YAML, checked by the assertions below
  type K8sContainer = Record<string, any>;
  const init: K8sContainer[] = pod.initContainers;

  it('parses into a ServiceAccount, the ConfigMap the pod mounts, and a Deployment using both', () => {
    expect(docs.map((d) => d.kind)).toEqual(['ServiceAccount', 'ConfigMap', 'Deployment']);
    expect(pod.serviceAccountName).toBe(byKind('ServiceAccount').metadata.name);
    const volumes = Object.fromEntries(pod.volumes.map((v: K8sContainer) => [v.name, v]));
    expect(volumes['keyturn-config'].configMap.name).toBe(configMap.metadata.name);
    expect(volumes.secrets.emptyDir.medium).toBe('Memory');
    for (const container of [...init, ...pod.containers])
      for (const mount of container.volumeMounts) expect(volumes).toHaveProperty(mount.name);
  });

  it('runs prestart as an init container, then agent as a native sidecar with a keyturn status startup probe', () => {
    expect(init.map((c) => [c.name, c.args, c.restartPolicy])).toEqual([
      ['keyturn-prestart', ['prestart'], undefined],
      ['keyturn-agent', ['agent'], 'Always'],
    ]);
    expect(init[1]?.startupProbe.exec.command).toEqual(['keyturn', 'status']);
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
  });

  it('its keyturn.yaml uses Kubernetes auth, waives the directory rule for the emptyDir only with files in a subdirectory of it, and passes config check', async () => {
    const text: string = configMap.data['keyturn.yaml'];
    const config = parse(text);
    expect(Object.keys(config.auth)).toEqual(['kubernetes']);
    expect(config.defaults.allow_insecure_dir).toBe(true);
    const mountPath = init[0]?.volumeMounts.find(
      (m: K8sContainer) => m.name === 'secrets',
    ).mountPath;
    for (const secret of config.secrets)
      expect(secret.to).toMatch(new RegExp(`^${mountPath}/app/`));
    expect(config.vault.tls.ca_cert).toBe('/etc/keyturn/vault-ca.pem');
    expect(configMap.data).toHaveProperty('vault-ca.pem');

    const result = await configCheck(text);
    expect(result.code, result.stderr).toBe(0);
  });
});

describe('examples/containerpilot', () => {
  const config = JSON.parse(read('examples/containerpilot/containerpilot.json5'));
  const jobs = Object.fromEntries(config.jobs.map((j: { name: string }) => [j.name, j]));

  it('runs keyturn prestart --daemon as preStart, starts the app after it, checks health with keyturn status', () => {
    expect(jobs.preStart.exec).toEqual(['keyturn', 'prestart', '--daemon']);
    expect(jobs.app.when).toEqual({ source: 'preStart', once: 'exitSuccess' });
    expect(jobs.app.health.exec).toEqual(['keyturn', 'status']);
  });
});
