import { describe, expect, it } from 'vitest';
import { readEnvironment } from '../../src/config/environment.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { resolveVaultSettings } from '../../src/config/resolve-vault-settings.ts';
import { UsageError } from '../../src/errors/keyturn-error.ts';

const env = readEnvironment({
  VAULT_ADDR: 'https://from-env:8200',
  VAULT_CACERT: '/env/ca.pem',
  VAULT_CAPATH: '/env/cas',
  VAULT_TLS_SERVER_NAME: 'env.local',
  VAULT_SKIP_VERIFY: 'true',
  VAULT_NAMESPACE: 'env-ns',
});

describe('resolveVaultSettings', () => {
  it('lets the file win and the environment fill the gaps', () => {
    const config = loadConfig(
      'vault:\n  address: https://from-file:8200\n  tls: { ca_cert: /file/ca.pem, skip_verify: false }\n  timeout: 3s\n',
      'k.yaml',
      '/',
    );
    expect(resolveVaultSettings(config, env)).toEqual({
      address: 'https://from-file:8200',
      tls: {
        caCert: '/file/ca.pem',
        caPath: '/env/cas',
        serverName: 'env.local',
        skipVerify: false,
      },
      namespace: 'env-ns',
      timeoutMs: 3000,
      retry: { initialMs: 250, maxMs: 30_000, giveUpAfterMs: 300_000 },
    });
  });

  it('takes everything from the environment when the file says nothing', () => {
    const settings = resolveVaultSettings(loadConfig('', 'k.yaml', '/'), env);
    expect(settings.address).toBe('https://from-env:8200');
    expect(settings.tls.skipVerify).toBe(true);
  });

  it('lets flags win over both', () => {
    const config = loadConfig('vault: { address: https://from-file:8200 }', 'k.yaml', '/');
    expect(resolveVaultSettings(config, env, { address: 'https://flag:8200' }).address).toBe(
      'https://flag:8200',
    );
  });

  it('keeps TLS verification on by default', () => {
    const settings = resolveVaultSettings(
      loadConfig('vault: { address: http://a:1 }', 'k.yaml', '/'),
      {},
    );
    expect(settings.tls.skipVerify).toBe(false);
  });

  it('says where to set an address when there is none', () => {
    expect(() => resolveVaultSettings(loadConfig('', 'k.yaml', '/'), {})).toThrow(UsageError);
    expect(() => resolveVaultSettings(loadConfig('', 'k.yaml', '/'), {})).toThrow(
      /vault\.address.*VAULT_ADDR/,
    );
  });
});
