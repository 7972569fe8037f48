import type Dockerode from 'dockerode';

/**
 * The last lines a container printed, stdout and stderr merged. Without a TTY the Engine API
 * multiplexes both streams into frames (1 byte stream, 3 padding, 4 big-endian length).
 */
export async function lastLogLines(container: Dockerode.Container, lines = 20): Promise<string[]> {
  let raw: Buffer;
  try {
    raw = (await container.logs({
      stdout: true,
      stderr: true,
      tail: lines,
      follow: false,
    })) as Buffer;
  } catch {
    return []; // logs are a courtesy in an error report; their absence must not hide the error
  }
  return demultiplex(raw)
    .split('\n')
    .filter((line) => line.trim() !== '')
    .slice(-lines);
}

/** Frames to text; a body that is not framed (a TTY container) is returned as it is. */
export function demultiplex(raw: Buffer): string {
  const parts: Buffer[] = [];
  let at = 0;
  while (at + 8 <= raw.length) {
    const stream = raw[at];
    if ((stream !== 0 && stream !== 1 && stream !== 2) || raw.readUIntBE(at + 1, 3) !== 0)
      return raw.toString('utf8');
    const size = raw.readUInt32BE(at + 4);
    parts.push(raw.subarray(at + 8, at + 8 + size));
    at += 8 + size;
  }
  return at === raw.length ? Buffer.concat(parts).toString('utf8') : raw.toString('utf8');
}
