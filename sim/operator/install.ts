// Installs the simulated kube-apiserver operator into a demo cluster: it replaces the cluster's
// serviceAccountIssuers hook with the flags of the revisions the nodes serve and exposes the
// operator (faults, timings) as `c.operator`.

import type { DemoCluster } from '../index';
import { KubeAPIServerOperator, type FailRevisionOptions, type OperatorOptions } from './controller';

export type { FailRevisionOptions, OperatorOptions } from './controller';
export { KubeAPIServerOperator } from './controller';

export type ClusterWithOperator = DemoCluster & { operator?: KubeAPIServerOperator };

export async function installOperator(c: DemoCluster, opts: OperatorOptions = {}): Promise<KubeAPIServerOperator> {
  const cw = c as ClusterWithOperator;
  if (cw.operator) return cw.operator;
  const env = process.env;
  const op = new KubeAPIServerOperator(c.store, c.clock, {
    apiServerUrl: c.apiServerUrl,
    ...(env.DEMO_OPERATOR_WORDING === 'legacy' || env.DEMO_OPERATOR_WORDING === 'current' ? { wording: env.DEMO_OPERATOR_WORDING } : {}),
    ...(env.DEMO_OPERATOR_LEGACY_ISSUER_RESET === '1' ? { legacyIssuerReset: true } : {}),
    ...opts,
  });
  op.start();
  cw.operator = op;
  c.serviceAccountIssuers = () => op.serviceAccountIssuers();
  const close = c.close.bind(c);
  c.close = async () => {
    op.stop();
    await close();
  };
  return op;
}

export function getOperator(c: DemoCluster): KubeAPIServerOperator | undefined {
  return (c as ClusterWithOperator).operator;
}

/** Fault: the installer fails on `nodeName` (InstallerFailed, retried with backoff) until recoverRevision. */
export function failRevisionOn(c: DemoCluster, nodeName: string, opts: FailRevisionOptions = {}): void {
  const op = getOperator(c);
  if (!op) throw new Error('the kube-apiserver operator is not installed');
  op.failRevisionOn(nodeName, opts);
}

export function recoverRevision(c: DemoCluster, nodeName: string): void {
  getOperator(c)?.recover(nodeName);
}

/** A new revision without a config change (what editing spec.forceRedeploymentReason does). */
export function forceRedeployment(c: DemoCluster): void {
  getOperator(c)?.forceRedeployment();
}
