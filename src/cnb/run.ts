// Runs a phase function and turns its outcome into output and a CNB exit code:
// detect pass 0 / fail 100 / error 1; build success 0 / error 1. A user-facing error is one
// formatted message (stack only with debug on); anything else is an internal error.

import { BuildpackError, isBuildpackError } from '../errors.js';
import { formatError, formatStack } from '../log.js';
import { printable } from '../printable.js';

export const ExitCode = { Pass: 0, Fail: 100, Error: 1 } as const;

export interface RunOptions {
  debug: boolean;
  color: boolean;
  writeErr?: (text: string) => void;
}

export async function runPhase(phase: () => Promise<number>, options: RunOptions): Promise<number> {
  const writeErr = options.writeErr ?? ((text: string) => process.stderr.write(text));
  try {
    return await phase();
  } catch (err) {
    const userError = isBuildpackError(err)
      ? err
      : new BuildpackError('GHA099', `unexpected failure: ${(err as Error)?.message ?? String(err)}`, {
          hint: 'run again with BP_LOG_LEVEL=DEBUG for details, and report it if it persists',
          cause: err,
        });
    writeErr(formatError(userError, options.color) + '\n');
    if (options.debug) {
      writeErr(debugStack(err) + '\n');
      const cause = (err as Error)?.cause;
      if (cause instanceof Error && cause.stack) writeErr(`caused by: ${debugStack(cause)}\n`);
    }
    return ExitCode.Error;
  }
}

/**
 * A stack for debug output. Its first line repeats the message, which may hold names from
 * outside (a file name with a newline): that part is escaped as one line, so it cannot add
 * lines that look like the buildpack's own; the frames below keep their line breaks.
 */
function debugStack(err: unknown): string {
  if (!(err instanceof Error) || !err.stack) return formatStack(printable(String(err)));
  // The header is "<name at construction>: <message>"; the name may differ from err.name now.
  const at = err.message === '' ? -1 : err.stack.indexOf(err.message);
  const stack = at >= 0 && at <= 100 ? err.stack.slice(0, at) + printable(err.message) + err.stack.slice(at + err.message.length) : err.stack;
  return formatStack(stack);
}

/** BP_LOG_LEVEL=DEBUG (the Paketo convention) or GITHUB_ASSETS_DEBUG=1 turns on debug output. */
export function debugEnabled(env: NodeJS.ProcessEnv): boolean {
  return (env.BP_LOG_LEVEL ?? '').toUpperCase() === 'DEBUG' || ['1', 'true'].includes((env.GITHUB_ASSETS_DEBUG ?? '').toLowerCase());
}
