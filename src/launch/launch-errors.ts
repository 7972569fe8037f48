import { ExitCode, KeyturnError, type KeyturnErrorOptions } from '../errors/keyturn-error.ts';

/** The Docker engine could not be reached, or failed a call that should have worked (69). */
export class DockerUnavailableError extends KeyturnError {
  constructor(message: string, options?: KeyturnErrorOptions) {
    super('docker-unavailable', ExitCode.unavailable, message, options);
  }
}

/**
 * The launched container did not come up. The exit status follows the container's own:
 * its keyturn refusing a spent secret ID (77) makes the launcher exit 77, so a CI job can
 * tell "interception" from "Vault down" (69) or a bad config (64) without reading logs.
 */
export class ContainerFailedError extends KeyturnError {
  constructor(containerExitCode: number, message: string, options?: KeyturnErrorOptions) {
    // Any non-zero status a shell can carry; 0 (it stopped cleanly too early) is still a failure.
    const status = containerExitCode > 0 && containerExitCode < 256 ? containerExitCode : 1;
    super('container-failed', status as ExitCode, message, options);
  }
}
