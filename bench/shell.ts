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
export function installCommand(
  items: ShellItem[],
  { format, via, parallel, scratch }: { format: AssetFormat; via: 'curl' | 'copy'; parallel: number; scratch: string },
): ShellCommand {
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
 * ubi (crates.io ubi-cli) installs one release asset per call through the GitHub API
 * (--api-base-url points it at the stand-in). Archives are unpacked whole with --extract-all
 * (which drops the shared top-level dir, like strip_components = 1); a raw asset is saved as
 * bin/tool. Called once per item, in sequence: ubi has no multi-asset mode.
 */
export function ubiCommand(
  items: { repo: string; tag: string; asset: string; dir: string }[],
  { ubi, apiUrl, format, scratch }: { ubi: string; apiUrl: string; format: AssetFormat; scratch: string },
): ShellCommand {
  const script = join(scratch, 'ubi.sh');
  const lines = items.map((i) => {
    const pick = `--matching-regex ${quote(`^${i.asset.replaceAll('.', '\\.')}$`)}`;
    const place = format === 'tar.gz' ? `--extract-all --in ${quote(i.dir)}` : `--rename-exe tool --in ${quote(join(i.dir, 'bin'))}`;
    return `${quote(ubi)} --quiet --project ${quote(i.repo)} --tag ${quote(i.tag)} ${pick} ${place} --api-base-url ${quote(apiUrl)}`;
  });
  writeFileSync(script, ['set -e', ...lines, ''].join('\n'));
  return { cmd: 'sh', args: [script] };
}
