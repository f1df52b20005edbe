// The demo cluster's initial state: a small OpenShift 4.18 cluster (3 control-plane nodes and
// workers, the platform namespaces, Deployments/ReplicaSets/DaemonSet with Running pods spread
// over the nodes, PDBs, the `cluster` Authentication and KubeAPIServer, the kube-apiserver
// ClusterOperator), optionally scaled up with app namespaces. Objects are built directly and
// handed to the store in one batch so a 100,000-pod seed stays fast.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Clock } from './clock';
import type { K8sObject, Store } from './store';
import { apiAccessVolume } from './workloads/admission';

const CONTROL_PLANE_PLACEMENT = {
  nodeSelector: { 'node-role.kubernetes.io/master': '' },
  tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists', effect: 'NoSchedule' }],
};

const SUFFIX_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
function randomSuffix(): string {
  const b = randomBytes(5);
  return Array.from(b, (x) => SUFFIX_ALPHABET[x % SUFFIX_ALPHABET.length]).join('');
}

export interface SeedOptions {
  nodes?: number; // total, 3 of them control plane (default 6)
  namespaces?: number; // extra app namespaces app-0001... (default 0)
  podsPerNamespace?: number; // replicas of the Deployment in each app namespace (default 2)
  caPem?: string; // published in every namespace as ConfigMap kube-root-ca.crt, as kube's publisher does
}

export interface SeedItem {
  key: string;
  obj: K8sObject;
}

const KUBE_VERSION = 'v1.31.6';
const OS_IMAGE = 'Red Hat Enterprise Linux CoreOS 418.94.202502191413-0';
const KERNEL = '5.14.0-427.55.1.el9_4.x86_64';
const CRIO = 'cri-o://1.31.6-2.rhaos4.18.gitd8a8f4d.el9';
const HASH_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const DAY = 24 * 3600 * 1000;

function rand(n: number): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += HASH_ALPHABET[b[i]! % HASH_ALPHABET.length];
  return s;
}

function templateHash(seed: string): string {
  const h = createHash('sha256').update(seed).digest();
  let s = '';
  for (let i = 0; i < 10; i++) s += HASH_ALPHABET[h[i]! % HASH_ALPHABET.length];
  return s;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function hex(n: number): string {
  return randomBytes(Math.ceil(n / 2)).toString('hex').slice(0, n);
}

export function nodeNames(total: number): { controlPlane: string[]; workers: string[] } {
  const n = Math.max(3, total);
  const controlPlane = ['cp-0', 'cp-1', 'cp-2'];
  const workers = Array.from({ length: n - 3 }, (_, i) => `worker-${i}`);
  return { controlPlane, workers };
}

function nodeIp(i: number): string {
  return `10.0.${1 + Math.floor(i / 250)}.${10 + (i % 250)}`;
}

/** Builds every seed object (no store access). */
export function buildSeed(nowMs: number, opts: SeedOptions = {}): SeedItem[] {
  const items: SeedItem[] = [];
  const add = (key: string, obj: K8sObject) => items.push({ key, obj });
  const usedNames = new Set<string>();
  // Random 5-character suffixes as the controllers' generateName makes, unique within the seed.
  const uniqueName = (prefix: string) => {
    for (;;) {
      const n = `${prefix}${rand(5)}`;
      if (!usedNames.has(n)) {
        usedNames.add(n);
        return n;
      }
    }
  };
  const installed = nowMs - 45 * DAY;
  const { controlPlane, workers } = nodeNames(opts.nodes ?? 6);
  const allNodes = [...controlPlane, ...workers];

  // ---- nodes -----------------------------------------------------------------------------
  const nodeInfo = new Map<string, { ip: string; index: number; podSeq: number }>();
  allNodes.forEach((name, i) => {
    const cp = i < 3;
    const ip = nodeIp(i);
    nodeInfo.set(name, { ip, index: i, podSeq: 2 });
    const created = iso(installed + (cp ? 0 : 20 * 60 * 1000) + i * 1000);
    const heartbeat = iso(nowMs - ((i * 7) % 40) * 1000);
    const transition = iso(nowMs - (3 + (i % 5)) * DAY);
    const labels: Record<string, string> = {
      'beta.kubernetes.io/arch': 'amd64',
      'beta.kubernetes.io/os': 'linux',
      'kubernetes.io/arch': 'amd64',
      'kubernetes.io/hostname': name,
      'kubernetes.io/os': 'linux',
      'node.openshift.io/os_id': 'rhcos',
    };
    if (cp) {
      labels['node-role.kubernetes.io/control-plane'] = '';
      labels['node-role.kubernetes.io/master'] = '';
    } else {
      labels['node-role.kubernetes.io/worker'] = '';
    }
    const cpu = cp ? '8' : '16';
    const memKi = cp ? 32_768_000 : 65_536_000;
    add('nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        uid: randomUUID(),
        creationTimestamp: created,
        labels,
        annotations: {
          'machineconfiguration.openshift.io/controlPlaneTopology': 'HighlyAvailable',
          'machineconfiguration.openshift.io/currentConfig': `rendered-${cp ? 'master' : 'worker'}-${hex(32)}`,
          'machineconfiguration.openshift.io/state': 'Done',
          'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        },
      },
      spec: {
        podCIDR: `10.128.${(i * 2) % 256}.0/23`,
        podCIDRs: [`10.128.${(i * 2) % 256}.0/23`],
        ...(cp ? { taints: [{ key: 'node-role.kubernetes.io/master', effect: 'NoSchedule' }] } : {}),
      },
      status: {
        capacity: { cpu, 'ephemeral-storage': '125293548Ki', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${memKi}Ki`, pods: '250' },
        allocatable: { cpu: cp ? '7500m' : '15500m', 'ephemeral-storage': '114396791822', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${memKi - 1_048_576}Ki`, pods: '250' },
        conditions: [
          { type: 'MemoryPressure', status: 'False', lastHeartbeatTime: heartbeat, lastTransitionTime: transition, reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
          { type: 'DiskPressure', status: 'False', lastHeartbeatTime: heartbeat, lastTransitionTime: transition, reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
          { type: 'PIDPressure', status: 'False', lastHeartbeatTime: heartbeat, lastTransitionTime: transition, reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
          { type: 'Ready', status: 'True', lastHeartbeatTime: heartbeat, lastTransitionTime: transition, reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        addresses: [
          { type: 'InternalIP', address: ip },
          { type: 'Hostname', address: name },
        ],
        daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
        nodeInfo: {
          machineID: hex(32),
          systemUUID: randomUUID(),
          bootID: randomUUID(),
          kernelVersion: KERNEL,
          osImage: OS_IMAGE,
          containerRuntimeVersion: CRIO,
          kubeletVersion: KUBE_VERSION,
          kubeProxyVersion: KUBE_VERSION,
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
      },
    } as K8sObject);
  });

  // ---- namespaces and service accounts ----------------------------------------------------
  const platformNs = ['default', 'kube-system', 'kube-public', 'kube-node-lease', 'openshift-kube-apiserver', 'openshift-kube-apiserver-operator', 'openshift-authentication', 'openshift-monitoring', 'openshift-ingress', 'openshift-dns', 'openshift-etcd', 'openshift-config', 'openshift-config-managed'];
  const appNs = Array.from({ length: opts.namespaces ?? 0 }, (_, i) => `app-${String(i + 1).padStart(4, '0')}`);
  for (const [i, ns] of [...platformNs, ...appNs].entries()) {
    const created = ns.startsWith('app-') ? nowMs - 10 * DAY + i * 1000 : installed + i * 1000;
    const labels: Record<string, string> = { 'kubernetes.io/metadata.name': ns };
    if (ns.startsWith('openshift-')) {
      labels['openshift.io/cluster-monitoring'] = 'true';
      labels['pod-security.kubernetes.io/enforce'] = 'privileged';
    }
    add('namespaces', {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, uid: randomUUID(), creationTimestamp: iso(created), labels, annotations: ns.startsWith('openshift-') || ns === 'default' ? { 'openshift.io/sa.scc.uid-range': '1000000000/10000' } : {} },
      spec: { finalizers: ['kubernetes'] },
      status: { phase: 'Active' },
    } as K8sObject);
    add('serviceaccounts', sa('default', ns, created));
    if (opts.caPem) {
      add('configmaps', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kube-root-ca.crt', namespace: ns, uid: randomUUID(), creationTimestamp: iso(created), annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
        data: { 'ca.crt': opts.caPem },
      } as K8sObject);
    }
  }
  add('serviceaccounts', sa('build-robot', 'default', installed + 2 * DAY));
  // The DNS DaemonSet's pods run as openshift-dns/dns, as on OpenShift.
  add('serviceaccounts', sa('dns', 'openshift-dns', installed));

  function sa(name: string, namespace: string, created: number): K8sObject {
    return { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace, uid: randomUUID(), creationTimestamp: iso(created) } } as K8sObject;
  }

  // ---- workloads ----------------------------------------------------------------------------
  let wcount = 0;
  const nextNode = (pool: string[]) => pool[wcount++ % pool.length]!;

  function podIp(node: string): string {
    const n = nodeInfo.get(node)!;
    const seq = n.podSeq++;
    return `10.${128 + Math.floor(((n.index * 2) % 256 + Math.floor(seq / 256)) / 256)}.${((n.index * 2) % 256) + (Math.floor(seq / 256) % 2)}.${seq % 256}`;
  }

  function makePod(p: {
    name: string;
    namespace: string;
    labels: Record<string, string>;
    owner?: { apiVersion: string; kind: string; name: string; uid: string };
    node: string;
    containers: { name: string; image: string }[];
    created: number;
    hostNetwork?: boolean;
    priorityClassName?: string;
    annotations?: Record<string, string>;
    serviceAccountName?: string;
    /** Mirror (static) pods get no service account token volume. */
    mirror?: boolean;
    placement?: typeof CONTROL_PLANE_PLACEMENT;
  }): K8sObject {
    const apiVolume = p.mirror ? undefined : `kube-api-access-${randomSuffix()}`;
    const ip = p.hostNetwork ? nodeInfo.get(p.node)!.ip : podIp(p.node);
    const hostIp = nodeInfo.get(p.node)!.ip;
    const started = iso(p.created + 2000);
    const ready = iso(p.created + 9000);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: p.name,
        ...(p.owner ? { generateName: p.name.slice(0, p.name.lastIndexOf('-') + 1) } : {}),
        namespace: p.namespace,
        uid: randomUUID(),
        creationTimestamp: iso(p.created),
        labels: p.labels,
        ...(p.annotations ? { annotations: p.annotations } : {}),
        ...(p.owner ? { ownerReferences: [{ ...p.owner, controller: true, blockOwnerDeletion: true }] } : {}),
      },
      spec: {
        containers: p.containers.map((c) => ({
          name: c.name,
          image: c.image,
          resources: { requests: { cpu: '10m', memory: '50Mi' } },
          terminationMessagePath: '/dev/termination-log',
          terminationMessagePolicy: 'FallbackToLogsOnError',
          imagePullPolicy: 'IfNotPresent',
          ...(apiVolume ? { volumeMounts: [{ name: apiVolume, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] } : {}),
        })),
        ...(apiVolume ? { volumes: [apiAccessVolume(apiVolume)] } : {}),
        ...(p.placement?.nodeSelector ? { nodeSelector: p.placement.nodeSelector } : {}),
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: p.hostNetwork ? 'ClusterFirstWithHostNet' : 'ClusterFirst',
        serviceAccountName: p.serviceAccountName ?? 'default',
        serviceAccount: p.serviceAccountName ?? 'default',
        nodeName: p.node,
        ...(p.hostNetwork ? { hostNetwork: true } : {}),
        securityContext: {},
        schedulerName: 'default-scheduler',
        tolerations: [
          ...(p.placement?.tolerations ?? []),
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
          { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
        ...(p.priorityClassName ? { priorityClassName: p.priorityClassName, priority: 2000000000 } : { priority: 0 }),
        enableServiceLinks: true,
        preemptionPolicy: 'PreemptLowerPriority',
      },
      status: {
        phase: 'Running',
        conditions: [
          { type: 'PodReadyToStartContainers', status: 'True', lastProbeTime: null, lastTransitionTime: started },
          { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: iso(p.created + 1000) },
          { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: ready },
          { type: 'ContainersReady', status: 'True', lastProbeTime: null, lastTransitionTime: ready },
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: iso(p.created) },
        ],
        hostIP: hostIp,
        hostIPs: [{ ip: hostIp }],
        podIP: ip,
        podIPs: [{ ip }],
        startTime: iso(p.created + 1000),
        containerStatuses: p.containers.map((c) => ({
          name: c.name,
          state: { running: { startedAt: started } },
          lastState: {},
          ready: true,
          restartCount: 0,
          image: c.image,
          imageID: `${c.image.split(/[:@]/)[0]}@sha256:${hex(64)}`,
          containerID: `cri-o://${hex(64)}`,
          started: true,
        })),
        qosClass: 'Burstable',
      },
    } as K8sObject;
  }

  function deployment(d: { namespace: string; name: string; replicas: number; app: string; image: string; pool: string[]; created: number; priorityClassName?: string; extraLabels?: Record<string, string> }) {
    const selector = { [d.app.includes('=') ? d.app.split('=')[0]! : 'app']: d.app.includes('=') ? d.app.split('=')[1]! : d.app };
    const tplLabels = { ...selector, ...(d.extraLabels ?? {}) };
    const containers = [{ name: d.name.replace(/-default$/, ''), image: d.image }];
    const template = {
      metadata: { labels: tplLabels, ...(d.priorityClassName ? {} : {}) },
      spec: {
        containers: containers.map((c) => ({ ...c, resources: { requests: { cpu: '10m', memory: '50Mi' } }, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'FallbackToLogsOnError', imagePullPolicy: 'IfNotPresent' })),
        restartPolicy: 'Always',
        terminationGracePeriodSeconds: 30,
        dnsPolicy: 'ClusterFirst',
        securityContext: {},
        schedulerName: 'default-scheduler',
        ...(d.priorityClassName ? { priorityClassName: d.priorityClassName } : {}),
        // Control-plane operators stay on masters when their pods are recreated, as on OpenShift.
        ...(d.pool === controlPlane ? CONTROL_PLANE_PLACEMENT : {}),
      },
    };
    const hash = templateHash(`${d.namespace}/${d.name}/${d.image}`);
    const depUid = randomUUID();
    const rsUid = randomUUID();
    const rsName = `${d.name}-${hash}`;
    const cond = (type: string, reason: string, message: string) => ({ type, status: 'True', lastUpdateTime: iso(d.created + 60_000), lastTransitionTime: iso(d.created + 60_000), reason, message });
    add('deployments.apps', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: d.name, namespace: d.namespace, uid: depUid, generation: 1, creationTimestamp: iso(d.created), labels: tplLabels, annotations: { 'deployment.kubernetes.io/revision': '1' } },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: selector },
        template,
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {
        observedGeneration: 1,
        replicas: d.replicas,
        updatedReplicas: d.replicas,
        readyReplicas: d.replicas,
        availableReplicas: d.replicas,
        conditions: [
          cond('Available', 'MinimumReplicasAvailable', 'Deployment has minimum availability.'),
          cond('Progressing', 'NewReplicaSetAvailable', `ReplicaSet "${rsName}" has successfully progressed.`),
        ],
      },
    } as K8sObject);
    add('replicasets.apps', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: rsName,
        namespace: d.namespace,
        uid: rsUid,
        generation: 1,
        creationTimestamp: iso(d.created),
        labels: { ...tplLabels, 'pod-template-hash': hash },
        annotations: { 'deployment.kubernetes.io/desired-replicas': String(d.replicas), 'deployment.kubernetes.io/max-replicas': String(d.replicas + Math.ceil(d.replicas / 4)), 'deployment.kubernetes.io/revision': '1' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.name, uid: depUid, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas: d.replicas,
        selector: { matchLabels: { ...selector, 'pod-template-hash': hash } },
        template: { ...template, metadata: { labels: { ...tplLabels, 'pod-template-hash': hash } } },
      },
      status: { replicas: d.replicas, fullyLabeledReplicas: d.replicas, readyReplicas: d.replicas, availableReplicas: d.replicas, observedGeneration: 1 },
    } as K8sObject);
    for (let i = 0; i < d.replicas; i++) {
      add('pods', makePod({
        name: uniqueName(`${d.namespace}/${rsName}-`).split('/')[1]!,
        namespace: d.namespace,
        labels: { ...tplLabels, 'pod-template-hash': hash },
        owner: { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, uid: rsUid },
        node: nextNode(d.pool),
        placement: d.pool === controlPlane ? CONTROL_PLANE_PLACEMENT : undefined,
        containers,
        created: d.created + 5000,
        priorityClassName: d.priorityClassName,
      }));
    }
  }

  const pool = workers.length ? workers : controlPlane;
  deployment({ namespace: 'openshift-monitoring', name: 'prometheus-operator', replicas: 1, app: 'app.kubernetes.io/name=prometheus-operator', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:5c2fa0f1b1c56b5ecb8c5ac5b1d5b50b4d6b79f6bb8fb8f1be0e1e8e8c1f3a7d', pool: controlPlane, created: installed + 40 * 60_000, priorityClassName: 'system-cluster-critical' });
  deployment({ namespace: 'openshift-ingress', name: 'router-default', replicas: 2, app: 'ingresscontroller.operator.openshift.io/deployment-ingresscontroller=default', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:9a1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8', pool, created: installed + 35 * 60_000, priorityClassName: 'system-cluster-critical' });
  deployment({ namespace: 'openshift-authentication', name: 'oauth-openshift', replicas: 3, app: 'app=oauth-openshift', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c', pool: controlPlane, created: installed + 30 * 60_000, priorityClassName: 'system-cluster-critical' });
  deployment({ namespace: 'openshift-kube-apiserver-operator', name: 'kube-apiserver-operator', replicas: 1, app: 'app=kube-apiserver-operator', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f7e6d5c4b3a29180f', pool: controlPlane, created: installed + 10 * 60_000, priorityClassName: 'system-cluster-critical' });
  deployment({ namespace: 'default', name: 'frontend', replicas: 3, app: 'app=frontend', image: 'registry.access.redhat.com/ubi9/nginx-124:latest', pool, created: nowMs - 6 * DAY });

  // DaemonSet dns-default on every node.
  {
    const dsUid = randomUUID();
    const created = installed + 25 * 60_000;
    const crh = templateHash('openshift-dns/dns-default').slice(0, 10);
    const labels = { 'dns.operator.openshift.io/daemonset-dns': 'default' };
    const image = 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e';
    const n = allNodes.length;
    add('daemonsets.apps', {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'dns-default', namespace: 'openshift-dns', uid: dsUid, generation: 1, creationTimestamp: iso(created), annotations: { 'deprecated.daemonset.template.generation': '1' } },
      spec: {
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            containers: [{ name: 'dns', image }, { name: 'kube-rbac-proxy', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b' }],
            nodeSelector: { 'kubernetes.io/os': 'linux' },
            tolerations: [{ key: 'node-role.kubernetes.io/master', operator: 'Exists' }],
            priorityClassName: 'system-node-critical',
          },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '10%', maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
      status: { currentNumberScheduled: n, numberMisscheduled: 0, desiredNumberScheduled: n, numberReady: n, observedGeneration: 1, updatedNumberScheduled: n, numberAvailable: n },
    } as K8sObject);
    for (const node of allNodes) {
      add('pods', makePod({
        name: uniqueName('dns-default-'),
        namespace: 'openshift-dns',
        labels: { ...labels, 'controller-revision-hash': crh, 'pod-template-generation': '1' },
        owner: { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'dns-default', uid: dsUid },
        node,
        containers: [{ name: 'dns', image }, { name: 'kube-rbac-proxy', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f1a2b' }],
        created: created + 10_000,
        priorityClassName: 'system-node-critical',
        serviceAccountName: 'dns',
      }));
    }
  }

  // kube-apiserver static (mirror) pods at revision 11, and their guard pods the PDB counts.
  const revision = 11;
  const revisionAt = nowMs - 3 * DAY;
  for (const node of controlPlane) {
    add('pods', makePod({
      name: `kube-apiserver-${node}`,
      namespace: 'openshift-kube-apiserver',
      labels: { apiserver: 'true', app: 'openshift-kube-apiserver', revision: String(revision) },
      annotations: {
        'kubectl.kubernetes.io/default-container': 'kube-apiserver',
        'kubernetes.io/config.hash': hex(32),
        'kubernetes.io/config.mirror': hex(32),
        'kubernetes.io/config.seen': new Date(revisionAt).toISOString(),
        'kubernetes.io/config.source': 'file',
        'target.workload.openshift.io/management': '{"effect": "PreferredDuringScheduling"}',
      },
      owner: { apiVersion: 'v1', kind: 'Node', name: node, uid: '' },
      mirror: true,
      node,
      containers: ['kube-apiserver', 'kube-apiserver-cert-syncer', 'kube-apiserver-cert-regeneration-controller', 'kube-apiserver-insecure-readyz', 'kube-apiserver-check-endpoints'].map((c) => ({ name: c, image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00' })),
      created: revisionAt + controlPlane.indexOf(node) * 8 * 60_000,
      hostNetwork: true,
      priorityClassName: 'system-node-critical',
    }));
    add('pods', makePod({
      name: `kube-apiserver-guard-${node}`,
      namespace: 'openshift-kube-apiserver',
      labels: { app: 'guard' },
      node,
      containers: [{ name: 'guard', image: 'quay.io/openshift-release-dev/ocp-v4.0-art-dev@sha256:c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00' }],
      created: installed + 50 * 60_000,
      hostNetwork: true,
      priorityClassName: 'system-cluster-critical',
    }));
  }
  // Mirror pods are owned by their Node: patch in the node uids now they are known.
  const nodeUid = new Map(items.filter((i) => i.key === 'nodes').map((i) => [i.obj.metadata.name as string, i.obj.metadata.uid as string]));
  for (const it of items) {
    const refs = (it.obj.metadata.ownerReferences ?? []) as { kind: string; name: string; uid: string; blockOwnerDeletion?: boolean }[];
    for (const r of refs) if (r.kind === 'Node') {
      r.uid = nodeUid.get(r.name) ?? '';
      delete r.blockOwnerDeletion;
    }
  }

  // ---- PodDisruptionBudgets ---------------------------------------------------------------------
  const pdb = (namespace: string, name: string, spec: Record<string, unknown>, expected: number, allowed: number) =>
    add('poddisruptionbudgets.policy', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name, namespace, uid: randomUUID(), generation: 1, creationTimestamp: iso(installed + 50 * 60_000) },
      spec,
      status: {
        observedGeneration: 1,
        disruptionsAllowed: allowed,
        currentHealthy: expected,
        desiredHealthy: expected - allowed,
        expectedPods: expected,
        conditions: [{ type: 'DisruptionAllowed', status: allowed > 0 ? 'True' : 'False', reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods', message: '', observedGeneration: 1, lastTransitionTime: iso(nowMs - 3 * DAY) }],
      },
    } as K8sObject);
  pdb('openshift-ingress', 'router-default', { minAvailable: 1, selector: { matchLabels: { 'ingresscontroller.operator.openshift.io/deployment-ingresscontroller': 'default' } } }, 2, 1);
  pdb('openshift-kube-apiserver', 'kube-apiserver-guard-pdb', { minAvailable: 2, selector: { matchLabels: { app: 'guard' } } }, 3, 1);

  // ---- OpenShift config and operator objects ----------------------------------------------------
  add('authentications.config.openshift.io', {
    apiVersion: 'config.openshift.io/v1',
    kind: 'Authentication',
    metadata: {
      name: 'cluster',
      uid: randomUUID(),
      generation: 2,
      creationTimestamp: iso(installed),
      annotations: {
        'include.release.openshift.io/ibm-cloud-managed': 'true',
        'include.release.openshift.io/self-managed-high-availability': 'true',
        'release.openshift.io/create-only': 'true',
      },
      ownerReferences: [{ apiVersion: 'config.openshift.io/v1', kind: 'ClusterVersion', name: 'version', uid: randomUUID() }],
    },
    spec: {
      oauthMetadata: { name: '' },
      serviceAccountIssuer: '',
      type: '',
      webhookTokenAuthenticator: { kubeConfig: { name: 'webhook-authentication-integrated-oauth' } },
    },
    status: { integratedOAuthMetadata: { name: 'oauth-openshift' } },
  } as K8sObject);

  const text = `${controlPlane.length} nodes are at revision ${revision}`;
  const t = iso(revisionAt + 20 * 60_000);
  add('kubeapiservers.operator.openshift.io', {
    apiVersion: 'operator.openshift.io/v1',
    kind: 'KubeAPIServer',
    metadata: {
      name: 'cluster',
      uid: randomUUID(),
      generation: 4,
      creationTimestamp: iso(installed),
      annotations: { 'include.release.openshift.io/self-managed-high-availability': 'true', 'release.openshift.io/create-only': 'true' },
    },
    spec: { managementState: 'Managed', logLevel: 'Normal', operatorLogLevel: 'Normal', forceRedeploymentReason: '', observedConfig: null, unsupportedConfigOverrides: null },
    status: {
      observedGeneration: 4,
      readyReplicas: 0,
      latestAvailableRevision: revision,
      latestAvailableRevisionReason: '',
      nodeStatuses: controlPlane.map((n) => ({ nodeName: n, currentRevision: revision })),
      serviceAccountIssuers: [{ name: 'https://kubernetes.default.svc' }],
      conditions: [
        { type: 'NodeControllerDegraded', status: 'False', reason: 'MasterNodesReady', message: 'All master nodes are ready', lastTransitionTime: iso(installed + 30 * 60_000) },
        { type: 'NodeInstallerDegraded', status: 'False', lastTransitionTime: iso(installed + 30 * 60_000) },
        { type: 'NodeInstallerProgressing', status: 'False', reason: 'AllNodesAtLatestRevision', message: text, lastTransitionTime: t },
        { type: 'StaticPodsAvailable', status: 'True', message: `${controlPlane.length} nodes are active; ${text}`, lastTransitionTime: iso(installed + 45 * 60_000) },
        { type: 'StaticPodsDegraded', status: 'False', lastTransitionTime: iso(installed + 45 * 60_000) },
      ],
    },
  } as K8sObject);

  add('clusteroperators.config.openshift.io', {
    apiVersion: 'config.openshift.io/v1',
    kind: 'ClusterOperator',
    metadata: {
      name: 'kube-apiserver',
      uid: randomUUID(),
      generation: 1,
      creationTimestamp: iso(installed),
      annotations: { 'include.release.openshift.io/self-managed-high-availability': 'true', 'include.release.openshift.io/single-node-developer': 'true' },
    },
    spec: {},
    status: {
      conditions: [
        { type: 'Degraded', status: 'False', reason: 'AsExpected', message: 'NodeControllerDegraded: All master nodes are ready', lastTransitionTime: iso(installed + 50 * 60_000) },
        { type: 'Progressing', status: 'False', reason: 'AsExpected', message: `NodeInstallerProgressing: ${text}`, lastTransitionTime: t },
        { type: 'Available', status: 'True', reason: 'AsExpected', message: `StaticPodsAvailable: ${controlPlane.length} nodes are active; ${text}`, lastTransitionTime: iso(installed + 45 * 60_000) },
        { type: 'Upgradeable', status: 'True', reason: 'AsExpected', message: 'All is well', lastTransitionTime: iso(installed + 45 * 60_000) },
        { type: 'EvaluationConditionsDetected', status: 'False', reason: 'AsExpected', message: 'All is well', lastTransitionTime: iso(installed + 45 * 60_000) },
      ],
      versions: [
        { name: 'raw-internal', version: '4.18.5' },
        { name: 'operator', version: '4.18.5' },
        { name: 'kube-apiserver', version: '1.31.6' },
      ],
      relatedObjects: [
        { group: 'operator.openshift.io', resource: 'kubeapiservers', name: 'cluster' },
        { group: 'apiextensions.k8s.io', resource: 'customresourcedefinitions', name: '' },
        { group: 'security.openshift.io', resource: 'securitycontextconstraints', name: '' },
        { group: '', resource: 'namespaces', name: 'openshift-config' },
        { group: '', resource: 'namespaces', name: 'openshift-config-managed' },
        { group: '', resource: 'namespaces', name: 'openshift-kube-apiserver-operator' },
        { group: '', resource: 'namespaces', name: 'openshift-kube-apiserver' },
        { group: 'config.openshift.io', resource: 'nodes', name: 'cluster' },
      ],
      extension: null,
    },
  } as K8sObject);

  // ---- scale-out app namespaces: one Deployment each -----------------------------------------
  const perNs = opts.podsPerNamespace ?? 2;
  for (const [i, ns] of appNs.entries()) {
    if (perNs <= 0) continue;
    deployment({ namespace: ns, name: 'app', replicas: perNs, app: 'app=app', image: 'registry.access.redhat.com/ubi9/httpd-24:latest', pool, created: nowMs - 10 * DAY + i * 1000 });
  }
  return items;
}

/**
 * A Clock view whose nowIso() can be pinned: the store stamps creationTimestamp from its clock, and
 * the seed pins it per object so ages look like a cluster installed weeks ago.
 */
export function pinnableClock(clock: Clock): { clock: Clock; pin(iso: string | undefined): void } {
  let pinned: string | undefined;
  const view = new Proxy(clock, {
    get(target, prop) {
      if (prop === 'nowIso' && pinned !== undefined) return () => pinned;
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
    set(target, prop, value) {
      return Reflect.set(target, prop, value, target);
    },
  });
  return { clock: view, pin: (iso) => (pinned = iso) };
}

/**
 * Builds the seed and loads it into the store. The store assigns uids, so owner references are
 * rewritten to the uids the owners actually got (owners are always built before dependants).
 */
export function seedStore(store: Store, clock: Clock, opts: SeedOptions = {}, pin?: (iso: string | undefined) => void): number {
  const items = buildSeed(clock.nowMs(), opts);
  const uids = new Map<string, string>();
  try {
    for (const it of items) {
      const md = it.obj.metadata;
      const mine = md.uid;
      for (const r of md.ownerReferences ?? []) r.uid = uids.get(r.uid) ?? r.uid;
      pin?.(md.creationTimestamp);
      const created = store.create(it.key, it.obj);
      if (mine) uids.set(mine, created.metadata.uid!);
    }
  } finally {
    pin?.(undefined);
  }
  return items.length;
}
