// The command lines equivalent to the form, updated as the form changes.
import { createTokenCommand, type TokenCommandInput } from './commands';
import { CopyButton } from '@/components/ui/copy-button';

export function TokenCommands({ input }: { input: TokenCommandInput }) {
  return (
    <div className="space-y-2" data-testid="token-commands">
      {(['oc', 'kubectl'] as const).map((tool) => {
        const cmd = createTokenCommand(tool, input);
        return (
          <div key={tool} className="flex items-start gap-2">
            <code data-testid={`command-${tool}`} className="min-w-0 flex-1 break-all rounded-md bg-slate-900 px-3 py-2 font-mono text-xs text-slate-100">
              {cmd}
            </code>
            <CopyButton text={cmd} label={`Copy ${tool}`} />
          </div>
        );
      })}
    </div>
  );
}
