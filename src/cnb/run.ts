// Runs a phase function and turns its outcome into output and a CNB exit code:
// detect pass 0 / fail 100 / error 1; build success 0 / error 1. A user-facing error is one
// formatted message (stack only with debug on); anything else is an internal error.

import { isBuildpackError } from '../errors.js';
import { debugStack, formatError } from '../log.js';
import { unexpectedFailure } from '../errors/catalog.js';

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
    const userError = isBuildpackError(err) ? err : unexpectedFailure(err);
    writeErr(`${formatError(userError, options.color)}\n`);
    if (options.debug) {
      writeErr(`${debugStack(err)}\n`);
      const cause = (err as Error)?.cause;
      if (cause instanceof Error && cause.stack) writeErr(`caused by: ${debugStack(cause)}\n`);
    }
    return ExitCode.Error;
  }
}
