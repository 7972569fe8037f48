import { createPublicKey } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { expectNoSecrets } from '../e2e/run-keyturn.ts';
import { ComposeProject, overrides } from './compose-project.ts';
import { describeDocker } from './docker-harness.ts';
import { buildKeyturnImage, buildTimeoutMs } from './images/keyturn-image.ts';

const example = fileURLToPath(new URL('../../examples/jenkins/', import.meta.url));
const home = '/var/jenkins_home';
const renewal = /request: \w+ auth\/token\/renew-self → 200/;

/** What matters of jenkins/jenkins here: user jenkins (1000), its home, jenkins.sh. */
const jenkinsStandIn = `ARG BASE
FROM \${BASE}
USER root
RUN echo 'jenkins:x:1000:1000::${home}:/bin/sh' >> /etc/passwd \\
 && echo 'jenkins:x:1000:' >> /etc/group \\
 && mkdir -p ${home} && chown 1000:1000 ${home} \\
 && printf '#!/bin/sh\\necho "jenkins: started as $(id -u)"\\nexec sleep 2147483647\\n' > /usr/local/bin/jenkins.sh \\
 && chmod 0755 /usr/local/bin/jenkins.sh
USER jenkins
`;

describeDocker('examples/jenkins with docker-compose (Jenkins stand-in)', (docker) => {
  let compose: ComposeProject;

  beforeAll(async () => {
    const keyturn = await buildKeyturnImage(docker);
    const context = await mkdtemp(join(tmpdir(), 'containers-jenkins-'));
    try {
      await writeFile(join(context, 'Dockerfile'), jenkinsStandIn);
      const standIn = await docker.build({
        name: 'jenkins-stand-in',
        context,
        buildArgs: { BASE: docker.images.node24 },
      });
      // The example's own Dockerfile, on the stand-in.
      const jenkins = await docker.build({
        name: 'jenkins-keyturn',
        context: example,
        buildArgs: { KEYTURN: keyturn, JENKINS: standIn },
      });
      compose = new ComposeProject(docker, {
        name: 'jenkins',
        file: join(example, 'docker-compose.yml'),
        override: overrides.jenkins,
        env: {
          KEYTURN_TEST_KEYTURN_IMAGE: keyturn,
          KEYTURN_TEST_JENKINS_IMAGE: jenkins,
          KEYTURN_TEST_TOKEN_TTL: '20s',
        },
      });
    } finally {
      await rm(context, { recursive: true, force: true });
    }
    return () => compose[Symbol.asyncDispose]();
  }, buildTimeoutMs);

  it('bootstraps $JENKINS_HOME before Jenkins starts: SSH key 0400 with its public key, deploy key, webhook secret, CA, .netrc from the template; healthy; the same container renews', async () => {
    const launched = await compose.run(['run', '--rm', '-T', 'launcher']);
    const secretId = launched.stdout.trim();
    expect(secretId, launched.stderr).toMatch(/^hvs\.\S+$/);
    await compose.up(['jenkins'], { VAULT_SECRET_ID: secretId });
    const jenkins = await compose.container('jenkins');
    const vault = await compose.container('vault');

    await jenkins.waitForLog(/^jenkins: started as 1000$/m, 60_000);
    const files = [
      '.ssh',
      '.ssh/id_ed25519',
      '.ssh/id_ed25519.pub',
      '.ssh/github_deploy_key',
      'github-webhook-secret',
      'internal-ca.pem',
      '.netrc',
    ];
    const stat = await jenkins.exec([
      'stat',
      '-c',
      '%a %u:%g',
      ...files.map((f) => `${home}/${f}`),
    ]);
    expect(stat.stdout.trim().split('\n'), stat.stderr).toEqual([
      '700 1000:1000',
      '400 1000:1000',
      '444 1000:1000',
      '400 1000:1000',
      '400 1000:1000',
      '444 1000:1000',
      '400 1000:1000',
    ]);
    const cat = async (file: string) => (await jenkins.exec(['cat', `${home}/${file}`])).stdout;
    expect(await cat('.netrc')).toBe(
      'machine github.com\nlogin jenkins-bot\npassword example-github-token\n',
    );
    // The public key written beside the private key is that key's.
    const privateKey = await cat('.ssh/id_ed25519');
    const raw = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(-32);
    const blob = Buffer.from((await cat('.ssh/id_ed25519.pub')).split(' ')[1] ?? '', 'base64');
    expect(blob.subarray(-32).equals(raw)).toBe(true);

    const deployKey = await cat('.ssh/github_deploy_key');

    await jenkins.waitForHealthy(60_000);
    await vault.waitForLog(renewal, 60_000);
    const stopped = await jenkins.stop();
    expect(stopped.elapsedMs).toBeLessThan(2000);
    expectNoSecrets(
      { ...(await jenkins.logs()), code: 0, signal: null },
      {
        privateKey,
        deployKey,
        token: 'example-github-token',
        webhook: 'example-webhook-secret',
        secretId,
      },
    );
  }, 300_000);
});
