// Runs `github-assets update` for run.ts: reads the descriptor, plans the updates, applies them
// through pin.ts (so the edit is proved by re-parsing), writes FILE unless --dry-run, and prints
// text or JSON. The GitHub client comes from the same environment.github() check and pin use.

import type { CliCommand } from './args.js';
import { descriptorFilePath, readDescriptorFile } from './file.js';
import { jsonText } from './output.js';
import type { CliEnvironment, CliIo } from './run.js';
import { planUpdates, type EntryUpdate } from './update.js';
import { reportNothingWritten, writePlan } from './write-plan.js';
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
    reportNothingWritten(errors, 'updated', command.json, io);
    return 1;
  }
  const { changed, written, diff } = await writePlan(file, plan, command);

  if (command.json) {
    io.out(jsonText({ file: file.shown, changed, written, entries: updates, diff }));
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
