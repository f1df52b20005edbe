// Server-side printing: renders objects as a meta.k8s.io/v1 Table with the columns the real
// kube-apiserver printers (and the OpenShift CRDs' printer columns) produce, which is what
// `kubectl get` shows. Wide-only columns carry priority 1, as kube's do.
import type { ResourceType } from './resources';
import type { K8sObject } from './store';

export interface TableOptions {
  includeObject: 'None' | 'Metadata' | 'Object';
  now: number; // ms, the simulated "now" ages are measured against
  noHeaders: boolean; // watch events after the first carry no column definitions
}

type Col = { name: string; type: string; format?: string; description?: string; priority?: number };
type AnyObj = Record<string, any>;

const NAME_COL: Col = {
  name: 'Name',
  type: 'string',
  format: 'name',
  description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
};
const AGE_COL: Col = {
  name: 'Age',
  type: 'string',
  description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
};

/** kube's duration.HumanDuration (what every AGE column shows). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

function since(ts: unknown, now: number): string {
  if (typeof ts !== 'string' || !ts) return '<unknown>';
  const t = Date.parse(ts);
  return Number.isNaN(t) ? '<invalid>' : humanDuration(now - t);
}

function none(v: unknown): string {
  return v === undefined || v === null || v === '' ? '<none>' : String(v);
}

function containersAndImages(tpl: AnyObj | undefined): [string, string] {
  const cs = (tpl?.spec?.containers ?? []) as AnyObj[];
  return [cs.map((c) => c.name).join(','), cs.map((c) => c.image).join(',')];
}

function selectorString(sel: AnyObj | undefined): string {
  if (!sel) return '<none>';
  const parts: string[] = Object.entries((sel.matchLabels ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`);
  for (const e of (sel.matchExpressions ?? []) as AnyObj[]) {
    if (e.operator === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (e.operator === 'Exists') parts.push(String(e.key));
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.length ? parts.join(',') : '<none>';
}

function cond(o: AnyObj, type: string): AnyObj | undefined {
  return ((o.status?.conditions ?? []) as AnyObj[]).find((c) => c.type === type);
}

function nodeRoles(o: AnyObj): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries((o.metadata?.labels ?? {}) as Record<string, string>)) {
    if (k.startsWith('node-role.kubernetes.io/')) {
      const r = k.slice('node-role.kubernetes.io/'.length);
      if (r) roles.add(r);
    } else if (k === 'kubernetes.io/role' && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

function nodeStatus(o: AnyObj): string {
  const ready = cond(o, 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown') : 'Unknown'];
  if (o.spec?.unschedulable) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function address(o: AnyObj, type: string): string {
  const a = ((o.status?.addresses ?? []) as AnyObj[]).find((x) => x.type === type);
  return none(a?.address);
}

// kube's printPod: the STATUS and READY/RESTARTS cells.
function podCells(o: AnyObj, now: number): { ready: string; status: string; restarts: string } {
  const cstatuses = (o.status?.containerStatuses ?? []) as AnyObj[];
  const total = ((o.spec?.containers ?? []) as AnyObj[]).length;
  let readyCount = 0;
  let restarts = 0;
  let lastRestart: number | undefined;
  let reason: string = o.status?.reason || o.status?.phase || 'Unknown';
  let initializing = false;
  const initStatuses = (o.status?.initContainerStatuses ?? []) as AnyObj[];
  initStatuses.forEach((c, i) => {
    restarts += c.restartCount ?? 0;
    if (c.state?.terminated?.exitCode === 0) return;
    if (c.state?.terminated) {
      reason = c.state.terminated.reason ? `Init:${c.state.terminated.reason}` : `Init:ExitCode:${c.state.terminated.exitCode}`;
      initializing = true;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
      initializing = true;
    } else {
      reason = `Init:${i}/${initStatuses.length}`;
      initializing = true;
    }
  });
  if (!initializing) {
    let hasRunning = false;
    for (let i = cstatuses.length - 1; i >= 0; i--) {
      const c = cstatuses[i]!;
      restarts += c.restartCount ?? 0;
      const lt = c.lastState?.terminated?.finishedAt;
      if (lt) {
        const t = Date.parse(lt);
        if (!lastRestart || t > lastRestart) lastRestart = t;
      }
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated) reason = c.state.terminated.signal ? `Signal:${c.state.terminated.signal}` : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        readyCount++;
      }
    }
    if (reason === 'Completed' && hasRunning) reason = o.status?.conditions?.some((c: AnyObj) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
  }
  if (o.metadata?.deletionTimestamp && o.status?.reason === 'NodeLost') reason = 'Unknown';
  else if (o.metadata?.deletionTimestamp) reason = 'Terminating';
  const r = lastRestart && restarts > 0 ? `${restarts} (${humanDuration(now - lastRestart)} ago)` : String(restarts);
  return { ready: `${readyCount}/${total}`, status: reason, restarts: r };
}

interface Printer {
  columns: Col[];
  cells(o: AnyObj, now: number): unknown[];
}

const age = (o: AnyObj, now: number) => since(o.metadata?.creationTimestamp, now);
const wide = (c: Col): Col => ({ ...c, priority: 1 });
const col = (name: string, type = 'string', description = ''): Col => ({ name, type, description });

const PRINTERS: Record<string, Printer> = {
  nodes: {
    columns: [NAME_COL, col('Status', 'string', 'The status of the node'), col('Roles', 'string', 'The roles of the node'), AGE_COL, col('Version', 'string', 'Kubelet Version reported by the node.'), wide(col('Internal-IP', 'string', 'List of internal IPs for the node.')), wide(col('External-IP', 'string', 'List of external IPs for the node.')), wide(col('OS-Image', 'string', 'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).')), wide(col('Kernel-Version', 'string', 'Kernel Version reported by the node from \'uname -r\' (e.g. 3.16.0-0.bpo.4-amd64).')), wide(col('Container-Runtime', 'string', 'ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).'))],
    cells: (o, now) => [o.metadata.name, nodeStatus(o), nodeRoles(o), age(o, now), o.status?.nodeInfo?.kubeletVersion ?? '', address(o, 'InternalIP'), address(o, 'ExternalIP'), none(o.status?.nodeInfo?.osImage), none(o.status?.nodeInfo?.kernelVersion), none(o.status?.nodeInfo?.containerRuntimeVersion)],
  },
  pods: {
    columns: [NAME_COL, col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'), col('Status', 'string', 'The aggregate status of the containers in this pod.'), col('Restarts', 'string', 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.'), AGE_COL, wide(col('IP', 'string', 'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.')), wide(col('Node', 'string', 'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.')), wide(col('Nominated Node', 'string', 'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.')), wide(col('Readiness Gates', 'string', 'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates'))],
    cells: (o, now) => {
      const p = podCells(o, now);
      const gates = (o.spec?.readinessGates ?? []) as AnyObj[];
      const gateText = gates.length ? `${gates.filter((g) => cond(o, g.conditionType)?.status === 'True').length}/${gates.length}` : '<none>';
      return [o.metadata.name, p.ready, p.status, p.restarts, age(o, now), none(o.status?.podIP), none(o.spec?.nodeName), none(o.status?.nominatedNodeName), gateText];
    },
  },
  namespaces: {
    columns: [NAME_COL, col('Status', 'string', 'The status of the namespace'), AGE_COL],
    cells: (o, now) => [o.metadata.name, o.status?.phase ?? 'Active', age(o, now)],
  },
  'deployments.apps': {
    columns: [NAME_COL, col('Ready', 'string', 'Number of the pod with ready state'), col('Up-to-date', 'string', 'Total number of non-terminated pods targeted by this deployment that have the desired template spec.'), col('Available', 'string', 'Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.'), AGE_COL, wide(col('Containers', 'string', 'Names of each container in the template.')), wide(col('Images', 'string', 'Images referenced by each container in the template.')), wide(col('Selector', 'string', 'Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.'))],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, o.status?.updatedReplicas ?? 0, o.status?.availableReplicas ?? 0, age(o, now), c, i, selectorString(o.spec?.selector)];
    },
  },
  'replicasets.apps': {
    columns: [NAME_COL, col('Desired', 'integer', 'Replicas is the number of desired replicas.'), col('Current', 'integer', 'Replicas is the most recently observed number of replicas.'), col('Ready', 'integer', 'The number of ready replicas for this replica set.'), AGE_COL, wide(col('Containers', 'string', 'Names of each container in the template.')), wide(col('Images', 'string', 'Images referenced by each container in the template.')), wide(col('Selector', 'string', 'Selector is a label query over pods that should match the replica count.'))],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template);
      return [o.metadata.name, o.spec?.replicas ?? 1, o.status?.replicas ?? 0, o.status?.readyReplicas ?? 0, age(o, now), c, i, selectorString(o.spec?.selector)];
    },
  },
  'daemonsets.apps': {
    columns: [NAME_COL, col('Desired', 'integer', 'The total number of nodes that should be running the daemon pod (including nodes correctly running the daemon pod).'), col('Current', 'integer', 'The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.'), col('Ready', 'integer', 'numberReady is the number of nodes that should be running the daemon pod and have one or more of the daemon pod running with a Ready Condition.'), col('Up-to-date', 'integer', 'The total number of nodes that are running updated daemon pod'), col('Available', 'integer', 'The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available (ready for at least spec.minReadySeconds)'), col('Node Selector', 'string', 'NodeSelector is a selector which must be true for the pod to fit on a node. Selector which must match a node\'s labels for the pod to be scheduled on that node. More info: https://kubernetes.io/docs/concepts/configuration/assign-pod-node/'), AGE_COL, wide(col('Containers', 'string', 'Names of each container in the template.')), wide(col('Images', 'string', 'Images referenced by each container in the template.')), wide(col('Selector', 'string', 'A label query over pods that are managed by the daemon set.'))],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template);
      const ns = Object.entries((o.spec?.template?.spec?.nodeSelector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
      const s = o.status ?? {};
      return [o.metadata.name, s.desiredNumberScheduled ?? 0, s.currentNumberScheduled ?? 0, s.numberReady ?? 0, s.updatedNumberScheduled ?? 0, s.numberAvailable ?? 0, ns || '<none>', age(o, now), c, i, selectorString(o.spec?.selector)];
    },
  },
  'statefulsets.apps': {
    columns: [NAME_COL, col('Ready', 'string', 'Number of the pod with ready state'), AGE_COL, wide(col('Containers', 'string', 'Names of each container in the template.')), wide(col('Images', 'string', 'Images referenced by each container in the template.'))],
    cells: (o, now) => {
      const [c, i] = containersAndImages(o.spec?.template);
      return [o.metadata.name, `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}`, age(o, now), c, i];
    },
  },
  serviceaccounts: {
    columns: [NAME_COL, col('Secrets', 'string', 'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.'), AGE_COL],
    cells: (o, now) => [o.metadata.name, ((o.secrets ?? []) as unknown[]).length, age(o, now)],
  },
  secrets: {
    columns: [NAME_COL, col('Type', 'string', 'Used to facilitate programmatic handling of secret data.'), col('Data', 'string', 'Data contains the secret data.'), AGE_COL],
    cells: (o, now) => [o.metadata.name, o.type ?? 'Opaque', Object.keys(o.data ?? {}).length + Object.keys(o.stringData ?? {}).length, age(o, now)],
  },
  configmaps: {
    columns: [NAME_COL, col('Data', 'string', 'Data contains the configuration data.'), AGE_COL],
    cells: (o, now) => [o.metadata.name, Object.keys(o.data ?? {}).length + Object.keys(o.binaryData ?? {}).length, age(o, now)],
  },
  events: {
    columns: [col('Last Seen', 'string', 'Time when last event was observed'), col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'), col('Reason', 'string', 'This should be a short, machine understandable string that gives the reason for the transition into the object\'s current status.'), col('Object', 'string', 'The object that this event is about.'), col('Message', 'string', 'A human-readable description of the status of this operation.'), wide(col('Subobject', 'string', 'The subobject this event is about.')), wide(col('Source', 'string', 'The component reporting this event. Should be a short machine understandable string.')), wide(col('First Seen', 'string', 'The time at which the event was first recorded. (Time of server receipt is in TypeMeta.)')), wide(col('Count', 'string', 'The number of times this event has occurred.')), wide({ ...NAME_COL })],
    cells: (o, now) => {
      const last = o.series?.lastObservedTime ?? o.lastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp;
      const first = o.firstTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp;
      const io = o.involvedObject ?? {};
      const src = o.source?.component ? `${o.source.component}${o.source.host ? `, ${o.source.host}` : ''}` : (o.reportingComponent ?? '');
      return [since(last, now), o.type ?? '', o.reason ?? '', `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`, String(o.message ?? '').trim(), io.fieldPath ?? '', src, since(first, now), o.series?.count ?? o.count ?? 1, o.metadata.name];
    },
  },
  'events.events.k8s.io': {
    columns: [col('Last Seen', 'string', 'Time when last event was observed'), col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'), col('Reason', 'string', 'reason is why the action was taken. It is human-readable.'), col('Object', 'string', 'The object that this event is about.'), col('Message', 'string', 'note is a human-readable description of the status of this operation.')],
    cells: (o, now) => {
      const last = o.series?.lastObservedTime ?? o.deprecatedLastTimestamp ?? o.eventTime ?? o.metadata?.creationTimestamp;
      const r = o.regarding ?? {};
      return [since(last, now), o.type ?? '', o.reason ?? '', `${String(r.kind ?? '').toLowerCase()}/${r.name ?? ''}`, String(o.note ?? '').trim()];
    },
  },
  'leases.coordination.k8s.io': {
    columns: [NAME_COL, col('Holder', 'string', 'The holder of the lease.'), AGE_COL],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', age(o, now)],
  },
  'poddisruptionbudgets.policy': {
    columns: [NAME_COL, col('Min Available', 'string', 'The minimum number of pods that must be available simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'), col('Max Unavailable', 'string', 'The maximum number of pods that may be unavailable simultaneously.  This can be either an integer or a string specifying a percentage, e.g. "28%".'), col('Allowed Disruptions', 'integer', 'Calculated number of pods that may be disrupted at this time.'), AGE_COL],
    cells: (o, now) => [o.metadata.name, o.spec?.minAvailable !== undefined ? String(o.spec.minAvailable) : 'N/A', o.spec?.maxUnavailable !== undefined ? String(o.spec.maxUnavailable) : 'N/A', o.status?.disruptionsAllowed ?? 0, age(o, now)],
  },
  'jobs.batch': {
    columns: [NAME_COL, col('Status', 'string', 'Status of the job.'), col('Completions', 'string', 'The desired number of successfully finished pods the job should be run with.'), col('Duration', 'string', 'Time required to complete the job.'), AGE_COL],
    cells: (o, now) => {
      const completions = o.spec?.completions !== undefined ? `${o.status?.succeeded ?? 0}/${o.spec.completions}` : `${o.status?.succeeded ?? 0}/1`;
      const start = o.status?.startTime ? Date.parse(o.status.startTime) : undefined;
      const end = o.status?.completionTime ? Date.parse(o.status.completionTime) : now;
      const complete = cond(o, 'Complete')?.status === 'True';
      const failed = cond(o, 'Failed')?.status === 'True';
      const status = complete ? 'Complete' : failed ? 'Failed' : o.metadata?.deletionTimestamp ? 'Terminating' : 'Running';
      return [o.metadata.name, status, completions, start !== undefined ? humanDuration(end - start) : '', age(o, now)];
    },
  },
  services: {
    columns: [NAME_COL, col('Type', 'string', 'type determines how the Service is exposed.'), col('Cluster-IP', 'string', 'clusterIP is the IP address of the service and is usually assigned randomly.'), col('External-IP', 'string', 'List of IP addresses for which nodes in the cluster will also accept traffic for this service.'), col('Port(s)', 'string', 'The list of ports that are exposed by this service.'), AGE_COL, wide(col('Selector', 'string', 'Route service traffic to pods with label keys and values matching this selector.'))],
    cells: (o, now) => {
      const ports = ((o.spec?.ports ?? []) as AnyObj[]).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
      const sel = Object.entries((o.spec?.selector ?? {}) as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(',');
      return [o.metadata.name, o.spec?.type ?? 'ClusterIP', none(o.spec?.clusterIP), '<none>', ports || '<none>', age(o, now), sel || '<none>'];
    },
  },
  'clusterroles.rbac.authorization.k8s.io': {
    columns: [NAME_COL, { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
  'roles.rbac.authorization.k8s.io': {
    columns: [NAME_COL, { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
    cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
  },
  'clusterrolebindings.rbac.authorization.k8s.io': {
    columns: [NAME_COL, col('Role', 'string', 'RoleRef is the reference to the role.'), AGE_COL, wide(col('Users', 'string', 'Users in the roleBinding')), wide(col('Groups', 'string', 'Groups in the roleBinding')), wide(col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding'))],
    cells: (o, now) => bindingCells(o, now),
  },
  'rolebindings.rbac.authorization.k8s.io': {
    columns: [NAME_COL, col('Role', 'string', 'RoleRef is the reference to the role.'), AGE_COL, wide(col('Users', 'string', 'Users in the roleBinding')), wide(col('Groups', 'string', 'Groups in the roleBinding')), wide(col('ServiceAccounts', 'string', 'ServiceAccounts in the roleBinding'))],
    cells: (o, now) => bindingCells(o, now),
  },
  'clusteroperators.config.openshift.io': {
    columns: [
      NAME_COL,
      { name: 'Version', type: 'string', description: 'The version the operator is at.' },
      { name: 'Available', type: 'string', description: 'Whether the operator is running and stable.' },
      { name: 'Progressing', type: 'string', description: 'Whether the operator is processing changes.' },
      { name: 'Degraded', type: 'string', description: 'Whether the operator is degraded.' },
      { name: 'Since', type: 'date', description: "The time the operator's Available status last changed." },
    ],
    cells: (o, now) => {
      const v = ((o.status?.versions ?? []) as AnyObj[]).find((x) => x.name === 'operator')?.version;
      const c = (t: string) => cond(o, t)?.status ?? null;
      const av = cond(o, 'Available')?.lastTransitionTime;
      return [o.metadata.name, v ?? null, c('Available'), c('Progressing'), c('Degraded'), av ? since(av, now) : null];
    },
  },
};

function bindingCells(o: AnyObj, now: number): unknown[] {
  const subs = (o.subjects ?? []) as AnyObj[];
  const pick = (k: string) => subs.filter((s) => s.kind === k).map((s) => (k === 'ServiceAccount' ? `${s.namespace ?? ''}/${s.name}` : s.name)).join(', ');
  return [o.metadata.name, `${o.roleRef?.kind ?? ''}/${o.roleRef?.name ?? ''}`, age(o, now), pick('User'), pick('Group'), pick('ServiceAccount')];
}

// A CRD without additionalPrinterColumns gets the apiextensions default: Name and a date-typed Age.
const CRD_DEFAULT: Printer = {
  columns: [NAME_COL, { name: 'Age', type: 'date', description: AGE_COL.description }],
  cells: (o, now) => [o.metadata.name, age(o, now)],
};
// Built-in kinds without a printer get kube's default table convertor.
const BUILTIN_DEFAULT: Printer = {
  columns: [NAME_COL, { name: 'Created At', type: 'date', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.' }],
  cells: (o) => [o.metadata.name, o.metadata.creationTimestamp],
};

function printerFor(rt: ResourceType): Printer {
  return PRINTERS[rt.key] ?? (rt.crd || rt.group.endsWith('openshift.io') ? CRD_DEFAULT : BUILTIN_DEFAULT);
}

/** A meta.k8s.io/v1 Table for these objects (one row each). */
export function tableFor(rt: ResourceType, objs: K8sObject[], opts: TableOptions, resourceVersion?: string): Record<string, unknown> {
  const p = printerFor(rt);
  const rows = objs.map((o) => {
    const row: Record<string, unknown> = { cells: p.cells(o as AnyObj, opts.now) };
    if (opts.includeObject === 'Object') row.object = o;
    else if (opts.includeObject === 'Metadata') row.object = { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
    return row;
  });
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: resourceVersion ? { resourceVersion } : {},
    columnDefinitions: opts.noHeaders ? [] : p.columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
    rows,
  };
}
