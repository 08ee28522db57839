// Pure: the command line of `github-assets` (argv -> a command to run) and its help texts.
// It knows the commands and options, not what they do; usage mistakes become GHA060 errors
// that name the option and point at --help.

import { parseArgs } from 'node:util';
import type { Target } from '../model.js';
import { canonicalArch } from '../platform.js';
import { isUpdateLevel, UPDATE_LEVELS, type UpdateLevel } from '../select/update-policy.js';
import { usageProblem } from '../errors/catalog.js';

const DEFAULT_PIN_ARCHES = ['amd64', 'arm64'];

export type CliCommand =
  | { kind: 'help'; topic: 'main' | 'check' | 'pin' | 'update'; json: boolean }
  | { kind: 'version'; json: boolean }
  | { kind: 'check'; file: string | undefined; offline: boolean; target: Target; json: boolean }
  | { kind: 'pin'; file: string | undefined; dryRun: boolean; os: string; arches: string[]; json: boolean; signer?: boolean }
  | {
      kind: 'update';
      file: string | undefined;
      dryRun: boolean;
      to: UpdateLevel;
      pinLatest: boolean;
      os: string;
      arches: string[];
      json: boolean;
    };

export const MAIN_HELP = `Usage: github-assets <command> [options]

Validates, pins and updates the [[metadata.githubassets]] entries of a project.toml, outside a build.

Commands:
  check [FILE]   validate every entry and resolve its release and asset on GitHub
  pin [FILE]     write exact tags and the sha256 of every asset into FILE
  update [FILE]  move each entry to the newest release its policy allows, with fresh sha256 pins
  help [COMMAND] show help for a command

Options:
  --json         machine-readable output (results and errors) on stdout
  --version      print the version
  -h, --help     show this help

FILE defaults to $GITHUB_ASSETS_PATH, else ./project.toml; a directory means its project.toml.
Tokens: an entry's token_env variable, else GITHUB_TOKEN. GITHUB_API_URL selects GitHub
Enterprise Server (https://HOST/api/v3). Errors are explained in docs/errors.md (GHAxxx).
`;

export const CHECK_HELP = `Usage: github-assets check [FILE] [--offline] [--arch ARCH] [--os OS] [--json]

Validates every entry, then (unless --offline) resolves its release and asset on GitHub as a
build for the target would, and prints a table: entry, repo, resolved tag, asset, size,
sha256 (GitHub's digest or the pinned value), and where the files land in the image.

Options:
  --offline      only validate the file; no network
  --arch ARCH    target architecture: amd64 or arm64 (default: this machine's)
  --os OS        target OS (default: linux)
  --json         print {"ok", "file", "target", "entries": [...]} on stdout

Exit status: 0 when every entry is fine, 1 when any is not (each error is printed with its
code, the entry and a hint), 2 for a usage error.
`;

export const PIN_HELP = `Usage: github-assets pin [FILE] [--dry-run] [--arch ARCH[,ARCH]] [--json]

Resolves each entry's tag ("latest", a range) to the exact release tag and records the
sha256 of its asset for every architecture, editing only the tag and sha256 lines of FILE
(comments, order and formatting are kept). The hash is GitHub's asset digest when the API
has one; otherwise the asset is downloaded and hashed (and compared with the release's
checksums file when there is one). When all architectures get the same asset, sha256 goes
into the entry; when they differ, into [metadata.githubassets.arch.<arch>] tables.

Options:
  --dry-run      print the change as a unified diff; do not write FILE
  --signer       also verify each asset's GitHub attestation and write the workflow that
                 signed it as signer_workflow (within any signer_repo already set)
  --arch LIST    architectures to pin, comma-separated or repeated (default: amd64,arm64;
                 an entry whose asset is left out is pinned for its arch tables only)
  --os OS        target OS (default: linux)
  --json         print {"file", "changed", "written", "entries": [...], "diff"} on stdout

Exit status: 0 on success (also when nothing changed), 1 on any error, 2 for a usage error.
`;

export const UPDATE_HELP = `Usage: github-assets update [FILE] [--to patch|minor|latest] [--pin-latest] [--dry-run] [--arch ARCH[,ARCH]] [--json]

Moves each entry to the newest release its policy allows and writes the new exact tag together
with fresh sha256 pins for every architecture (as pin does: only tag, sha256 and update lines
change; comments and layout are kept). Each repository's release list is fetched once.

Which release an entry may move to:
  update = false          never (the entry is skipped)
  update = "~1.4"         the newest release in that semver range
  update = "patch"|"minor"|"latest", else --to:
                          patch: same major.minor; minor: same major; latest: any newer release
  tag = "~1.4" (a range)  the newest release in the range; the tag becomes exact and the range
                          is kept as update = "~1.4", so later updates stay inside it
  tag = "latest"          skipped (the build already follows new releases), unless --pin-latest:
                          then the newest release, with update = "latest" written next to it
An entry never moves to an older release; prereleases only with prerelease = true (or when the
current tag is one).

Options:
  --to LEVEL     policy for exact tags without an update key: patch, minor (default) or latest
  --pin-latest   also pin tag = "latest" entries to the newest exact tag
  --dry-run      print the change as a unified diff; do not write FILE
  --arch LIST    architectures to pin, comma-separated or repeated (default: amd64,arm64)
  --os OS        target OS (default: linux)
  --json         print {"file", "changed", "written", "entries": [{"from", "to", "status", ...}], "diff"}

Exit status: 0 on success (also when everything is up to date), 1 on any error (nothing is
written), 2 for a usage error.
`;

/** `--json` anywhere on the command line, so even a usage error can be reported as JSON. */
export function wantsJson(argv: string[]): boolean {
  return argv.includes('--json');
}

export function parseCommandLine(argv: string[], hostTarget: Target): CliCommand {
  const json = wantsJson(argv);
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help') return { kind: 'help', topic: 'main', json };
  if (first === '--version' || first === '-v') return { kind: 'version', json };
  if (first === 'help') {
    const topic = rest[0];
    if (topic === undefined) return { kind: 'help', topic: 'main', json };
    if (topic === 'check' || topic === 'pin' || topic === 'update') return { kind: 'help', topic, json };
    throw usageProblem({ kind: 'unknown-help-topic', topic });
  }
  if (first === 'check') return parseCheck(rest, hostTarget, json);
  if (first === 'pin') return parsePin(rest, json);
  if (first === 'update') return parseUpdate(rest, json);
  if (first.startsWith('-')) throw usageProblem({ kind: 'unknown-option', option: first });
  throw usageProblem({ kind: 'unknown-command', command: first });
}

function parseCheck(args: string[], hostTarget: Target, json: boolean): CliCommand {
  const { values, positionals } = parse('check', args, {
    offline: { type: 'boolean' },
    arch: { type: 'string' },
    os: { type: 'string' },
  });
  if (values.help) return { kind: 'help', topic: 'check', json };
  const arch = values.arch === undefined ? hostTarget.arch : archOption(String(values.arch), 'check');
  return {
    kind: 'check',
    file: onePositional(positionals, 'check'),
    offline: Boolean(values.offline),
    target: { os: osOption(values.os, 'check') ?? 'linux', arch },
    json,
  };
}

function parsePin(args: string[], json: boolean): CliCommand {
  const { values, positionals } = parse('pin', args, {
    'dry-run': { type: 'boolean' },
    signer: { type: 'boolean' },
    arch: { type: 'string', multiple: true },
    os: { type: 'string' },
  });
  if (values.help) return { kind: 'help', topic: 'pin', json };
  const listed = (values.arch as string[] | undefined)
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  const arches = listed && listed.length > 0 ? [...new Set(listed.map((a) => archOption(a, 'pin')))] : DEFAULT_PIN_ARCHES;
  return {
    kind: 'pin',
    file: onePositional(positionals, 'pin'),
    dryRun: Boolean(values['dry-run']),
    os: osOption(values.os, 'pin') ?? 'linux',
    arches,
    json,
    ...(values.signer ? { signer: true } : {}),
  };
}

function parseUpdate(args: string[], json: boolean): CliCommand {
  const { values, positionals } = parse('update', args, {
    'dry-run': { type: 'boolean' },
    'pin-latest': { type: 'boolean' },
    to: { type: 'string' },
    arch: { type: 'string', multiple: true },
    os: { type: 'string' },
  });
  if (values.help) return { kind: 'help', topic: 'update', json };
  const to = values.to === undefined ? 'minor' : String(values.to).trim().toLowerCase();
  if (!isUpdateLevel(to)) throw usageProblem({ kind: 'update-level', value: String(values.to), levels: UPDATE_LEVELS });
  return {
    kind: 'update',
    file: onePositional(positionals, 'update'),
    dryRun: Boolean(values['dry-run']),
    to,
    pinLatest: Boolean(values['pin-latest']),
    os: osOption(values.os, 'update') ?? 'linux',
    arches: archList(values.arch, 'update'),
    json,
  };
}

function archList(value: unknown, command: string): string[] {
  const listed = (value as string[] | undefined)
    ?.flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  return listed && listed.length > 0 ? [...new Set(listed.map((a) => archOption(a, command)))] : DEFAULT_PIN_ARCHES;
}

type OptionSpec = Record<string, { type: 'boolean' | 'string'; multiple?: boolean }>;

type OptionValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

function parse(command: string, args: string[], options: OptionSpec): { values: OptionValues; positionals: string[] } {
  try {
    return parseArgs({
      args,
      options: { ...options, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    const message = (err as Error).message.replace(/\. To specify a positional argument.*$/s, '').replace(/\.$/, '');
    throw usageProblem({ kind: 'arguments', command, parserSays: message });
  }
}

function onePositional(positionals: string[], command: string): string | undefined {
  if (positionals.length > 1) throw usageProblem({ kind: 'files', command, positionals });
  return positionals[0];
}

function archOption(value: string, command: string): string {
  const arch = canonicalArch(value);
  if (!arch) throw usageProblem({ kind: 'arch', command, value });
  return arch;
}

function osOption(value: unknown, command: string): string | undefined {
  if (value === undefined) return undefined;
  const os = String(value).trim().toLowerCase();
  if (!/^[a-z0-9]+$/.test(os)) throw usageProblem({ kind: 'os', command, value: String(value) });
  return os;
}
