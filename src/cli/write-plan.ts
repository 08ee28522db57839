// The common end of `pin` and `update`: entries that could not be planned are reported and nothing
// is written; otherwise the plan is applied to the descriptor's text (pin.ts proves the edit),
// diffed, and written unless --dry-run. It plans nothing and prints no summary of its own.

import { writeFile } from 'node:fs/promises';
import type { BuildpackError } from '../errors.js';
import { unifiedDiff } from './diff.js';
import type { DescriptorFile } from './file.js';
import { errorJson, errorText, jsonText } from './output.js';
import { applyPlan, type PinPlan } from './pin.js';
import type { CliIo } from './run.js';

/** Prints why entries could not be `done` (JSON: the first error and all of them), saying nothing was written. */
export function reportNothingWritten(errors: BuildpackError[], done: 'pinned' | 'updated', json: boolean, io: CliIo): void {
  if (json) {
    io.out(jsonText({ error: errorJson(errors[0]!), errors: errors.map(errorJson) }));
    return;
  }
  for (const error of errors) io.err(`${errorText(error, io.color)}\n`);
  io.err(`\nNothing was written: ${errors.length} entr${errors.length === 1 ? 'y' : 'ies'} could not be ${done}.\n`);
}

/** Applies the plan to the file's text and writes it back unless `dryRun`; the diff shows the change. */
export async function writePlan(
  file: DescriptorFile,
  plan: PinPlan,
  options: { os: string; dryRun: boolean },
): Promise<{ changed: boolean; written: boolean; diff: string }> {
  const edited = applyPlan(file, plan, options.os);
  const changed = edited !== file.text;
  const diff = unifiedDiff(file.text, edited, { fromFile: `a/${file.shown}`, toFile: `b/${file.shown}` });
  const written = changed && !options.dryRun;
  if (written) await writeFile(file.path, edited);
  return { changed, written, diff };
}
