// The `oc create token` / `kubectl create token` command line equivalent to the request form,
// quoted for a POSIX shell. Flags as create_token.go defines them: repeatable --audience,
// --duration in seconds, --bound-object-kind/--bound-object-name.
export interface TokenCommandInput {
  namespace: string;
  serviceAccount: string;
  audiences: string[];
  expirationSeconds: number | null;
  boundObject?: { kind: 'Pod' | 'Secret' | 'Node'; name: string } | undefined;
}

/** Single-quotes an argument when the shell would otherwise split or expand it. */
export function shellQuote(arg: string): string {
  if (arg === '') return "''";
  return /^[A-Za-z0-9_./:=@%+,-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function createTokenCommand(tool: 'oc' | 'kubectl', input: TokenCommandInput): string {
  const args: string[] = [tool, 'create', 'token', input.serviceAccount || '<service-account>', '-n', input.namespace || '<namespace>'];
  for (const a of input.audiences) args.push('--audience', a);
  // kubectl sends no expirationSeconds without --duration; the server then uses its default (3600 s).
  if (input.expirationSeconds !== null && Number.isFinite(input.expirationSeconds) && input.expirationSeconds > 0) {
    args.push('--duration', `${Math.trunc(input.expirationSeconds)}s`);
  }
  if (input.boundObject && input.boundObject.name) {
    args.push('--bound-object-kind', input.boundObject.kind, '--bound-object-name', input.boundObject.name);
  }
  return args.map((a, i) => (i < 3 || a.startsWith('<') ? a : shellQuote(a))).join(' ');
}
