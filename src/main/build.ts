// Composition root for bin/build: reads settings (process env, then <platform>/env), wires
// the real GitHub client, network, downloader and extractor into the build phase, runs it.
import { buildContext } from '../cnb/context.js';
import { lookupEnv } from '../cnb/env.js';
import { debugEnabled, runPhase } from '../cnb/run.js';
import { writeBuildResult } from '../cnb/output.js';
import { build, testHoldFrom } from '../phases/build.js';
import { createNetworkServices } from '../github/services.js';
import { createProgress } from '../net/progress.js';
import { installAsset, limitsFromEnv } from '../extract/index.js';
import { colorEnabled, createLogger } from '../log.js';
import { STRICT_ENV, strictModeFromEnv } from '../verify/digest.js';
import { join } from 'node:path';
import { provenanceCheckerFrom } from '../verify/provenance.js';
import { TUF_CACHE_LAYER } from '../verify/trust-root.js';

const env = process.env;

const debug = debugEnabled(env);
const color = colorEnabled(env, process.stdout.isTTY);

process.exitCode = await runPhase(
  async () => {
    const ctx = buildContext(process.argv.slice(2), env, process.cwd());
    const setting = (name: string) => lookupEnv(ctx, name);
    const log = createLogger({ debug, color });
    const userAgent = `${ctx.buildpack.id}/${ctx.buildpack.version}`;
    const limits = limitsFromEnv(setting);
    const services = createNetworkServices(setting, { userAgent, log, progress: (config) => createProgress(log, { intervalMs: config.progressIntervalMs }) });
    const { config, network } = services;
    try {
      const result = await build(ctx, {
        github: services.github,
        download: services.download,
        install: (file, outDir, req) => installAsset(file, outDir, { ...req, limits }),
        log,
        concurrency: config.concurrency,
        strict: strictModeFromEnv(setting(STRICT_ENV)),
        network: config,
        provenance: provenanceCheckerFrom({
          setting,
          listAttestations: services.github.listAttestations,
          serverUrl: config.serverUrl,
          baseDir: ctx.appDir,
          tufCacheDir: join(ctx.layersDir, TUF_CACHE_LAYER),
        }),
        hold: testHoldFrom(env.GITHUB_ASSETS_TEST_HOLD),
      });
      await writeBuildResult(ctx.layersDir, result);
      const usage = network.apiUsage;
      if (usage.requests > 0) {
        const left = usage.rateLimit ? `, ${usage.rateLimit.remaining} of ${usage.rateLimit.limit} left until ${usage.rateLimit.resetAt.toISOString()}` : '';
        log.debug(`GitHub API: ${usage.requests} request(s)${left}`);
      }
    } finally {
      await services.close();
    }
    return 0;
  },
  { debug, color },
);
