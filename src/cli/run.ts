// Runs one `github-assets` command: parses the command line, loads the descriptor, calls
// check or pin with the services it is given, writes text or JSON, and returns the exit
// status (0 ok, 1 problems found, 2 usage). Services and output streams are injected.

import { isUsageError } from '../errors.js';
import type { Target } from '../model.js';
import type { ReleaseSource } from '../github/resolve.js';
import type { TokenLookup } from '../github/credentials.js';
import { CHECK_HELP, MAIN_HELP, parseCommandLine, PIN_HELP, UPDATE_HELP, wantsJson, type CliCommand } from './args.js';
import type { DownloadFn } from './asset-hash.js';
import { checkEntries, renderCheckTable } from './check.js';
import { descriptorFilePath, readDescriptorFile } from './file.js';
import { debugStack } from '../log.js';
import { errorJson, errorText, jsonText, toBuildpackError } from './output.js';
import { planPins, type EntryPin } from './pin.js';
import { redact } from '../util/secrets.js';
import { runUpdate } from './run-update.js';
import { reportNothingWritten, writePlan } from './write-plan.js';
import type { ProvenanceChecker } from '../verify/provenance.js';
import { noEntries } from '../errors/catalog.js';

const CliExit = { Ok: 0, Problems: 1, Usage: 2 } as const;

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  color: boolean;
}

export interface CliEnvironment {
  argv: string[];
  /** GITHUB_ASSETS_PATH (settings.ts Settings.descriptorPath), read only when no file is given. */
  readonly descriptorPath: string | undefined;
  cwd: string;
  version: string;
  hostTarget: Target;
  /** `/layers/<escaped buildpack id>`. */
  layersRoot: string;
  /** BP_LOG_LEVEL=DEBUG: stack traces after errors. */
  debug: boolean;
  strict: boolean;
  /** Created lazily: `--help`, `--version` and `check --offline` never build a client. */
  github(): ReleaseSource;
  lookupToken: TokenLookup;
  download: DownloadFn;
  /** Attestation checks for check and pin --signer; created lazily, absent means none. */
  provenance?(): ProvenanceChecker;
}

export async function runCli(environment: CliEnvironment, rawIo: CliIo): Promise<number> {
  // Tokens are never put into output on purpose; this is the safety net.
  const io: CliIo = { out: (t) => rawIo.out(redact(t)), err: (t) => rawIo.err(redact(t)), color: rawIo.color };
  const json = wantsJson(environment.argv);
  try {
    const command = parseCommandLine(environment.argv, environment.hostTarget);
    return await runCommand(command, environment, io);
  } catch (err) {
    const error = toBuildpackError(err);
    if (json) io.out(jsonText({ error: errorJson(error) }));
    else io.err(`${errorText(error, io.color)}\n`);
    if (environment.debug) {
      io.err(`${debugStack(err)}\n`);
      const cause = (err as Error)?.cause;
      if (cause instanceof Error && cause.stack) io.err(`caused by: ${debugStack(cause)}\n`);
    }
    return isUsageError(error) ? CliExit.Usage : CliExit.Problems;
  }
}

async function runCommand(command: CliCommand, environment: CliEnvironment, io: CliIo): Promise<number> {
  switch (command.kind) {
    case 'help':
      io.out(
        command.topic === 'check' ? CHECK_HELP : command.topic === 'pin' ? PIN_HELP : command.topic === 'update' ? UPDATE_HELP : MAIN_HELP,
      );
      return CliExit.Ok;
    case 'version':
      io.out(command.json ? jsonText({ version: environment.version }) : `github-assets ${environment.version}\n`);
      return CliExit.Ok;
    case 'check':
      return runCheck(command, environment, io);
    case 'pin':
      return runPin(command, environment, io);
    case 'update':
      return runUpdate(command, environment, io);
  }
}

async function runCheck(command: Extract<CliCommand, { kind: 'check' }>, environment: CliEnvironment, io: CliIo): Promise<number> {
  const file = readDescriptorFile(descriptorFilePath(command.file ?? environment.descriptorPath, environment.cwd), environment.cwd);
  const { report, errors } = await checkEntries(file.shown, file.specs, {
    target: command.target,
    offline: command.offline,
    strict: environment.strict,
    layersRoot: environment.layersRoot,
    github: command.offline ? unusedGitHub : environment.github(),
    lookupToken: environment.lookupToken,
    ...(!command.offline && environment.provenance ? { provenance: environment.provenance() } : {}),
  });
  if (command.json) {
    io.out(jsonText(report));
    return report.ok ? CliExit.Ok : CliExit.Problems;
  }
  if (file.specs.length === 0) {
    io.out(`${file.shown}: no [[metadata.githubassets]] entries; a build would install nothing.\n`);
    return CliExit.Ok;
  }
  const where = command.offline ? 'validated offline' : `resolved for ${command.target.os}/${command.target.arch}`;
  io.out(`${file.shown}: ${file.specs.length} entr${file.specs.length === 1 ? 'y' : 'ies'} ${where}\n\n`);
  io.out(renderCheckTable(report));
  for (const error of errors) io.err(`\n${errorText(error, io.color)}\n`);
  io.out(
    report.ok
      ? `\nOK: every entry ${command.offline ? 'is valid' : 'resolves'}.\n`
      : `\n${errors.length} of ${file.specs.length} entries have problems.\n`,
  );
  return report.ok ? CliExit.Ok : CliExit.Problems;
}

async function runPin(command: Extract<CliCommand, { kind: 'pin' }>, environment: CliEnvironment, io: CliIo): Promise<number> {
  const file = readDescriptorFile(descriptorFilePath(command.file ?? environment.descriptorPath, environment.cwd), environment.cwd);
  if (file.specs.length === 0) throw noEntries(file.shown, 'pin');
  const { plan, errors } = await planPins(file.specs, {
    os: command.os,
    arches: command.arches,
    github: environment.github(),
    lookupToken: environment.lookupToken,
    download: environment.download,
    ...(command.signer && environment.provenance ? { signer: environment.provenance() } : {}),
  });
  if (errors.length > 0) {
    reportNothingWritten(errors, 'pinned', command.json, io);
    return CliExit.Problems;
  }
  const { changed, written, diff } = await writePlan(file, plan, command);

  if (command.json) {
    io.out(jsonText({ file: file.shown, changed, written, entries: plan.entries, diff }));
    return CliExit.Ok;
  }
  for (const entry of plan.entries) io.out(describePin(entry));
  if (!changed) io.out(`\n${file.shown} is already pinned; nothing to change.\n`);
  else if (command.dryRun) io.out(`\n${diff}\n(dry run: ${file.shown} was not changed)\n`);
  else io.out(`\nWrote ${file.shown}.\n`);
  return CliExit.Ok;
}

function describePin(entry: EntryPin): string {
  const lines = [`${entry.entry}`];
  lines.push(`  tag     ${entry.tag.to}${entry.tag.from === entry.tag.to ? '' : ` (was "${entry.tag.from}")`}`);
  for (const pin of entry.pins) {
    const how =
      pin.source === 'github-digest'
        ? "GitHub's asset digest"
        : `downloaded and hashed${pin.matched.length ? `, matches ${pin.matched.join(', ')}` : ''}`;
    lines.push(
      `  ${pin.arch.padEnd(7)} ${pin.asset} sha256:${pin.sha256} (${how}) -> ${pin.written === 'entry' ? 'sha256' : `[${pin.written}] sha256`}`,
    );
    if (pin.picked)
      lines.push(
        `          picked automatically (${pin.picked.reason}) -> ${pin.picked.at === 'entry' ? '' : `[${pin.picked.at}] `}asset = "${pin.picked.asset}"`,
      );
  }
  if (entry.signer)
    lines.push(
      `  signer  ${entry.signer.signerUri} -> ${entry.signer.written ? `signer_workflow = "${entry.signer.workflow}"` : 'signer_workflow unchanged'}`,
    );
  for (const note of entry.notes) lines.push(`  NOTE: ${note}`);
  return `${lines.join('\n')}\n`;
}

const unusedGitHub: ReleaseSource = {
  getRelease: () => Promise.reject(new Error('offline')),
  listReleases: () => Promise.reject(new Error('offline')),
};
