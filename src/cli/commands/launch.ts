import { dockerConnection, openDocker } from '../../launch/docker-connection.ts';
import { issueSecretId } from '../../launch/issue-secret-id.ts';
import { type LaunchFlags, launchSpec } from '../../launch/launch-spec.ts';
import { pullImage } from '../../launch/pull-image.ts';
import { readRoleId } from '../../launch/read-role-id.ts';
import { runLaunch } from '../../launch/run-launch.ts';
import { type SecretIdFlags, secretIdRequest } from '../../launch/secret-id-request.ts';
import type { CommandRun } from '../context.ts';
import { openLauncher } from '../open-launcher.ts';

interface Options extends SecretIdFlags, LaunchFlags {
  tokenFile?: string;
}

/**
 * `keyturn launch --role R --image IMG` (SPEC §1): the Docker engine is checked (and the
 * image pulled) before Vault is asked for anything, so a launch that cannot start a
 * container never spends a secret ID. stdout: the new container's ID.
 */
export async function run(command: CommandRun<Options>): Promise<number> {
  const { ctx, out, options } = command;
  const spec = launchSpec(options);
  const request = secretIdRequest(options);
  const docker = await openDocker(dockerConnection(ctx.env));
  await pullImage(docker, spec.image, spec.pull, out.log);
  await using launcher = await openLauncher(command, options.tokenFile);
  const roleId = await readRoleId(request, launcher);
  out.redactor.add(roleId);
  const issued = await issueSecretId(request, launcher);
  const address = launcher.client.address.replace(/\/$/, '');
  const handover = {
    address,
    roleId,
    wrappingToken: issued.token,
    role: request.role,
    secretIdAccessor: issued.wrapped_accessor,
  };
  const container = await runLaunch(spec, handover, { docker, log: out.log, signal: ctx.signal });
  out.print(`${container.id}\n`);
  return 0;
}
