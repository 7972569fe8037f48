import { request } from 'node:http';

/**
 * Asks an engine's `GET /_ping` (what `docker` itself asks first). Resolves undefined when it
 * answers OK, else why not ("connect ENOENT /var/run/docker.sock", "HTTP 500", ...).
 * Understands unix:// and plain tcp:// hosts; TLS endpoints are reported as unsupported.
 */
export function pingEngine(host: string, timeoutMs = 2_000): Promise<string | undefined> {
  const url = new URL(host);
  if (url.protocol !== 'unix:' && url.protocol !== 'tcp:')
    return Promise.resolve(`unsupported engine address ${host}`);
  const where =
    url.protocol === 'unix:'
      ? { socketPath: url.pathname }
      : { host: url.hostname, port: Number(url.port || 2375) };
  return new Promise((resolve) => {
    const req = request({ ...where, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () =>
        resolve(res.statusCode === 200 && body === 'OK' ? undefined : `HTTP ${res.statusCode}`),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code ? `${error.code} ${host}` : error.message),
    );
    req.end();
  });
}
