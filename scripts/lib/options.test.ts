// Launcher flag/env parsing and the cluster decision.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chooseCluster, parseLaunchOptions, UsageError } from './options';

const root = '/repo';

describe('parseLaunchOptions', () => {
  it('has the documented defaults', () => {
    const o = parseLaunchOptions([], {}, root);
    expect(o).toMatchObject({ port: 3000, host: '127.0.0.1', dataDir: '/repo/.data', dev: false, demo: false, build: 'auto', demoSizing: {} });
    expect(o.kubeconfig).toBeUndefined();
  });

  it('reads flags, flags winning over env', () => {
    const o = parseLaunchOptions(
      ['--port', '4000', '--host', '0.0.0.0', '--data-dir', 'tmp/d', '--kubeconfig', 'kc.yaml', '--context', 'prod', '--speed', '60', '--nodes', '9', '--dev'],
      { PORT: '5000', HOST: '10.0.0.1', DEMO_SPEED: '2', DEMO_NODES: '3' },
      root,
    );
    expect(o.port).toBe(4000);
    expect(o.host).toBe('0.0.0.0');
    expect(o.dataDir).toBe(path.resolve('/repo/tmp/d'));
    expect(o.kubeconfig).toBe('/repo/kc.yaml');
    expect(o.context).toBe('prod');
    expect(o.dev).toBe(true);
    expect(o.demoSizing).toEqual({ speed: 60, nodes: 9 });
  });

  it('reads the environment equivalents', () => {
    const o = parseLaunchOptions([], { PORT: '5000', HOST: '::1', KUBECONFIG: '/k/config', BTD_CONTEXT: 'c', DEMO_PORT: '6443', DEMO_SPEED: '10', DEMO_NAMESPACES: '4', DEMO_PODS_PER_NAMESPACE: '7' }, root);
    expect(o.port).toBe(5000);
    expect(o.host).toBe('::1');
    expect(o.kubeconfig).toBe('/k/config');
    expect(o.context).toBe('c');
    expect(o.demoSizing).toEqual({ port: 6443, speed: 10, namespaces: 4, podsPerNamespace: 7 });
  });

  it('rejects bad values and unknown flags', () => {
    expect(() => parseLaunchOptions(['--port', 'abc'], {}, root)).toThrow(UsageError);
    expect(() => parseLaunchOptions(['--port', '70000'], {}, root)).toThrow(UsageError);
    expect(() => parseLaunchOptions(['--speed=-1'], {}, root)).toThrow(UsageError);
    expect(() => parseLaunchOptions(['--bogus'], {}, root)).toThrow(UsageError);
  });

  it('--no-build and --rebuild', () => {
    expect(parseLaunchOptions(['--no-build'], {}, root).build).toBe('never');
    expect(parseLaunchOptions(['--rebuild'], {}, root).build).toBe('always');
  });
});

describe('chooseCluster', () => {
  it('follows DESIGN.md: --demo, then in a pod, then a kubeconfig, else the demo', () => {
    expect(chooseCluster({ demo: false }, {})).toBe('demo');
    expect(chooseCluster({ demo: false, kubeconfig: '/k' }, {})).toBe('kubeconfig');
    expect(chooseCluster({ demo: false, kubeconfig: '/k' }, { KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe('in-cluster');
    expect(chooseCluster({ demo: true, kubeconfig: '/k' }, { KUBERNETES_SERVICE_HOST: '10.0.0.1' })).toBe('demo');
  });
});
