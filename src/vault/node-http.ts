import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type * as Tls from 'node:tls';

/*
 * node:http and node:https are loaded through require, on first use. An ESM import of
 * node:http makes Node evaluate every lazy export of the module, and under Node 24 one of
 * them loads undici (~40 ms, more than the rest of a prestart); node:https pulls in TLS
 * (~20 ms), which an http:// address never needs. Measured in bench/ (see README).
 * getBuiltinModule, not createRequire(import.meta.url): the single executable runs this
 * code as CommonJS, where import.meta is empty.
 */
export const nodeHttp = (): typeof Http => process.getBuiltinModule('node:http');
export const nodeHttps = (): typeof Https => process.getBuiltinModule('node:https');
export const nodeTls = (): typeof Tls => process.getBuiltinModule('node:tls');
