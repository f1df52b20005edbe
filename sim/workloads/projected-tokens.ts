// The kubelet's token manager for projected serviceAccountToken volumes (including the
// kube-api-access volume): when a pod's volumes are set up it requests a pod-bound token per
// projection through the TokenRequest code of sim/tokens (audience = the projection's audience or
// the API audiences, the projection's expirationSeconds, boundObjectRef = the pod), and renews it
// as pkg/kubelet/token/token_manager.go decides: once older than 80 % of its TTL or 24 hours,
// counted from status.expirationTimestamp (not the JWT exp), with up to 10 s of jitter. The token
// never leaves this module; its metadata is written on the pod in a demo-only annotation so the
// dashboard can show which issuer each pod's token comes from (see README.md).
import { randomUUID } from 'node:crypto';
import type { K8sObject } from '../store';
import type { Engine } from './engine';

export const PROJECTED_TOKENS_ANNOTATION = 'demo.bound-token-dashboard.io/projected-tokens';

const MAX_TTL_MS = 24 * 3600 * 1000;
const MAX_JITTER_MS = 10_000;
/** Token signings per real second across the cluster; beyond it starts and renewals queue. */
const SIGNINGS_PER_SECOND = 300;

type AnyObj = Record<string, any>;

export interface Projection {
  volume: string;
  path: string;
  audience?: string;
  expirationSeconds: number;
}

export interface ProjectedTokenRecord {
  volume: string;
  path: string;
  audiences: string[];
  expirationSeconds: number;
  issuedAt: string;
  /** status.expirationTimestamp of the TokenRequest (what the kubelet's refresh rule uses). */
  expiresAt: string;
  /** The JWT's exp: one year for the 3607-second kube-api-access tokens (the expiration extension). */
  jwtExpiresAt: string;
  refreshAt: string;
  issuer: string;
  jti: string;
}

/** What sim/tokens offers (tokensOf(c)); structural so this module does not depend on its internals. */
export interface TokenIssuer {
  requestToken(namespace: string, serviceAccount: string, body: unknown): Promise<{
    object: { spec: { audiences: string[]; expirationSeconds: number }; status: { expirationTimestamp: string } };
    claims: { iss: string; jti?: string; iat: number; exp: number };
  }>;
}

export function projectionsOf(pod: K8sObject): Projection[] {
  const out: Projection[] = [];
  for (const v of ((pod.spec as AnyObj)?.volumes ?? []) as AnyObj[]) {
    for (const s of (v?.projected?.sources ?? []) as AnyObj[]) {
      const t = s?.serviceAccountToken;
      if (!t) continue;
      out.push({ volume: v.name, path: t.path, ...(t.audience ? { audience: t.audience } : {}), expirationSeconds: t.expirationSeconds ?? 3600 });
    }
  }
  return out;
}

function iso(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** token_manager.go requiresRefresh turned into a time: 80 % of the TTL or 24 h, minus jitter. */
export function refreshAtMs(expirationTimestampMs: number, expirationSeconds: number, jitterMs: number): number {
  const iat = expirationTimestampMs - expirationSeconds * 1000;
  return Math.min(iat + MAX_TTL_MS, expirationTimestampMs - (expirationSeconds * 1000 * 20) / 100) - jitterMs;
}

export class ProjectedTokens {
  private timers = new Map<string, { cancel(): void }>();
  /** The kubelet's token cache: what each pod currently holds, per projection. */
  private cache = new Map<string, ProjectedTokenRecord[]>();
  private inflight = new Map<string, Promise<string | undefined>>();

  constructor(
    private e: Engine,
    private issuer: () => TokenIssuer | undefined,
    private nodeUp: (node: string) => boolean,
    private opts: { jitter?: boolean } = {},
  ) {}

  forget(uid: string): void {
    this.cancelTimer(uid);
    this.cache.delete(uid);
  }

  private cancelTimer(uid: string): void {
    this.timers.get(uid)?.cancel();
    this.timers.delete(uid);
  }

  close(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.cache.clear();
  }

  /** Sets up (or re-requests) every projected token of the pod; an error message when a request fails. */
  mount(pod: K8sObject, reason: 'start' | 'restart' | 'adopt' | 'refresh' = 'start'): Promise<string | undefined> {
    const uid = pod.metadata.uid!;
    const running = this.inflight.get(uid);
    if (running) return running;
    // A (re)started kubelet has an empty cache; a periodic resync only replaces tokens that need it.
    if (reason !== 'refresh') this.cache.delete(uid);
    const p = this.doMount(pod).finally(() => this.inflight.delete(uid));
    this.inflight.set(uid, p);
    return p;
  }

  private bucket = SIGNINGS_PER_SECOND;
  private bucketAt = Date.now();

  /** A real-time rate limit on token signing (RS256 costs CPU); callers wait their turn. */
  private async signingSlot(): Promise<void> {
    for (;;) {
      const now = Date.now();
      this.bucket = Math.min(SIGNINGS_PER_SECOND, this.bucket + ((now - this.bucketAt) * SIGNINGS_PER_SECOND) / 1000);
      this.bucketAt = now;
      if (this.bucket >= 1) {
        this.bucket -= 1;
        return;
      }
      await new Promise((r) => setTimeout(r, Math.ceil(1000 / SIGNINGS_PER_SECOND)));
    }
  }

  /**
   * Pods already running when the simulation starts (the seed) held tokens issued before it: their
   * metadata is described as such a token would be (issued by the current issuer some time within
   * the last refresh period, a fresh jti) without signing 100,000 tokens at start; the first
   * renewal issues a real one.
   */
  adopt(pod: K8sObject): void {
    const projections = projectionsOf(pod);
    const iss = this.issuer() as (TokenIssuer & { issuers?: () => string[] }) | undefined;
    if (projections.length === 0 || !iss) return;
    const issuer = iss.issuers?.()[0] ?? 'https://kubernetes.default.svc';
    const nowMs = this.e.clock.nowMs();
    const records: ProjectedTokenRecord[] = projections.map((pr) => {
      const ttl = pr.expirationSeconds * 1000;
      const iat = Math.floor((nowMs - Math.random() * Math.min(0.8 * ttl, MAX_TTL_MS)) / 1000) * 1000;
      const exp = iat + ttl;
      const extended = pr.expirationSeconds === 3607 && !pr.audience;
      return {
        volume: pr.volume,
        path: pr.path,
        audiences: pr.audience ? [pr.audience] : [issuer],
        expirationSeconds: pr.expirationSeconds,
        issuedAt: iso(iat),
        expiresAt: iso(exp),
        jwtExpiresAt: iso(extended ? iat + 31_536_000_000 : exp),
        refreshAt: iso(refreshAtMs(exp, pr.expirationSeconds, this.opts.jitter === false ? 0 : Math.random() * MAX_JITTER_MS)),
        issuer,
        jti: randomUUID(),
      };
    });
    const uid = pod.metadata.uid!;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const value = JSON.stringify(records);
    const written = this.e.store.mutate('pods', ns, name, (o) => {
      if (o.metadata.uid !== uid) return false;
      (o.metadata.annotations ??= {})[PROJECTED_TOKENS_ANNOTATION] = value;
    });
    if (!written || written.metadata.uid !== uid) return;
    this.cache.set(uid, records);
    this.cancelTimer(uid);
    this.timers.set(uid, this.e.q.at(Math.min(...records.map((r) => Date.parse(r.refreshAt))), () => this.refresh(ns, name, uid)));
  }

  private async doMount(pod: K8sObject): Promise<string | undefined> {
    const projections = projectionsOf(pod);
    const iss = this.issuer();
    if (projections.length === 0 || !iss) return undefined;
    const ns = pod.metadata.namespace!;
    const name = pod.metadata.name!;
    const uid = pod.metadata.uid!;
    const sa = ((pod.spec as AnyObj).serviceAccountName as string | undefined) || 'default';
    const records: ProjectedTokenRecord[] = [];
    const cached = this.cache.get(uid) ?? [];
    const nowMs = this.e.clock.nowMs();
    for (const pr of projections) {
      const have = cached.find((c) => c.volume === pr.volume && c.path === pr.path);
      if (have && Date.parse(have.refreshAt) > nowMs && Date.parse(have.issuedAt) <= nowMs) {
        records.push(have);
        continue;
      }
      let r: Awaited<ReturnType<TokenIssuer['requestToken']>>;
      await this.signingSlot();
      try {
        r = await iss.requestToken(ns, sa, {
          apiVersion: 'authentication.k8s.io/v1',
          kind: 'TokenRequest',
          spec: { ...(pr.audience ? { audiences: [pr.audience] } : {}), expirationSeconds: pr.expirationSeconds, boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name, uid } },
        });
      } catch (err) {
        const msg = err instanceof Error ? err.message : String(err);
        return `MountVolume.SetUp failed for volume "${pr.volume}" : failed to fetch token: ${msg}`;
      }
      const expMs = Date.parse(r.object.status.expirationTimestamp);
      const jitter = this.opts.jitter === false ? 0 : Math.random() * MAX_JITTER_MS;
      records.push({
        volume: pr.volume,
        path: pr.path,
        audiences: r.object.spec.audiences,
        expirationSeconds: r.object.spec.expirationSeconds,
        issuedAt: iso(r.claims.iat * 1000),
        expiresAt: r.object.status.expirationTimestamp,
        jwtExpiresAt: iso(r.claims.exp * 1000),
        refreshAt: iso(refreshAtMs(expMs, r.object.spec.expirationSeconds, jitter)),
        issuer: r.claims.iss,
        jti: r.claims.jti ?? '',
      });
    }
    const value = JSON.stringify(records);
    const written = this.e.store.mutate('pods', ns, name, (o) => {
      if (o.metadata.uid !== uid || o.metadata.annotations?.[PROJECTED_TOKENS_ANNOTATION] === value) return false;
      (o.metadata.annotations ??= {})[PROJECTED_TOKENS_ANNOTATION] = value;
    });
    if (!written || written.metadata.uid !== uid) return undefined;
    this.cache.set(uid, records);
    const next = Math.min(...records.map((r) => Date.parse(r.refreshAt)));
    this.cancelTimer(uid);
    this.timers.set(uid, this.e.q.at(next, () => this.refresh(ns, name, uid)));
    return undefined;
  }

  private refresh(ns: string, name: string, uid: string): void {
    this.timers.delete(uid);
    const pod = this.e.store.peek('pods', ns, name) as K8sObject | undefined;
    if (!pod || pod.metadata.uid !== uid) return;
    const node = (pod.spec as AnyObj).nodeName as string | undefined;
    const phase = (pod.status as AnyObj)?.phase;
    if (phase === 'Succeeded' || phase === 'Failed') return;
    if (!node || !this.nodeUp(node)) {
      // The kubelet is down: the token is renewed once it runs again (it re-requests every token at start).
      return;
    }
    void this.mount(pod, 'refresh').then((err) => {
      if (err) this.timers.set(uid, this.e.q.after(10_000, () => this.refresh(ns, name, uid)));
    });
  }
}
