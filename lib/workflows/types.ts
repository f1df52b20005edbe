// The shapes of the restart workflows, shared by the engine and (as types only) by the pages:
// options, plans, preflight findings, persisted state, step records and progress events.
// Plain JSON data only (no Dates, no client-node classes), so it crosses into client components
// and into the state ConfigMap unchanged. No `server-only` here: it holds no code that calls out.

export type WorkflowKind = 'rolling-node-restart' | 'restart-all-pods';

export interface NodeRestartOptions {
  /** Restrict to these nodes (default: every node). Order is still workers first, control plane last. */
  nodes?: string[];
  /** `--delete-emptydir-data`: evict pods with emptyDir volumes (their data is lost). */
  deleteEmptyDirData: boolean;
  /** `--force`: evict pods without a controller (they are NOT recreated). */
  force: boolean;
  /** Retry an eviction refused by a PodDisruptionBudget (429) every this many seconds. */
  evictionRetrySeconds: number;
  /** Give up draining one node after this long (the node stays cordoned). */
  drainTimeoutSeconds: number;
  /** Give up when a rebooted node is not Ready with a new bootID after this long. */
  nodeReadyTimeoutSeconds: number;
  /** Give up when the node's DaemonSet pods are not Ready after this long. */
  daemonSetReadyTimeoutSeconds: number;
  /** Image of the debug pod (as `oc debug node` uses). */
  debugImage: string;
  /** Namespace of the debug pod; default: the dashboard's namespace, else `default`. */
  debugNamespace?: string;
}

export type PodRestartMode = 'safe' | 'procedure';

export interface PodRestartOptions {
  /** safe: rollout restarts (default). procedure: the documented `oc delete pods --all -n <ns>` loop. */
  mode: PodRestartMode;
  /** Only these namespaces (exact names or globs like `app-*`); default: all. */
  includeNamespaces?: string[];
  /** Never these namespaces (exact names or globs). */
  excludeNamespaces?: string[];
  /**
   * Platform namespaces (openshift-*, kube-*) are left out unless this is true or they are named
   * explicitly in includeNamespaces: their operators own those pods, static pods cannot be restarted
   * by deleting them, and restarting them all at once can take the control plane down.
   */
  includePlatform: boolean;
  /** Only restart what runs pods started before this instant (ISO), or before the last issuer change. */
  onlyStartedBefore?: 'issuer-change' | string;
  /** Pause between namespaces (the procedure's `sleep 1`). */
  pauseBetweenNamespacesSeconds: number;
  /** Workloads restarted (or pods deleted) at the same time within a namespace. */
  concurrency: number;
  /** Give up waiting for one rollout after this long. */
  rolloutTimeoutSeconds: number;
}

export type WorkflowOptions = NodeRestartOptions | PodRestartOptions;

export type Severity = 'info' | 'warning' | 'critical';

/** One preflight (or plan) finding: what it means, how bad, whether it stops the start. */
export interface Finding {
  id: string;
  severity: Severity;
  blocks: boolean;
  title: string;
  detail: string;
  /** Affected objects as `ns/name` or node names (first 50). */
  objects?: string[];
  /** Total affected objects when more than `objects` lists. */
  count?: number;
}

export interface PreflightResult {
  checkedAt: string;
  findings: Finding[];
  /** True when a finding blocks the start. */
  blocked: boolean;
  /** OpenShift (KubeAPIServer present) or plain Kubernetes. */
  flavor: 'openshift' | 'kubernetes';
}

export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
}

export type StepAction =
  | 'cordon'
  | 'drain'
  | 'reboot'
  | 'wait-node-ready'
  | 'uncordon'
  | 'wait-daemonsets'
  | 'restart-namespace'
  | 'delete-namespace-pods';

export type StepStatus = 'pending' | 'running' | 'done' | 'skipped' | 'failed' | 'aborted';

export interface StepRecord {
  /** Stable id, e.g. `worker-0/drain` or `ns/app-0001`. */
  id: string;
  action: StepAction;
  title: string;
  /** The equivalent command a human would type. */
  command: string;
  target: ObjectRef;
  /** Grouping for the UI: the node name or the namespace. */
  group: string;
  status: StepStatus;
  startedAt?: string;
  finishedAt?: string;
  /** Outcome in plain words (or why it failed). */
  message?: string;
  /** What the step remembers to stay idempotent across restarts (wasCordoned, bootIdBefore, ...). */
  data?: Record<string, unknown>;
}

export type WorkflowStatus = 'running' | 'paused' | 'succeeded' | 'failed' | 'aborted';

export interface Initiator {
  username: string;
  groups?: string[];
}

export interface LogEntry {
  at: string;
  /** Who asked (pause/resume/abort), or "engine". */
  by: string;
  message: string;
  stepId?: string;
}

export interface WorkflowState {
  id: string;
  kind: WorkflowKind;
  status: WorkflowStatus;
  initiator: Initiator;
  options: WorkflowOptions;
  createdAt: string;
  updatedAt: string;
  finishedAt?: string;
  /** Index of the step being run (or to run next). */
  cursor: number;
  steps: StepRecord[];
  /** Why it stopped (failed/aborted), in plain words. */
  message?: string;
  /** A pause or abort asked for, applied at the next safe point. */
  requested?: { action: 'pause' | 'abort'; by: string; at: string };
  /** Short audit log: start, pause, resume, abort, takeovers. */
  log: LogEntry[];
  /** Holder that runs it now (the Lease's holderIdentity). */
  runner?: string;
  /** restart-all-pods: the `kubectl.kubernetes.io/restartedAt` value every workload gets. */
  stamp?: string;
  /** The cutoff resolved at start (ISO, cluster clock), when onlyStartedBefore was given. */
  cutoff?: string;
}

/** A workload touched by restart-all-pods, as the plan shows it. */
export interface PlannedWorkload {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Pod';
  namespace: string;
  name: string;
  /** rollout-restart | delete-pods-one-by-one (OnDelete) | delete (controlled pod) | delete-all (procedure) */
  action: 'rollout-restart' | 'delete-pods-one-by-one' | 'delete' | 'delete-all';
  replicas?: number;
  command: string;
  risk?: string;
}

export interface PlannedNode {
  name: string;
  role: 'worker' | 'control-plane';
  ready: boolean;
  alreadyCordoned: boolean;
  /** Pods the drain evicts, by category. */
  evict: number;
  daemonSetPods: number;
  mirrorPods: number;
  /** Pods the drain refuses without an option (`ns/name: why`). */
  blockedPods: string[];
  /** PodDisruptionBudgets that cover pods on this node. */
  pdbs: string[];
}

export interface Plan {
  kind: WorkflowKind;
  options: WorkflowOptions;
  createdAt: string;
  /** The procedure's WARNING, verbatim, and ours. */
  warnings: string[];
  /** Steps in the order they will run (all pending). */
  steps: StepRecord[];
  nodes?: PlannedNode[];
  namespaces?: { name: string; workloads: PlannedWorkload[] }[];
  excludedNamespaces?: { name: string; why: string }[];
  /** Left for the user to decide: unmanaged pods, Job pods (restart-all-pods). */
  leftAlone?: { namespace: string; name: string; why: string }[];
  /** The phrase the user types to confirm. */
  confirmation: string;
  /** The verbs the initiator must be allowed (SelfSubjectAccessReview each). */
  access: AccessRequirement[];
  cutoff?: string;
}

export interface AccessRequirement {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  why: string;
}

export interface AccessCheck {
  allowed: boolean;
  checks: (AccessRequirement & { allowed: boolean })[];
}

/** What the SSE route forwards. `state` is the whole state after the change. */
export type WorkflowEvent =
  | { type: 'state'; state: WorkflowState }
  | { type: 'step'; workflowId: string; step: StepRecord; index: number }
  | { type: 'progress'; workflowId: string; stepId: string; message: string; at: string }
  | { type: 'log'; workflowId: string; entry: LogEntry };

/** A finished or running workflow as the history page lists it. */
export type WorkflowSummary = Pick<WorkflowState, 'id' | 'kind' | 'status' | 'initiator' | 'createdAt' | 'finishedAt' | 'message'> & {
  steps: number;
  done: number;
};

export type WorkflowErrorCode = 'forbidden' | 'busy' | 'confirmation' | 'blocked' | 'not-found' | 'invalid' | 'state' | 'cluster';

export const DEFAULT_NODE_OPTIONS: NodeRestartOptions = {
  deleteEmptyDirData: false,
  force: false,
  evictionRetrySeconds: 5,
  drainTimeoutSeconds: 600,
  nodeReadyTimeoutSeconds: 900,
  daemonSetReadyTimeoutSeconds: 300,
  debugImage: 'registry.redhat.io/rhel9/support-tools',
};

export const DEFAULT_POD_OPTIONS: PodRestartOptions = {
  mode: 'safe',
  includePlatform: false,
  pauseBetweenNamespacesSeconds: 1,
  concurrency: 2,
  rolloutTimeoutSeconds: 600,
};

/** The procedure's warnings, verbatim (bound-service-account-tokens, step 5). */
export const PROCEDURE_WARNINGS = {
  rollingNodeRestart:
    'It is not recommended to perform a rolling node restart if you have custom workloads running on your cluster, because it can cause a service interruption. Instead, manually restart all pods in the cluster.',
  restartAllPods:
    'Be aware that running this command causes a service interruption, because it deletes every running pod in every namespace. These pods will automatically restart after they are deleted.',
} as const;

export const PROCEDURE_COMMANDS = {
  restartAllPods: `for I in $(oc get ns -o jsonpath='{range .items[*]} {.metadata.name}{"\\n"} {end}'); \\\n      do oc delete pods --all -n $I; \\\n      sleep 1; \\\n      done`,
} as const;
