// Composition root for bin/github-assets: wires the real GitHub client, downloader, process
// environment and stdout/stderr into the CLI and sets the exit status.
import { join } from 'node:path';
import { readBuildpackInfo, targetFromEnv } from '../cnb/context.js';
import { apiUrlFromEnv, createGitHubClient } from '../github.js';
import { downloadAsset } from '../download.js';
import { colorEnabled } from '../log.js';
import { runCli } from '../cli/run.js';
import { debugEnabled } from '../cnb/run.js';
import { STRICT_ENV, strictModeFromEnv } from '../verify.js';

const env = process.env;
const buildpackDir = env.CNB_BUILDPACK_DIR ?? join(import.meta.dirname, '..');
const buildpack = readBuildpackInfo(buildpackDir);
const userAgent = `github-assets-cli/${buildpack.version}`;

process.exitCode = await runCli(
  {
    argv: process.argv.slice(2),
    env,
    cwd: process.cwd(),
    version: buildpack.version,
    // Getters: an invalid setting is then reported by runCli like any other error.
    get hostTarget() {
      return targetFromEnv(env);
    },
    layersRoot: `/layers/${buildpack.id.replaceAll('/', '_')}`,
    get strict() {
      return strictModeFromEnv(env[STRICT_ENV]);
    },
    debug: debugEnabled(env),
    github: () => createGitHubClient({ apiUrl: apiUrlFromEnv(env), userAgent }),
    lookupToken: (name) => env[name],
    download: (request) => downloadAsset({ ...request, userAgent }),
  },
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), color: colorEnabled(env, process.stderr.isTTY) },
);
