// Composition root for bin/github-assets: wires the network layer (github/services.ts, as the build
// does), the settings (read from the process environment; main/settings/read.ts) and stdout/stderr
// into the CLI and sets the exit status.
import { join } from 'node:path';
import { homedir } from 'node:os';
import { provenanceCheckerFrom } from '../verify/provenance.js';
import { readBuildpackInfo, targetFromEnv } from '../cnb/context.js';
import { createNetworkServices, type NetworkServices } from '../github/services.js';
import { colorEnabled } from '../log.js';
import { runCli } from '../cli/run.js';
import { processReader, readSettings } from './settings/read.js';

const env = process.env;
const settings = readSettings(processReader(env));
const buildpackDir = env.CNB_BUILDPACK_DIR ?? join(import.meta.dirname, '..');
const buildpack = readBuildpackInfo(buildpackDir);
const userAgent = `github-assets-cli/${buildpack.version}`;

// Built on first use (--help, --version and check --offline never touch the network), with the
// same settings, retries, proxies, mirror and credential rules as the build.
let services: NetworkServices | undefined;
const network = (): NetworkServices => (services ??= createNetworkServices(settings.network, { userAgent }));

async function main(): Promise<void> {
  const code = await runCli(
    {
      argv: process.argv.slice(2),
      get descriptorPath() {
        return settings.descriptorPath;
      },
      cwd: process.cwd(),
      version: buildpack.version,
      // Getters: an invalid setting is then reported by runCli like any other error.
      get hostTarget() {
        return targetFromEnv(env);
      },
      layersRoot: `/layers/${buildpack.id.replaceAll('/', '_')}`,
      get strict() {
        return settings.strict;
      },
      debug: settings.debug,
      github: () => network().github,
      // Tokens are looked up by the name an entry gives (token_env), so the CLI gets a lookup, not a value.
      lookupToken: (name) => env[name],
      download: (request) => network().download(request),
      provenance: () =>
        provenanceCheckerFrom({
          settings,
          listAttestations: network().github.listAttestations,
          serverUrl: settings.network.serverUrl,
          baseDir: process.cwd(),
          // The CLI keeps TUF metadata where build tools keep caches on the developer's machine.
          tufCacheDir: join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'github-assets', 'sigstore-tuf'),
          dispatcher: network().network.dispatcher,
        }),
    },
    {
      out: (t) => process.stdout.write(t),
      err: (t) => process.stderr.write(t),
      color: colorEnabled(settings.noColor, process.stderr.isTTY),
    },
  );
  process.exitCode = code;
  await services?.close();
}

void main();
