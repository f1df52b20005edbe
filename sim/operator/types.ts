// Shapes of the operator.openshift.io/v1 KubeAPIServer status fields the simulated operator reads
// and writes (openshift/api operator/v1 StaticPodOperatorStatus + KubeAPIServerStatus).

export interface NodeStatus {
  nodeName: string;
  nodeUID?: string;
  currentRevision?: number;
  targetRevision?: number;
  lastFailedRevision?: number;
  lastFailedTime?: string;
  lastFailedReason?: string;
  lastFailedCount?: number;
  lastFallbackCount?: number;
  lastFailedRevisionErrors?: string[];
}

export interface OperatorCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface ServiceAccountIssuerStatus {
  name: string;
  expirationTime?: string;
}

export interface KubeAPIServerStatus {
  observedGeneration?: number;
  conditions?: OperatorCondition[];
  version?: string;
  readyReplicas?: number;
  latestAvailableRevision?: number;
  latestAvailableRevisionReason?: string;
  nodeStatuses?: NodeStatus[];
  serviceAccountIssuers?: ServiceAccountIssuerStatus[];
  [k: string]: unknown;
}

/** 'current' = library-go since Feb 2024 (OpenShift 4.16+): "1 node is"; 'legacy' = ≤4.15: "1 nodes are". */
export type Wording = 'current' | 'legacy';
