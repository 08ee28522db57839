// What the build log says about entries and the whole build: an entry's header, a short list
// of installed files, the counts summed over layers, and the closing summary. Log output only.

import type { Logger } from '../../log.js';
import { entryLabel } from '../../model.js';
import type { EntryRecord, ResolvedEntry } from '../../layers/reuse.js';
import { formatBytes, formatDuration } from '../../util/format.js';
import type { EntryCounts } from './services.js';

export const NO_COUNTS: EntryCounts = { downloaded: 0, downloadedBytes: 0, reused: 0 };

/** Counts of layers built side by side, added up once they are all done. */
export function sumCounts(counts: EntryCounts[]): EntryCounts {
  return counts.reduce(
    (sum, c) => ({
      downloaded: sum.downloaded + c.downloaded,
      downloadedBytes: sum.downloadedBytes + c.downloadedBytes,
      reused: sum.reused + c.reused,
    }),
    NO_COUNTS,
  );
}

export function logEntryHeader(log: Logger, entry: ResolvedEntry): void {
  log.section(`${entryLabel(entry.spec)}`);
  const how = entry.spec.tag === entry.release.tag ? '' : ` (from tag = "${entry.spec.tag}")`;
  log.detail(`Release   ${entry.release.tag}${how}`);
  log.detail(`Asset     ${entry.asset.name} (${formatBytes(entry.asset.size)})`);
  // Automatic picks say which rule decided, so a surprising pick is explained where it shows.
  if (entry.selection?.rule.startsWith('auto:')) log.detail(`Picked    automatically: ${entry.selection.reason}`);
  // The libc policy in force, also when another rule decided (a rule 'auto:libc' reason already names it).
  if (entry.selection?.libcPolicy && entry.selection.rule !== 'auto:libc') log.detail(`Policy    libc: ${entry.selection.libcPolicy}`);
}

export function logReused(log: Logger, entry: ResolvedEntry, record: EntryRecord): void {
  logEntryHeader(log, entry);
  log.detail(`Reused    ${record.asset} ${record.tag} from the previous build (unchanged, nothing downloaded)`);
}

export function summariseFiles(files: string[]): string {
  if (files.length <= 3) return files.join(', ') || '(no files)';
  return `${files.slice(0, 3).join(', ')} and ${files.length - 3} more`;
}

export interface BuildSummary {
  executables: string[];
  counts: EntryCounts;
  assets: number;
  layers: number;
  elapsedMs: number;
}

export function logSummary(log: Logger, summary: BuildSummary): void {
  const { executables, counts } = summary;
  log.info('');
  if (executables.length > 0) {
    log.info('Installed executables (use these absolute paths in exec probes):');
    for (const exe of executables) log.detail(exe);
  }
  const parts = [
    ...(counts.downloaded ? [`${counts.downloaded} downloaded (${formatBytes(counts.downloadedBytes)})`] : []),
    ...(counts.reused ? [`${counts.reused} reused from the previous build`] : []),
  ];
  const count = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  log.info(
    `Done in ${formatDuration(summary.elapsedMs)}: ` +
      `${count(summary.assets, 'asset')} in ${count(summary.layers, 'layer')}; ${parts.join(', ')}.`,
  );
}
