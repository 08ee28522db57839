// Composition root for bin/github-assets: wires the real GitHub client, downloader, process
// environment and stdout/stderr into the CLI and sets the exit status.
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { ATTESTATIONS_ENV, attestationModeFromEnv } from '../verify/attestation-policy.js';
import { createProvenanceChecker } from '../verify/provenance.js';
import { issuersFor, loadTrustSet, TRUSTED_ROOT_ENV } from '../verify/trust-root.js';
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
    hostTarget: targetFromEnv(env),
    layersRoot: `/layers/${buildpack.id.replaceAll('/', '_')}`,
    strict: strictModeFromEnv(env[STRICT_ENV]),
    debug: debugEnabled(env),
    github: () => createGitHubClient({ apiUrl: apiUrlFromEnv(env), userAgent }),
    lookupToken: (name) => env[name],
    download: (request) => downloadAsset({ ...request, userAgent }),
    provenance: () => {
      const github = createGitHubClient({ apiUrl: apiUrlFromEnv(env), userAgent });
      const file = env[TRUSTED_ROOT_ENV]?.trim();
      return createProvenanceChecker({
        defaultMode: attestationModeFromEnv(env[ATTESTATIONS_ENV]),
        acceptedIssuers: issuersFor(env.GITHUB_SERVER_URL),
        listAttestations: github.listAttestations,
        trust: () =>
          loadTrustSet({
            trustedRootFile: file ? (isAbsolute(file) ? file : join(process.cwd(), file)) : undefined,
            // The CLI keeps TUF metadata where build tools keep caches on the developer's machine.
            tufCacheDir: join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'github-assets', 'sigstore-tuf'),
            serverUrl: env.GITHUB_SERVER_URL,
          }),
      });
    },
  },
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), color: colorEnabled(env, process.stderr.isTTY) },
);
