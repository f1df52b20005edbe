// Shown while /issuer reads the cluster (the Authentication object, the operator status and the
// discovery documents).
export default function IssuerLoading() {
  return (
    <div className="space-y-4" aria-busy="true" aria-live="polite">
      <h1 className="text-2xl font-semibold tracking-tight">Service account issuer</h1>
      <p className="text-sm text-slate-600">Reading the issuer from the cluster…</p>
      <div className="grid gap-6 lg:grid-cols-2">
        <div className="h-40 animate-pulse rounded-lg bg-slate-200" />
        <div className="h-40 animate-pulse rounded-lg bg-slate-200" />
      </div>
    </div>
  );
}
