import { destroySecretId } from '../../launch/destroy-secret-id.ts';
import { issueSecretId } from '../../launch/issue-secret-id.ts';
import { readRoleId } from '../../launch/read-role-id.ts';
import { type SecretIdFlags, secretIdRequest } from '../../launch/secret-id-request.ts';
import type { CommandRun } from '../context.ts';
import { openLauncher } from '../open-launcher.ts';

interface Options extends SecretIdFlags {
  tokenFile?: string;
  json?: boolean;
  destroy?: string;
  roleId?: boolean;
}

/**
 * `keyturn issue-secret-id --role R` (SPEC §1): for a trusted launcher. stdout carries only
 * the wrapping token (or `--json` wrap info, `--role-id` the role ID), so
 * `VAULT_SECRET_ID=$(keyturn issue-secret-id --role app)` works; everything else is a log line.
 */
export async function run(command: CommandRun<Options>): Promise<number> {
  const { out, options } = command;
  // Every flag is checked before the launcher logs in (a JWT login is not free).
  const request = secretIdRequest(options);
  await using launcher = await openLauncher(command, options.tokenFile);
  if (options.destroy !== undefined) {
    await destroySecretId(
      { mount: request.mount, role: request.role, accessor: options.destroy },
      launcher,
    );
    return 0;
  }
  if (options.roleId) {
    out.printCredential(`${await readRoleId(request, launcher)}\n`);
    return 0;
  }
  const issued = await issueSecretId(request, launcher);
  // The one output whose purpose is a credential: written past the redactor, to stdout only.
  out.printCredential(options.json ? `${JSON.stringify(issued, null, 2)}\n` : `${issued.token}\n`);
  return 0;
}
