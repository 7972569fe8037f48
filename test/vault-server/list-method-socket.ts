import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * Node's HTTP parser rejects the `LIST` method Vault clients send, so each connection's bytes
 * pass through here first: a request line's `LIST ` becomes `LOCK ` (same length, a method
 * the parser knows and no Vault client sends), and the core reads LOCK as LIST.
 */
export const LIST_STAND_IN = 'LOCK';

const FROM = Buffer.from('LIST /');
const TO = Buffer.from(`${LIST_STAND_IN} /`);
const MARK = Buffer.from('\r\nLIST /');

/**
 * Rewrites request lines at the start of a read and after a CRLF inside it (pipelined
 * requests). Clients write a request head in one write, so a read never splits `LIST /` on
 * loopback; a JSON body cannot contain `\r\nLIST /` or begin with `LIST /`.
 */
function rewrite(chunk: Buffer): Buffer {
  let out = chunk;
  if (out.subarray(0, FROM.length).equals(FROM))
    out = Buffer.concat([TO, out.subarray(FROM.length)]);
  let at = out.indexOf(MARK);
  while (at >= 0) {
    out = Buffer.concat([out.subarray(0, at + 2), TO, out.subarray(at + MARK.length)]);
    at = out.indexOf(MARK, at + 2);
  }
  return out;
}

/** A Duplex over a socket that rewrites LIST request lines; looks enough like a Socket for node:http. */
export class ListMethodSocket extends Duplex {
  readonly inner: Socket;

  constructor(inner: Socket) {
    super({ allowHalfOpen: true });
    this.inner = inner;
    inner.on('data', (chunk: Buffer) => this.#onData(chunk));
    inner.on('end', () => this.push(null));
    inner.on('close', () => this.destroy());
    inner.on('error', (error) => this.destroy(error));
  }

  #onData(chunk: Buffer): void {
    if (!this.push(rewrite(chunk))) this.inner.pause();
  }

  override _read(): void {
    this.inner.resume();
  }

  override _write(
    chunk: Buffer,
    encoding: BufferEncoding,
    callback: (error?: Error | null) => void,
  ): void {
    this.inner.write(chunk, encoding, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.inner.end(callback);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.inner.destroy();
    callback(error);
  }

  get remoteAddress(): string | undefined {
    return this.inner.remoteAddress;
  }

  get remotePort(): number | undefined {
    return this.inner.remotePort;
  }

  get localAddress(): string | undefined {
    return this.inner.localAddress;
  }

  get localPort(): number | undefined {
    return this.inner.localPort;
  }

  get encrypted(): boolean {
    return (this.inner as Socket & { encrypted?: boolean }).encrypted === true;
  }

  setTimeout(ms: number, callback?: () => void): this {
    this.inner.setTimeout(ms, callback);
    return this;
  }

  setNoDelay(noDelay?: boolean): this {
    this.inner.setNoDelay(noDelay);
    return this;
  }

  setKeepAlive(enable?: boolean, delay?: number): this {
    this.inner.setKeepAlive(enable, delay);
    return this;
  }

  ref(): this {
    this.inner.ref();
    return this;
  }

  unref(): this {
    this.inner.unref();
    return this;
  }

  address(): ReturnType<Socket['address']> {
    return this.inner.address();
  }
}
