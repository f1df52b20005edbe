// Next's start-up hook. In the Node.js runtime it starts the restart workflow engine at once
// (instrumentation-node.ts) so a dashboard restarted in the middle of a workflow resumes it without
// waiting for a page view. The Edge runtime gets nothing (the engine needs Node).
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME === 'nodejs') {
    const { startWorkflowEngine } = await import('./instrumentation-node');
    await startWorkflowEngine();
  }
}
