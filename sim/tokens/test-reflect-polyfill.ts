// TEMPORARY test shim: @peculiar/x509 (used by sim/certs.ts) loads tsyringe, which throws unless a
// Reflect metadata polyfill is present. Until sim/certs.ts provides one, this minimal shim lets the
// integration test start the demo cluster. Harmless when a real polyfill is already loaded.
const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  const store = new WeakMap<object, Map<unknown, unknown>>();
  const bag = (t: object) => {
    let m = store.get(t);
    if (!m) store.set(t, (m = new Map()));
    return m;
  };
  R.defineMetadata = (k: unknown, v: unknown, t: object) => void bag(t).set(k, v);
  R.getOwnMetadata = (k: unknown, t: object) => store.get(t)?.get(k);
  R.getMetadata = (k: unknown, t: object): unknown => {
    for (let o: object | null = t; o; o = Object.getPrototypeOf(o)) {
      const v = store.get(o)?.get(k);
      if (v !== undefined) return v;
    }
    return undefined;
  };
  R.metadata = (k: unknown, v: unknown) => (t: object) => void bag(t).set(k, v);
}
export {};
