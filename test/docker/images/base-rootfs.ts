import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** One entry of a root filesystem tar: what `docker import` turns into an image. */
export type RootfsEntry =
  | { type: 'directory'; path: string; mode: number; uid?: number; gid?: number }
  | { type: 'file'; path: string; mode: number; source: string }
  | { type: 'text'; path: string; mode: number; content: string }
  | { type: 'symlink'; path: string; target: string };

/** The `node` dev dependency's real binary (node_modules/node/bin/node is the ELF itself). */
export function nodeBinary(): string {
  const require = createRequire(import.meta.url);
  const binary = realpathSync(join(dirname(require.resolve('node/package.json')), 'bin/node'));
  const magic = execFileSync('head', ['-c', '4', binary]).toString('latin1');
  if (magic !== '\x7fELF')
    throw new Error(`${binary} is not an ELF binary: is \`node\` installed?`);
  return binary;
}

/**
 * The shared libraries (and the dynamic loader) a binary needs, from `ldd`: node needs
 * glibc's libc, libm, libdl, libpthread, the loader, and libstdc++/libgcc_s.
 */
export function sharedLibraries(binary: string): string[] {
  const out = execFileSync('ldd', [binary], { encoding: 'utf8' });
  const paths = [...out.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1] as string);
  if (!paths.some((p) => p.includes('ld-linux')))
    throw new Error(`ldd ${binary} named no dynamic loader:\n${out}`);
  return paths;
}

/** busybox-static and a symlink per applet where Debian would put it (/bin/sh, /usr/bin/env). */
function busyboxEntries(): RootfsEntry[] {
  const busybox = realpathSync('/bin/busybox');
  const ldd = execFileSync('sh', ['-c', `ldd ${busybox} 2>&1 || true`], { encoding: 'utf8' });
  if (!/not a dynamic executable|statically linked/.test(ldd))
    throw new Error(`${busybox} is dynamically linked: install busybox-static`);
  const applets = execFileSync(busybox, ['--list-full'], { encoding: 'utf8' })
    .split('\n')
    .filter((path) => path.includes('/') && path !== 'bin/busybox');
  return [
    { type: 'file', path: 'bin/busybox', mode: 0o755, source: busybox },
    ...applets.map((path): RootfsEntry => ({ type: 'symlink', path, target: '/bin/busybox' })),
  ];
}

/**
 * tini-static as /usr/bin/tini, where Debian's `tini` package puts it: the repo's Dockerfile
 * installs tini only when the base lacks it, and nothing can be installed here.
 */
function tiniEntry(): RootfsEntry {
  const tini = '/usr/bin/tini-static';
  try {
    return { type: 'file', path: 'usr/bin/tini', mode: 0o755, source: realpathSync(tini) };
  } catch {
    throw new Error(`${tini} is missing: install tini`);
  }
}

/**
 * This machine's npm (pure JavaScript) at /usr/local/lib/node_modules/npm with the bin links
 * of the official node images, so the Dockerfile's build stage (`npm ci`) runs on this base.
 */
function npmEntries(): RootfsEntry[] {
  const cli = realpathSync(
    execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim(),
  );
  const root = join(dirname(cli), '..');
  const target = 'usr/local/lib/node_modules/npm';
  const walk = (dir: string, into: string): RootfsEntry[] =>
    readdirSync(dir).flatMap((name): RootfsEntry[] => {
      const source = join(dir, name);
      const path = `${into}/${name}`;
      const stats = lstatSync(source);
      if (stats.isSymbolicLink()) return [{ type: 'symlink', path, target: readlinkSync(source) }];
      if (stats.isDirectory())
        return [{ type: 'directory', path, mode: 0o755 }, ...walk(source, path)];
      return [{ type: 'file', path, mode: stats.mode & 0o777, source }];
    });
  return [
    { type: 'directory', path: target, mode: 0o755 },
    ...walk(root, target),
    { type: 'symlink', path: 'usr/local/bin/npm', target: `/${target}/bin/npm-cli.js` },
    { type: 'symlink', path: 'usr/local/bin/npx', target: `/${target}/bin/npx-cli.js` },
  ];
}

/** The host's CA bundle, when it has one: where Debian keeps it (see caBundleEnv). */
export const caBundle = '/etc/ssl/certs/ca-certificates.crt';

/**
 * The machine's CA bundle at the same path, so `npm ci` in a build on this base trusts what
 * the host trusts (a TLS-inspecting proxy's CA included), as a company's base image would.
 */
function caBundleEntries(): RootfsEntry[] {
  try {
    return [{ type: 'file', path: caBundle.slice(1), mode: 0o644, source: realpathSync(caBundle) }];
  } catch {
    return [];
  }
}

const passwd = `root:x:0:0:root:/root:/bin/sh
node:x:1000:1000::/home/node:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
`;
const group = 'root:x:0:\nnode:x:1000:\nnogroup:x:65534:\n';

/** Directories and /etc files of a small Debian-like system with the `node` user (1000). */
function skeleton(): RootfsEntry[] {
  const dirs: [string, number, number?][] = [
    ['bin', 0o755],
    ['sbin', 0o755],
    ['usr', 0o755],
    ['usr/bin', 0o755],
    ['usr/sbin', 0o755],
    ['usr/local', 0o755],
    ['usr/local/bin', 0o755],
    ['etc', 0o755],
    ['root', 0o700],
    ['run', 0o755],
    ['tmp', 0o1777],
    ['var', 0o755],
    ['var/tmp', 0o1777],
    ['home', 0o755],
    ['home/node', 0o755, 1000],
  ];
  return [
    ...dirs.map(([path, mode, owner]): RootfsEntry => {
      const id = owner ?? 0;
      return { type: 'directory', path, mode, uid: id, gid: id };
    }),
    { type: 'text', path: 'etc/passwd', mode: 0o644, content: passwd },
    { type: 'text', path: 'etc/group', mode: 0o644, content: group },
    {
      type: 'text',
      path: 'etc/nsswitch.conf',
      mode: 0o644,
      content: 'passwd: files\ngroup: files\nhosts: files dns\n',
    },
  ];
}

/**
 * A root filesystem: busybox, tini, glibc's shared libraries (those node links against, so a
 * single-executable keyturn built from this node runs on it too) and, `withNode`, the
 * binary at /usr/local/bin/node and npm as in the official node images. Missing parent directories
 * (the libraries' /lib/<arch>-linux-gnu, /lib64) are added by the packer.
 */
export function baseRootfs(options: { withNode: boolean }): RootfsEntry[] {
  const node = nodeBinary();
  const libraries = sharedLibraries(node).map(
    (path): RootfsEntry => ({
      type: 'file',
      path: path.slice(1),
      mode: 0o755,
      source: realpathSync(path),
    }),
  );
  const withNode: RootfsEntry[] = options.withNode
    ? [{ type: 'file', path: 'usr/local/bin/node', mode: 0o755, source: node }, ...npmEntries()]
    : [];
  return [
    ...skeleton(),
    ...busyboxEntries(),
    tiniEntry(),
    ...caBundleEntries(),
    ...libraries,
    ...withNode,
  ];
}
