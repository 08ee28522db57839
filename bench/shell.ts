// The comparison commands: what a Dockerfile does instead of this buildpack (curl piped into
// tar, sequential or with xargs -P4), the floor (the same work from local files, no network),
// and other installers where one can be pointed at the local API. Each writes <dir>/bin/tool.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type AssetFormat = 'tar.gz' | 'raw';

export interface ShellItem {
  /** A URL for curl, or a local file for the floor. */
  source: string;
  /** Directory that stands for the layer root: the install must produce <dir>/bin/tool. */
  dir: string;
}

export interface ShellCommand {
  cmd: string;
  args: string[];
}

/** One install as a POSIX sh function body over "$1" (source) and "$2" (dir). */
function itemBody(format: AssetFormat, via: 'curl' | 'copy'): string {
  if (format === 'tar.gz') {
    return via === 'curl'
      ? 'mkdir -p "$2" && curl -sSfL "$1" | tar xzf - -C "$2" --strip-components=1'
      : 'mkdir -p "$2" && tar xzf "$1" -C "$2" --strip-components=1';
  }
  return via === 'curl'
    ? 'mkdir -p "$2/bin" && curl -sSfL -o "$2/bin/tool" "$1" && chmod 755 "$2/bin/tool"'
    : 'mkdir -p "$2/bin" && cp "$1" "$2/bin/tool" && chmod 755 "$2/bin/tool"';
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

/**
 * The items one after another, as a Dockerfile RUN line chained with && would (parallel = 1),
 * or through `xargs -P<parallel>` (a sh per item, as people write it).
 */
export function installCommand(format: AssetFormat, via: 'curl' | 'copy', items: ShellItem[], parallel: number, scratch: string): ShellCommand {
  const body = itemBody(format, via);
  if (parallel <= 1) {
    const script = join(scratch, `seq-${via}-${format}.sh`);
    writeFileSync(script, ['set -e', `item() { ${body}; }`, ...items.map((i) => `item ${quote(i.source)} ${quote(i.dir)}`), ''].join('\n'));
    return { cmd: 'sh', args: [script] };
  }
  const list = join(scratch, `par-${via}-${format}.txt`);
  writeFileSync(list, items.map((i) => `${i.source} ${i.dir}\n`).join(''));
  return { cmd: 'sh', args: ['-c', `xargs -P${parallel} -n2 sh -c ${quote(body)} sh < ${quote(list)}`] };
}

/**
 * ubi (crates.io ubi-cli) installs one release asset per call through the GitHub API; it
 * extracts only the executable from an archive. Called once per item, in sequence.
 */
export function ubiCommand(ubi: string, apiUrl: string, items: { repo: string; tag: string; matching: string; dir: string }[], scratch: string): ShellCommand {
  const script = join(scratch, 'ubi.sh');
  const lines = items.map(
    (i) => `${quote(ubi)} --project ${quote(i.repo)} --tag ${quote(i.tag)} --matching ${quote(i.matching)} --exe tool --in ${quote(join(i.dir, 'bin'))} --api-base-url ${quote(apiUrl)}`,
  );
  writeFileSync(script, ['set -e', ...lines, ''].join('\n'));
  return { cmd: 'sh', args: [script] };
}
