// The dry run: exactly what each workflow will touch, in which order, with the command a human
// would type for every step, what is at risk, the confirmation phrase and the verbs the initiator
// must be allowed. Pure (snapshot in, Plan out), so ordering and scope are unit-tested.
import { drainDecision, podCategory } from './classify';
import { namespacesInScope, namespaceWork, nodesInScope } from './scope';
import { inNamespace, pdbsFor, podsOnNode, type ClusterSnapshot } from './snapshot';
import {
  DEFAULT_NODE_OPTIONS,
  DEFAULT_POD_OPTIONS,
  PROCEDURE_COMMANDS,
  PROCEDURE_WARNINGS,
  type AccessRequirement,
  type NodeRestartOptions,
  type Plan,
  type PlannedNode,
  type PodRestartOptions,
  type StepRecord,
  type WorkflowKind,
  type WorkflowOptions,
} from './types';

export interface PlanContext {
  dashboardNamespace: string;
  createdAt?: string;
  /** Resolved "only pods started before" instant (ISO), restart-all-pods only. */
  cutoff?: string | null;
  openshift?: boolean;
}

/** Fills defaults and checks ranges; throws Error with a plain message on nonsense. */
export function normalizeOptions(kind: WorkflowKind, raw: Partial<WorkflowOptions> | undefined): WorkflowOptions {
  const num = (v: unknown, d: number, min: number, max: number, what: string) => {
    if (v === undefined || v === null) return d;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${what} must be between ${min} and ${max}`);
    return n;
  };
  if (kind === 'rolling-node-restart') {
    const r = (raw ?? {}) as Partial<NodeRestartOptions>;
    const o: NodeRestartOptions = {
      deleteEmptyDirData: Boolean(r.deleteEmptyDirData),
      force: Boolean(r.force),
      evictionRetrySeconds: num(r.evictionRetrySeconds, DEFAULT_NODE_OPTIONS.evictionRetrySeconds, 0.01, 300, 'evictionRetrySeconds'),
      drainTimeoutSeconds: num(r.drainTimeoutSeconds, DEFAULT_NODE_OPTIONS.drainTimeoutSeconds, 0.1, 86_400, 'drainTimeoutSeconds'),
      nodeReadyTimeoutSeconds: num(r.nodeReadyTimeoutSeconds, DEFAULT_NODE_OPTIONS.nodeReadyTimeoutSeconds, 0.1, 86_400, 'nodeReadyTimeoutSeconds'),
      daemonSetReadyTimeoutSeconds: num(r.daemonSetReadyTimeoutSeconds, DEFAULT_NODE_OPTIONS.daemonSetReadyTimeoutSeconds, 0.1, 86_400, 'daemonSetReadyTimeoutSeconds'),
      debugImage: typeof r.debugImage === 'string' && r.debugImage ? r.debugImage : DEFAULT_NODE_OPTIONS.debugImage,
    };
    if (r.nodes?.length) o.nodes = [...new Set(r.nodes.map(String))];
    if (r.debugNamespace) o.debugNamespace = String(r.debugNamespace);
    return o;
  }
  const r = (raw ?? {}) as Partial<PodRestartOptions>;
  if (r.mode !== undefined && r.mode !== 'safe' && r.mode !== 'procedure') throw new Error('mode must be "safe" or "procedure"');
  const o: PodRestartOptions = {
    mode: r.mode ?? DEFAULT_POD_OPTIONS.mode,
    includePlatform: Boolean(r.includePlatform),
    pauseBetweenNamespacesSeconds: num(r.pauseBetweenNamespacesSeconds, DEFAULT_POD_OPTIONS.pauseBetweenNamespacesSeconds, 0, 3600, 'pauseBetweenNamespacesSeconds'),
    concurrency: Math.floor(num(r.concurrency, DEFAULT_POD_OPTIONS.concurrency, 1, 50, 'concurrency')),
    rolloutTimeoutSeconds: num(r.rolloutTimeoutSeconds, DEFAULT_POD_OPTIONS.rolloutTimeoutSeconds, 0.1, 86_400, 'rolloutTimeoutSeconds'),
  };
  if (r.includeNamespaces?.length) o.includeNamespaces = r.includeNamespaces.map(String);
  if (r.excludeNamespaces?.length) o.excludeNamespaces = r.excludeNamespaces.map(String);
  if (r.onlyStartedBefore) {
    if (r.onlyStartedBefore !== 'issuer-change' && Number.isNaN(Date.parse(r.onlyStartedBefore))) throw new Error('onlyStartedBefore must be "issuer-change" or an ISO time');
    o.onlyStartedBefore = r.onlyStartedBefore;
  }
  return o;
}

function step(s: Omit<StepRecord, 'status'>): StepRecord {
  return { ...s, status: 'pending' };
}

export function nodeSteps(node: string, o: NodeRestartOptions): StepRecord[] {
  const target = { kind: 'Node', name: node, apiVersion: 'v1' };
  const drainFlags = ['--ignore-daemonsets', ...(o.deleteEmptyDirData ? ['--delete-emptydir-data'] : []), ...(o.force ? ['--force'] : []), `--timeout=${o.drainTimeoutSeconds}s`].join(' ');
  return [
    step({ id: `${node}/cordon`, action: 'cordon', title: `Cordon ${node}`, command: `oc adm cordon ${node}`, target, group: node }),
    step({ id: `${node}/drain`, action: 'drain', title: `Drain ${node} through the Eviction API`, command: `oc adm drain ${node} ${drainFlags}`, target, group: node }),
    step({ id: `${node}/reboot`, action: 'reboot', title: `Reboot ${node} through a debug pod`, command: `oc debug node/${node} -- chroot /host shutdown -r +1`, target, group: node }),
    step({ id: `${node}/wait-node-ready`, action: 'wait-node-ready', title: `Wait until ${node} has a new bootID and is Ready`, command: `oc wait --for=condition=Ready node/${node} --timeout=${o.nodeReadyTimeoutSeconds}s; oc get node ${node} -o jsonpath='{.status.nodeInfo.bootID}'`, target, group: node }),
    step({ id: `${node}/uncordon`, action: 'uncordon', title: `Uncordon ${node} (unless it was cordoned before)`, command: `oc adm uncordon ${node}`, target, group: node }),
    step({ id: `${node}/wait-daemonsets`, action: 'wait-daemonsets', title: `Wait until the DaemonSet pods on ${node} are Ready`, command: `oc get pods -A --field-selector spec.nodeName=${node} -o wide`, target, group: node }),
  ];
}

export function planNodeRestart(snap: ClusterSnapshot, o: NodeRestartOptions, ctx: PlanContext): Plan {
  const scoped = nodesInScope(snap, o);
  const nodes: PlannedNode[] = scoped.map((n) => {
    const pods = podsOnNode(snap, n.name).filter((p) => !p.metadata?.deletionTimestamp);
    const pn: PlannedNode = { name: n.name, role: n.role, ready: n.ready, alreadyCordoned: n.cordoned, evict: 0, daemonSetPods: 0, mirrorPods: 0, blockedPods: [], pdbs: [] };
    const pdbs = new Set<string>();
    for (const p of pods) {
      const d = drainDecision(p, o);
      const cat = podCategory(p);
      if (cat === 'daemonset') pn.daemonSetPods++;
      else if (cat === 'mirror') pn.mirrorPods++;
      else if (d.action === 'refuse') pn.blockedPods.push(`${p.metadata?.namespace}/${p.metadata?.name}: ${d.why}`);
      else pn.evict++;
      if (d.action === 'evict') for (const b of pdbsFor(p, inNamespace(snap, p.metadata?.namespace ?? '').pdbs)) pdbs.add(`${b.metadata?.namespace}/${b.metadata?.name}`);
    }
    pn.pdbs = [...pdbs].sort();
    return pn;
  });
  const cp = nodes.filter((n) => n.role === 'control-plane').length;
  const warnings = [
    `WARNING (from the procedure): ${PROCEDURE_WARNINGS.rollingNodeRestart}`,
    `One node at a time: ${nodes.length - cp} worker${nodes.length - cp === 1 ? '' : 's'} first, then ${cp} control-plane node${cp === 1 ? '' : 's'}, never two control-plane nodes at once. A node that does not come back within ${o.nodeReadyTimeoutSeconds} s stops the workflow there, cordoned.`,
  ];
  if (o.force) warnings.push('"force" is on: pods without a controller are evicted and will NOT come back.');
  if (o.deleteEmptyDirData) warnings.push('"delete emptyDir data" is on: emptyDir volumes of evicted pods are lost.');
  return {
    kind: 'rolling-node-restart',
    options: o,
    createdAt: ctx.createdAt ?? new Date().toISOString(),
    warnings,
    steps: scoped.flatMap((n) => nodeSteps(n.name, o)),
    nodes,
    confirmation: `restart ${nodes.length} node${nodes.length === 1 ? '' : 's'}`,
    access: accessFor('rolling-node-restart', o, ctx),
  };
}

export function planPodRestart(snap: ClusterSnapshot, o: PodRestartOptions, ctx: PlanContext): Plan {
  const scope = namespacesInScope(snap.namespaces, o, ctx.dashboardNamespace);
  const cutoffMs = ctx.cutoff ? Date.parse(ctx.cutoff) : null;
  const namespaces = scope.included.map((ns) => ({ ns, work: namespaceWork(snap, ns, o, cutoffMs) }));
  const steps = namespaces.map(({ ns, work }) => {
    const target = { kind: 'Namespace', name: ns, apiVersion: 'v1' };
    if (o.mode === 'procedure') {
      return step({ id: `ns/${ns}`, action: 'delete-namespace-pods', title: `Delete ${cutoffMs === null ? 'all' : 'the old'} pods in ${ns} (${work.allPods.length})`, command: `oc delete pods --all -n ${ns}; sleep ${o.pauseBetweenNamespacesSeconds}`, target, group: ns });
    }
    const cmds = work.workloads.map((w) => w.command);
    return step({
      id: `ns/${ns}`, action: 'restart-namespace',
      title: work.workloads.length ? `Restart ${work.workloads.length} workload${work.workloads.length === 1 ? '' : 's'} in ${ns}` : `Nothing to restart in ${ns}`,
      command: cmds.length ? cmds.slice(0, 20).join('\n') + (cmds.length > 20 ? `\n# … ${cmds.length - 20} more` : '') : '# nothing to do',
      target, group: ns,
    });
  });
  const warnings = o.mode === 'procedure'
    ? [`WARNING (from the procedure): ${PROCEDURE_WARNINGS.restartAllPods}`, `The procedure's command: ${PROCEDURE_COMMANDS.restartAllPods}`]
    : [
        'Safe restart: Deployments, StatefulSets and DaemonSets are rollout-restarted (kubectl.kubernetes.io/restartedAt), one rollout finishing before the namespace is done; OnDelete workloads have their pods deleted one at a time; pods without a controller and Job pods are listed, not touched.',
        `The procedure's way deletes every pod at once instead. ${PROCEDURE_WARNINGS.restartAllPods}`,
      ];
  if (!o.includePlatform) warnings.push('Platform namespaces (openshift-*, kube-*) are left out: their operators own those pods and static pods cannot be restarted by deleting them. Include them deliberately, or use the rolling node restart for them.');
  const total = o.mode === 'procedure' ? namespaces.reduce((a, n) => a + n.work.allPods.length, 0) : namespaces.reduce((a, n) => a + n.work.workloads.length, 0);
  return {
    kind: 'restart-all-pods',
    options: o,
    createdAt: ctx.createdAt ?? new Date().toISOString(),
    warnings,
    steps,
    namespaces: namespaces.map(({ ns, work }) => ({ name: ns, workloads: work.workloads })),
    excludedNamespaces: scope.excluded,
    leftAlone: namespaces.flatMap((n) => n.work.leftAlone),
    confirmation: o.mode === 'procedure' ? `delete ${total} pods` : `restart ${total} workloads`,
    access: accessFor('restart-all-pods', o, ctx),
    ...(ctx.cutoff ? { cutoff: ctx.cutoff } : {}),
  };
}

/** Every verb the workflow uses on the cluster; the initiator must pass a SelfSubjectAccessReview for each. */
export function accessFor(kind: WorkflowKind, options: WorkflowOptions, ctx: Pick<PlanContext, 'dashboardNamespace' | 'openshift'>): AccessRequirement[] {
  if (kind === 'rolling-node-restart') {
    const o = options as NodeRestartOptions;
    const debugNs = o.debugNamespace ?? ctx.dashboardNamespace;
    const req: AccessRequirement[] = [
      { verb: 'list', group: '', resource: 'nodes', why: 'order the nodes and check they are Ready' },
      { verb: 'get', group: '', resource: 'nodes', why: 'read bootID and Ready' },
      { verb: 'patch', group: '', resource: 'nodes', why: 'cordon and uncordon' },
      { verb: 'list', group: '', resource: 'pods', why: 'find the pods to evict' },
      { verb: 'create', group: '', resource: 'pods', subresource: 'eviction', why: 'drain through the Eviction API' },
      { verb: 'list', group: 'policy', resource: 'poddisruptionbudgets', why: 'show the budgets that pace the drain' },
      { verb: 'create', group: '', resource: 'pods', namespace: debugNs, why: 'the debug pod that reboots the node' },
      { verb: 'delete', group: '', resource: 'pods', namespace: debugNs, why: 'remove the debug pod afterwards' },
    ];
    if (ctx.openshift) req.push({ verb: 'use', group: 'security.openshift.io', resource: 'securitycontextconstraints', why: 'the debug pod is privileged (SCC privileged)' });
    return req;
  }
  const o = options as PodRestartOptions;
  const req: AccessRequirement[] = [
    { verb: 'list', group: '', resource: 'namespaces', why: 'choose the namespaces' },
    { verb: 'list', group: '', resource: 'pods', why: 'find the pods and their owners' },
    { verb: 'delete', group: '', resource: 'pods', why: o.mode === 'procedure' ? 'delete every pod (the procedure)' : 'OnDelete workloads and pods of other controllers' },
  ];
  if (o.mode === 'safe') {
    for (const r of ['deployments', 'statefulsets', 'daemonsets']) {
      req.push({ verb: 'list', group: 'apps', resource: r, why: `find the ${r}` });
      req.push({ verb: 'patch', group: 'apps', resource: r, why: 'rollout restart (restartedAt annotation)' });
    }
    req.push({ verb: 'list', group: 'apps', resource: 'replicasets', why: 'map pods to their Deployments' });
    req.push({ verb: 'list', group: 'batch', resource: 'jobs', why: 'list Job pods instead of killing them' });
  }
  if (o.onlyStartedBefore === 'issuer-change') req.push({ verb: 'get', group: 'operator.openshift.io', resource: 'kubeapiservers', why: 'when the issuer changed' });
  return req;
}

export function planFor(kind: WorkflowKind, snap: ClusterSnapshot, options: WorkflowOptions, ctx: PlanContext): Plan {
  return kind === 'rolling-node-restart' ? planNodeRestart(snap, options as NodeRestartOptions, ctx) : planPodRestart(snap, options as PodRestartOptions, ctx);
}
