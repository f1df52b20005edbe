// The pods/eviction subresource (policy/v1 Eviction) as pkg/registry/core/pod/storage/eviction.go
// answers it: terminal, pending or already-deleting pods are deleted without a PDB check; more
// than one matching PodDisruptionBudget is a 500; a budget that allows no disruption is a 429
// TooManyRequests with the DisruptionBudget cause; otherwise the budget's disruptionsAllowed is
// decremented (the pod recorded in status.disruptedPods), the pod gets the DisruptionTarget
// condition and is deleted gracefully. The answer is 201 with a Success Status.
import { badRequest, forbidden, notFound, StatusError } from '../errors';
import type { ApiServer } from '../server';
import type { K8sObject } from '../store';
import type { Engine } from './engine';
import { STORE_KEY } from './engine';
import { isPodReady, phaseOf, selectorMatches } from './util';

type AnyObj = Record<string, any>;

function tooMany(message: string): StatusError {
  // NewTooManyRequests(msg, 0): retryAfterSeconds 0 is omitted from the body and no Retry-After is sent.
  return new StatusError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', { causes: [{ reason: 'DisruptionBudget', message }] });
}

export function installEviction(server: ApiServer, e: Engine): void {
  server.handleSubresource('pods', 'eviction', 'POST', async (ctx, body) => {
    const ns = ctx.namespace ?? 'default';
    const name = ctx.name ?? '';
    const ev = (body ?? {}) as AnyObj;
    if (ev.metadata?.name !== undefined && ev.metadata.name !== name) throw badRequest('name in URL does not match name in Eviction object');
    const opts = (ev.deleteOptions ?? {}) as AnyObj;
    const dryRun = ctx.dryRun || (Array.isArray(opts.dryRun) && opts.dryRun.includes('All'));
    const pod = e.store.get('pods', ns, name);
    if (!pod) throw notFound('pods', name);
    const success = { status: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' } };
    const del = (p: K8sObject, withCondition: boolean) => {
      if (dryRun) return;
      if (withCondition) {
        const now = e.clock.nowIso();
        e.store.mutate('pods', ns, name, (o) => {
          if (o.metadata.uid !== p.metadata.uid) return false;
          const s = (o.status ??= {}) as AnyObj;
          s.conditions = [...(s.conditions ?? []).filter((c: AnyObj) => c.type !== 'DisruptionTarget'), { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: now, reason: 'EvictionByEvictionAPI', message: 'Eviction API: evicting' }];
        }, { subresource: 'status' });
      }
      e.store.delete('pods', ns, name, {
        ...(opts.gracePeriodSeconds !== undefined && opts.gracePeriodSeconds !== null ? { gracePeriodSeconds: Number(opts.gracePeriodSeconds) } : {}),
        preconditions: { uid: p.metadata.uid!, ...(opts.preconditions?.resourceVersion ? { resourceVersion: opts.preconditions.resourceVersion } : {}) },
        user: ctx.user,
      });
    };
    const ph = phaseOf(pod);
    if (ph === 'Succeeded' || ph === 'Failed' || ph === 'Pending' || pod.metadata.deletionTimestamp) {
      if (!pod.metadata.deletionTimestamp) del(pod, true);
      return success;
    }
    const pdbs = e.store.listPage(STORE_KEY.pdbs, { namespace: ns }).items.filter((b) => selectorMatches((b.spec as AnyObj)?.selector, pod.metadata.labels));
    if (pdbs.length > 1) {
      return { status: 500, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 } };
    }
    const pdb = pdbs[0];
    if (!pdb) {
      del(pod, true);
      return success;
    }
    const ps = (pdb.status ?? {}) as AnyObj;
    const policy = (pdb.spec as AnyObj)?.unhealthyPodEvictionPolicy;
    if (!isPodReady(pod) && (policy === 'AlwaysAllow' || ((ps.currentHealthy ?? 0) >= (ps.desiredHealthy ?? 0) && (ps.desiredHealthy ?? 0) > 0))) {
      // An unhealthy pod does not count towards the budget.
      del(pod, true);
      return success;
    }
    // checkAndDecrement, on the stored budget (retried on conflict as the registry does).
    for (let attempt = 0; ; attempt++) {
      const cur = e.store.get(STORE_KEY.pdbs, ns, pdb.metadata.name!);
      if (!cur) break;
      const st = (cur.status ?? {}) as AnyObj;
      if ((st.observedGeneration ?? 0) < (cur.metadata.generation ?? 0)) throw tooMany(`The disruption budget ${cur.metadata.name} is still being processed by the server.`);
      if ((st.disruptionsAllowed ?? 0) < 0) throw forbidden(`poddisruptionbudgets.policy "${cur.metadata.name}" is forbidden: pdb disruptions allowed is negative`, { name: cur.metadata.name!, group: 'policy', kind: 'poddisruptionbudgets' });
      if ((st.disruptionsAllowed ?? 0) === 0) throw tooMany(`The disruption budget ${cur.metadata.name} needs ${st.desiredHealthy ?? 0} healthy pods and has ${st.currentHealthy ?? 0} currently`);
      if (dryRun) break;
      st.disruptionsAllowed = (st.disruptionsAllowed ?? 0) - 1;
      if (st.disruptionsAllowed === 0) {
        st.conditions = (st.conditions ?? []).map((c: AnyObj) => (c.type === 'DisruptionAllowed' ? { ...c, status: 'False', reason: 'InsufficientPods', lastTransitionTime: e.clock.nowIso() } : c));
      }
      st.disruptedPods = { ...(st.disruptedPods ?? {}), [name]: new Date(e.clock.nowMs()).toISOString().replace(/\.\d{3}Z$/, 'Z') };
      cur.status = st;
      try {
        e.store.update(STORE_KEY.pdbs, cur, { subresource: 'status' });
        break;
      } catch (err) {
        if (err instanceof StatusError && err.code === 409 && attempt < 5) continue;
        throw err;
      }
    }
    del(pod, true);
    return success;
  });
}
