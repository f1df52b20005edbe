// The header's answer to "which cluster am I on?": context, server URL, OpenShift or Kubernetes
// with its version, a DEMO badge for the demo cluster, and a clear mark when it cannot be reached.
import type { ClusterStatus } from '@/lib/k8s/cluster';
import { Badge } from '@/components/ui/badge';

function flavorLabel(status: Extract<ClusterStatus, { ok: true }>): string {
  const i = status.info;
  if (i.flavor === 'openshift') {
    return i.openshiftVersion ? `OpenShift ${i.openshiftVersion}` : 'OpenShift';
  }
  return 'Kubernetes';
}

export function ClusterIdentity({ status }: { status: ClusterStatus }) {
  const target = status.ok ? status.info : status.target;
  if (!target) {
    return (
      <div data-testid="cluster-identity" className="flex items-center gap-2 text-sm">
        <Badge tone="darkRed">No cluster configured</Badge>
      </div>
    );
  }
  return (
    <div data-testid="cluster-identity" className="flex min-w-0 flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      {target.demo && (
        <span data-testid="demo-badge">
          <Badge tone="darkAmber" title="The embedded demo cluster started by the launcher">
            DEMO
          </Badge>
        </span>
      )}
      <span className="flex min-w-0 items-baseline gap-1">
        <span className="text-slate-400">Context</span>
        <span data-testid="cluster-context" className="font-medium text-white">
          {target.context}
        </span>
      </span>
      <span className="flex min-w-0 items-baseline gap-1">
        <span className="text-slate-400">Server</span>
        <code data-testid="cluster-server" className="truncate text-slate-100">
          {target.server}
        </code>
      </span>
      {status.ok ? (
        <span data-testid="cluster-flavor" className="flex items-center gap-1">
          <Badge tone="darkNeutral">{flavorLabel(status)}</Badge>
          <span className="text-slate-300" title="kube-apiserver version">
            {status.info.kubernetesVersion}
          </span>
        </span>
      ) : (
        <span data-testid="cluster-flavor">
          <Badge tone="darkRed">Unreachable</Badge>
        </span>
      )}
    </div>
  );
}
