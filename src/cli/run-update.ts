// Runs `github-assets update` for run.ts: reads the descriptor, plans the updates, applies them
// through pin.ts (so the edit is proved by re-parsing), writes FILE unless --dry-run, and prints
// text or JSON. The GitHub client comes from the same environment.github() check and pin use.

import { writeFile } from 'node:fs/promises';
import type { CliCommand } from './args.js';
import { unifiedDiff } from './diff.js';
import { descriptorFilePath, readDescriptorFile } from './file.js';
import { errorJson, errorText, jsonText } from './output.js';
import { applyPlan } from './pin.js';
import type { CliEnvironment, CliIo } from './run.js';
import { planUpdates, type EntryUpdate } from './update.js';
import { noEntries } from '../errors/catalog.js';

export async function runUpdate(command: Extract<CliCommand, { kind: 'update' }>, environment: CliEnvironment, io: CliIo): Promise<number> {
  const file = readDescriptorFile(descriptorFilePath(command.file ?? environment.descriptorPath, environment.cwd), environment.cwd);
  if (file.specs.length === 0) throw noEntries(file.shown, 'update');
  const { updates, plan, errors } = await planUpdates(file.specs, {
    to: command.to,
    pinLatest: command.pinLatest,
    os: command.os,
    arches: command.arches,
    github: environment.github(),
    lookupToken: environment.lookupToken,
    download: environment.download,
  });
  if (errors.length > 0) {
    if (command.json) io.out(jsonText({ error: errorJson(errors[0]!), errors: errors.map(errorJson) }));
    else {
      for (const error of errors) io.err(`${errorText(error, io.color)}\n`);
      io.err(`\nNothing was written: ${errors.length} entr${errors.length === 1 ? 'y' : 'ies'} could not be updated.\n`);
    }
    return 1;
  }
  const edited = applyPlan(file, plan, command.os);
  const changed = edited !== file.text;
  const diff = unifiedDiff(file.text, edited, { fromFile: `a/${file.shown}`, toFile: `b/${file.shown}` });
  if (changed && !command.dryRun) await writeFile(file.path, edited);

  if (command.json) {
    io.out(jsonText({ file: file.shown, changed, written: changed && !command.dryRun, entries: updates, diff }));
    return 0;
  }
  for (const update of updates) io.out(describeUpdate(update));
  const moved = updates.filter((u) => u.status === 'updated').length;
  if (!changed) io.out(`\n${file.shown} is up to date; nothing to change.\n`);
  else if (command.dryRun) io.out(`\n${diff}\n(dry run: ${file.shown} was not changed)\n`);
  else io.out(`\nWrote ${file.shown}: ${moved} entr${moved === 1 ? 'y' : 'ies'} updated.\n`);
  return 0;
}

function describeUpdate(u: EntryUpdate): string {
  const lines: string[] = [];
  if (u.status === 'updated') {
    lines.push(`${u.entry}  ${u.from} -> ${u.to}  (${u.policy})`);
    if (u.keeps !== undefined) lines.push(`  update  "${u.keeps}" written, so the next update stays within it`);
    for (const pin of u.pins ?? []) lines.push(`  ${pin.arch.padEnd(7)} ${pin.asset} sha256:${pin.sha256}`);
  } else {
    lines.push(`${u.entry}  ${u.status === 'skipped' ? 'skipped' : 'up to date'}: ${u.reason ?? ''}`);
  }
  for (const note of u.notes ?? []) lines.push(`  NOTE: ${note}`);
  return `${lines.join('\n')}\n`;
}
