// The Node.js half of instrumentation.ts: create the workflow engine (which resumes a stored running
// workflow whose runner is gone) and hand its Lease back on SIGTERM so another replica takes over at
// once. A cluster that is down or not configured must never stop the server from starting.
export async function startWorkflowEngine(): Promise<void> {
  try {
    const { getWorkflowEngine } = await import('@/lib/workflows');
    const engine = await getWorkflowEngine();
    process.once('SIGTERM', () => {
      void engine.dispose().catch(() => {});
    });
  } catch (err) {
    console.warn(`[workflows] not started at boot (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); the first restart page or API call starts it`);
  }
}
