// Why: the shim must run before @peculiar/x509 loads tsyringe; ESM evaluates imports in order.
import './reflect-metadata-shim.ts';

export * from '@peculiar/x509';
