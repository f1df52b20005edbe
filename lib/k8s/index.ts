// The face of lib/k8s: pages and route handlers import from here, never from client-node.
import 'server-only';

export {
  getConnection,
  resetConnection,
  resolveConnection,
  kubeConfigForToken,
  requestOptions,
  apiClient,
  SERVICE_ACCOUNT_DIR,
  type Connection,
  type ConnectionEnv,
  type ClusterRef,
} from './connection';
export {
  ClusterError,
  isClusterError,
  toClusterError,
  redact,
  type ClusterErrorInfo,
  type ClusterErrorKind,
} from './errors';
export {
  clusterTarget,
  fetchClusterInfo,
  getClusterStatus,
  type ClusterFlavor,
  type ClusterInfo,
  type ClusterStatus,
  type ClusterTarget,
} from './cluster';
export {
  listNodes,
  nodeToDto,
  summarizeNodes,
  type NodeDto,
  type NodeSummary,
  type ConditionStatus,
} from './nodes';
export { listAllPages, PAGE_SIZE } from './paginate';
