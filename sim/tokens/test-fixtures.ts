// Shared test fixtures for the token module: the reference vectors on disk and a tiny in-memory
// object getter, so the pure token logic can be tested without a running demo cluster.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ObjLike, TokenObjectGetter } from './issue';

// shared/ sits beside the repository, on developers' machines and in CI alike.
export const VECTORS = process.env.BTD_VECTORS_DIR ?? fileURLToPath(new URL('../../../shared/reference/vectors', import.meta.url));

export function vector(rel: string): string {
  return readFileSync(join(VECTORS, rel), 'utf8');
}

/** A vector file without its trailing newline (the files are saved with one). */
export function vectorTrimmed(rel: string): string {
  return vector(rel).replace(/\n$/, '');
}

export function decodeSegment(seg: string): string {
  return Buffer.from(seg, 'base64url').toString('utf8');
}

export class MemObjects implements TokenObjectGetter {
  private readonly objs = new Map<string, ObjLike>();
  private key(kind: string, ns: string, name: string): string {
    return `${kind}/${ns}/${name}`;
  }
  put(kind: 'sa' | 'pod' | 'secret' | 'node', obj: ObjLike): this {
    this.objs.set(this.key(kind, obj.metadata.namespace ?? '', obj.metadata.name ?? ''), obj);
    return this;
  }
  remove(kind: 'sa' | 'pod' | 'secret' | 'node', ns: string, name: string): void {
    this.objs.delete(this.key(kind, ns, name));
  }
  serviceAccount(ns: string, name: string) {
    return this.objs.get(this.key('sa', ns, name));
  }
  pod(ns: string, name: string) {
    return this.objs.get(this.key('pod', ns, name));
  }
  secret(ns: string, name: string) {
    return this.objs.get(this.key('secret', ns, name));
  }
  node(name: string) {
    return this.objs.get(this.key('node', '', name));
  }
}
