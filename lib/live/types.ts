// Shapes shared by the live plumbing on the server (hub, informer, SSE) and the browser helper
// (client.ts). Pure types and tiny helpers: no server-only, no client-node, so client code may
// import it.

/** A Kubernetes object as the API server sends it (plain JSON: timestamps are strings). */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; uid?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/**
 * - connecting: first list not done yet (no data).
 * - live: the upstream watch is open; the data is current.
 * - reconnecting: the watch dropped; the data is as of `staleSince` and we are trying again.
 * - stale: still disconnected after a grace period; the page must say "stale since ...".
 */
export type LiveStateName = 'connecting' | 'live' | 'reconnecting' | 'stale';

export interface LiveState {
  state: LiveStateName;
  /** ISO time since when the data may be behind the cluster; null while live (or before any data). */
  staleSince: string | null;
  /** Why we are not live (no secrets: status codes and kube messages only). */
  error?: string;
}

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** One change as the shared cache applied it. `key` is "namespace/name" or "name". */
export interface LiveEvent<T = KubeObject> {
  type: ChangeType;
  key: string;
  object: T;
  /** resourceVersion after this change (opaque: compare for equality only). */
  resourceVersion: string;
}

/** Why a subscriber got a full snapshot. */
export type SnapshotReason = 'initial' | 'resume-unavailable';

export interface LiveSnapshot<T = KubeObject> {
  resourceVersion: string;
  items: Array<{ key: string; object: T }>;
  reason: SnapshotReason;
}

/** Sent instead of a snapshot when a reconnecting subscriber can be brought up to date by deltas. */
export interface LiveResume {
  from: string;
  resourceVersion: string;
  /** How many `change` events follow. */
  missed: number;
}

/** Wire format of the SSE events (what client.ts parses). */
export type SseSnapshotData<T> = LiveSnapshot<T> & { stream?: string };
export type SseChangeData<T> = LiveEvent<T> & { stream?: string };
export type SseStateData = LiveState;
export type SseResumeData = LiveResume;

/** JSON body of a 403 from an SSE route when the user may list but not watch. */
export interface LiveForbiddenBody {
  error: 'forbidden';
  message: string;
  fallback?: 'poll';
  pollUrl?: string;
  /** Multi-stream responses: which streams were refused. */
  streams?: Record<string, { message: string; fallback?: 'poll' }>;
}

/** JSON body of the poll endpoint (a list through the user's own credentials). */
export interface LivePollBody<T> {
  resourceVersion: string;
  items: Array<{ key: string; object: T }>;
  /** Server time of the list, ISO. */
  listedAt: string;
}

/** JSON body of a multi-stream poll endpoint. */
export interface LiveMultiPollBody {
  streams: Record<string, LivePollBody<unknown>>;
}

/** "namespace/name" for namespaced objects, "name" otherwise: the cache and wire key. */
export function objectKey(obj: KubeObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name ?? ''}` : (m.name ?? '');
}
