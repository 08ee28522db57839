// Decides whether the running Node.js is older than the one the bundles are built for, and
// words the one-line refusal. Pure: no process, no I/O. Bundled into lib/node-guard.cjs for
// Node 12 syntax, and run before every bundle a PATH node starts: nothing a Node 12 lacks (no
// node: imports), and no regular expressions (compiling them cost more than all the rest).

/** Major, minor and patch of `x.y.z` (digits only), or undefined. */
function release(core: string): number[] | undefined {
  const parts = core.split('.');
  if (parts.length !== 3) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    if (part === '') return undefined;
    for (let i = 0; i < part.length; i++) {
      const c = part.charCodeAt(i);
      if (c < 48 || c > 57) return undefined;
    }
    numbers.push(Number(part));
  }
  return numbers;
}

/** True when `found` (a Node.js version, `process.versions.node`) sorts before the release
 *  `need` in semver order: a prerelease of `need` itself (26.10.0-pre) is older, and a version
 *  that does not parse counts as older, since nothing about it can be trusted. */
export function olderThan(found: string, need: string): boolean {
  const n = release(need);
  if (!n) throw new Error(`not a release version: ${need}`);
  const v = found.charAt(0) === 'v' ? found.slice(1) : found;
  const plus = v.indexOf('+');
  const withoutBuild = plus < 0 ? v : v.slice(0, plus);
  const dash = withoutBuild.indexOf('-');
  const f = release(dash < 0 ? withoutBuild : withoutBuild.slice(0, dash));
  if (!f) return true;
  for (let i = 0; i < 3; i++) {
    if (f[i] !== n[i]) return f[i]! < n[i]!;
  }
  return dash >= 0;
}

/** The refusal for `execPath` running `found` when `need` is required, or undefined when it
 *  is new enough. `main` (the script node was asked to run) picks the advice: the CLI (lib/cli.mjs)
 *  is run on the user's own node, the detect and build bundles come with their own runtime. */
export function refusal(found: string, execPath: string, need: string, main: string | undefined): string | undefined {
  if (!olderThan(found, need)) return undefined;
  const cli = main !== undefined && (main === 'cli.mjs' || main.endsWith('/cli.mjs'));
  const advice = cli
    ? `the version the github-assets CLI is built for; install Node.js >= ${need} (https://nodejs.org) and put it first on PATH`
    : `the version this buildpack is built for; the packaged buildpack ships its own Node.js ${need} (npm run package), or put Node.js >= ${need} first on PATH`;
  return `github-assets: Node.js ${found || 'of unknown version'} at ${execPath} is older than ${need}, ${advice}`;
}
