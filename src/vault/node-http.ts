import type * as Http from 'node:http';
import type * as Https from 'node:https';
import { createRequire } from 'node:module';
import type * as Tls from 'node:tls';

/*
 * node:http and node:https are loaded through require, on first use. An ESM import of
 * node:http makes Node evaluate every lazy export of the module, and under Node 24 one of
 * them loads undici (~40 ms, more than the rest of a prestart); node:https pulls in TLS
 * (~20 ms), which an http:// address never needs. Measured in bench/ (see README).
 */
const load = createRequire(import.meta.url);

export const nodeHttp = (): typeof Http => load('node:http');
export const nodeHttps = (): typeof Https => load('node:https');
export const nodeTls = (): typeof Tls => load('node:tls');
