// Composition root for bin/build: reads settings (process env, then <platform>/env; main/settings/read.ts), wires
// the real GitHub client, network, downloader and extractor into the build phase, runs it.
import { buildContext } from '../cnb/context.js';
import { runPhase } from '../cnb/run.js';
import { writeBuildResult } from '../cnb/output.js';
import { build, testHoldFrom } from '../phases/build.js';
import { createNetworkServices } from '../github/services.js';
import { createProgress } from '../net/progress.js';
import type { NetworkConfig } from '../net/config.js';
import { limiter } from '../util/concurrency.js';
import { lazy } from '../util/lazy.js';
import { colorEnabled, createLogger } from '../log.js';
import { join } from 'node:path';
import { provenanceCheckerFrom } from '../verify/provenance.js';
import { TUF_CACHE_LAYER } from '../verify/trust-names.js';
import { platformReader, processReader, readOutputSettings, readSettings } from './settings/read.js';

// Archive formats and the layer writer load when the first entry is installed (a rebuild reuses).
const loadExtract = lazy(() => import('../extract/index.js'));

async function main(): Promise<number> {
  const env = process.env;
  // (performance is a lazy global: reading it loads node:perf_hooks, ~1.5 ms; only the benchmark asks.)
  if (env.GITHUB_ASSETS_TIMING === '1') {
    const modulesLoaded = performance.now();
    (await import('../net/timing.js')).recordStartup(modulesLoaded);
  }
  const { debug, noColor } = readOutputSettings(processReader(env));
  const color = colorEnabled(noColor, process.stdout.isTTY);
  return runPhase(
    async () => {
      const settingsAt = (platformDir: string) => readSettings(platformReader(env, platformDir), { debug, noColor });
      const ctx = buildContext(process.argv.slice(2), env, process.cwd(), settingsAt);
      const { settings } = ctx;
      const log = createLogger({ debug, color });
      const userAgent = `${ctx.buildpack.id}/${ctx.buildpack.version}`;
      const limits = settings.extractLimits;
      const progress = (config: NetworkConfig) => createProgress(log, { intervalMs: config.progressIntervalMs });
      const services = createNetworkServices(settings.network, { userAgent, log, progress });
      const { config, network } = services;
      // Layers build side by side and each extracts once its download is done: bound the extractions
      // like the downloads, or 16 archives decompress at once (16 × 50 MiB .tar.gz peaked at 160 MiB RSS).
      const extracting = limiter(config.concurrency);
      try {
        const result = await build(ctx, {
          github: services.github,
          download: services.download,
          sendEarly: services.download.sendEarly,
          install: (file, outDir, req) => extracting(async () => (await loadExtract()).installAsset(file, outDir, { ...req, limits })),
          log,
          concurrency: config.concurrency,
          strict: settings.strict,
          network: config,
          // Tokens are looked up by the name an entry gives (token_env), so the build gets a lookup, not a value.
          lookupToken: platformReader(env, ctx.platformDir),
          provenance: provenanceCheckerFrom({
            settings,
            listAttestations: services.github.listAttestations,
            serverUrl: config.serverUrl,
            baseDir: ctx.appDir,
            tufCacheDir: join(ctx.layersDir, TUF_CACHE_LAYER),
            dispatcher: network.dispatcher,
          }),
          hold: testHoldFrom(settings.testHold),
        });
        writeBuildResult(ctx.layersDir, result);
        const usage = network.apiUsage;
        if (usage.requests > 0) {
          const left = usage.rateLimit
            ? `, ${usage.rateLimit.remaining} of ${usage.rateLimit.limit} left until ${usage.rateLimit.resetAt.toISOString()}`
            : '';
          log.debug(`GitHub API: ${usage.requests} request(s)${left}`);
        }
      } finally {
        await services.close();
      }
      return 0;
    },
    { debug, color },
  );
}

main().then((code) => {
  process.exitCode = code;
});
