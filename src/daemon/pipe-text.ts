import type { Readable } from 'node:stream';

/** Reads a stream to its end as UTF-8, refusing more than `limit` bytes. */
export function readToEnd(stream: Readable, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        stream.destroy();
        reject(new Error(`more than ${limit} bytes on the pipe`));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.once('error', reject);
    stream.once('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The first line of a stream, or undefined when it ends (or breaks) before a newline. */
export function readFirstLine(stream: Readable, limit = 64 * 1024): Promise<string | undefined> {
  return new Promise((resolve) => {
    let text = '';
    const finish = (line: string | undefined) => {
      stream.off('data', onData);
      resolve(line);
    };
    const onData = (chunk: Buffer) => {
      text += chunk.toString('utf8');
      const end = text.indexOf('\n');
      if (end >= 0) finish(text.slice(0, end));
      else if (text.length > limit) finish(text.slice(0, limit));
    };
    stream.on('data', onData);
    stream.once('end', () => finish(undefined));
    stream.once('close', () => finish(undefined));
    stream.once('error', () => finish(undefined));
  });
}
