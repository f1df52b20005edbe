// Words and colours for the restart workflows, shared by their components (pure, isomorphic).
import type { BadgeTone } from '@/components/ui/badge';
import type { StepAction, StepStatus, WorkflowKind, WorkflowStatus } from '@/lib/workflows/types';

export const KIND_LABEL: Record<WorkflowKind, string> = {
  'rolling-node-restart': 'Rolling node restart',
  'restart-all-pods': 'Restart all pods',
};

export const KIND_HREF: Record<WorkflowKind, string> = {
  'rolling-node-restart': '/restart/nodes',
  'restart-all-pods': '/restart/pods',
};

export const STATUS_TONE: Record<WorkflowStatus | StepStatus, BadgeTone> = {
  running: 'blue',
  paused: 'amber',
  succeeded: 'green',
  done: 'green',
  failed: 'red',
  aborted: 'red',
  pending: 'neutral',
  skipped: 'neutral',
};

/** Short names of the per-node steps, in the order they run. */
export const ACTION_SHORT: Record<StepAction, string> = {
  cordon: 'cordon',
  drain: 'drain',
  reboot: 'reboot',
  'wait-node-ready': 'Ready',
  uncordon: 'uncordon',
  'wait-daemonsets': 'DaemonSets',
  'restart-namespace': 'restart',
  'delete-namespace-pods': 'delete pods',
};

export const isActive = (s: { status: WorkflowStatus } | null | undefined): boolean => !!s && (s.status === 'running' || s.status === 'paused');

export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().replace('T', ' ').replace(/\.\d{3}Z$/, ' UTC');
}

export function formatSeconds(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return `${m} min ${s % 60} s`;
}

/** Comma/space separated names → list (empty → undefined). */
export function parseNames(text: string): string[] | undefined {
  const out = text.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
  return out.length ? out : undefined;
}
