declare const KEYTURN_VERSION: string | undefined;

/** keyturn's version: replaced by the bundler; the unbundled sources (tests) say "dev". */
export const keyturnVersion = typeof KEYTURN_VERSION === 'string' ? KEYTURN_VERSION : '0.0.0-dev';
