// Every workflow action is also recorded as a core/v1 Event on the object it touched (the node,
// the pod, the namespace's workload, or the state ConfigMap), with source component
// `bound-token-dashboard`, so `oc get events` tells the story without the dashboard. Best effort:
// a refused Event never stops a workflow.
import 'server-only';
import { randomBytes } from 'node:crypto';
import type { Kube } from './kube';
import type { ObjectRef } from './types';

export const EVENT_COMPONENT = 'bound-token-dashboard';

export type EventReason =
  | 'WorkflowStarted'
  | 'WorkflowStepStarted'
  | 'WorkflowStepDone'
  | 'WorkflowStepFailed'
  | 'WorkflowPaused'
  | 'WorkflowResumed'
  | 'WorkflowAborted'
  | 'WorkflowSucceeded'
  | 'WorkflowFailed'
  | 'WorkflowTakenOver'
  | 'NodeCordoned'
  | 'NodeUncordoned'
  | 'PodEvicted'
  | 'EvictionBlocked'
  | 'NodeRebootRequested'
  | 'NodeRebooted'
  | 'WorkloadRestarted'
  | 'PodDeleted';

export class EventRecorder {
  constructor(
    private readonly kube: Kube,
    private readonly instance: string,
    private readonly onError: (err: unknown) => void = () => {},
  ) {}

  /** Records one Event. Cluster-scoped objects (Node) get theirs in `default`, as the kubelet does. */
  async record(obj: ObjectRef, reason: EventReason, message: string, type: 'Normal' | 'Warning' = 'Normal', workflowId?: string): Promise<void> {
    const namespace = obj.namespace ?? 'default';
    const now = new Date();
    const iso = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
    const body = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${obj.name}.${now.getTime().toString(16)}${randomBytes(3).toString('hex')}`.slice(0, 253),
        namespace,
        ...(workflowId ? { labels: { 'bound-token-dashboard/workflow': workflowId } } : {}),
      },
      involvedObject: {
        kind: obj.kind,
        name: obj.name,
        ...(obj.namespace ? { namespace: obj.namespace } : {}),
        ...(obj.uid ? { uid: obj.uid } : {}),
        ...(obj.apiVersion ? { apiVersion: obj.apiVersion } : {}),
      },
      reason,
      message: message.slice(0, 1024),
      type,
      source: { component: EVENT_COMPONENT },
      reportingComponent: EVENT_COMPONENT,
      reportingInstance: this.instance.slice(0, 128),
      firstTimestamp: iso,
      lastTimestamp: iso,
      count: 1,
    };
    try {
      await this.kube.createEvent(namespace, body);
    } catch (err) {
      this.onError(err);
    }
  }
}
