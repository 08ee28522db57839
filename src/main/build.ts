// Composition root for bin/build: reads settings (process env, then <platform>/env), wires
// the real GitHub client, network, downloader and extractor into the build phase, runs it.
import { buildContext } from '../cnb/context.js';
import { lookupEnv } from '../cnb/env.js';
import { debugEnabled, runPhase } from '../cnb/run.js';
import { build } from '../build.js';
import { apiUrlFromEnv, createGitHubClient } from '../github.js';
import { createNetwork } from '../net/agent.js';
import { networkConfigFromEnv } from '../net/config.js';
import { createAssetDownloader } from '../net/downloader.js';
import { createProgress } from '../progress.js';
import { limitsFromEnv } from '../extract/limits.js';
import { lazy } from '../lazy.js';
import { colorEnabled, createLogger } from '../log.js';
import { STRICT_ENV, strictModeFromEnv } from '../verify.js';

const modulesLoaded = performance.now();
const env = process.env;
if (env.GITHUB_ASSETS_TIMING === '1') (await import('../timing.js')).recordStartup(modulesLoaded);
// Archive formats and the layer writer load when the first entry is installed (a rebuild reuses).
const loadExtract = lazy(() => import('../extract/index.js'));
const debug = debugEnabled(env);
const color = colorEnabled(env, process.stdout.isTTY);

process.exitCode = await runPhase(
  async () => {
    const ctx = buildContext(process.argv.slice(2), env, process.cwd());
    const setting = (name: string) => lookupEnv(ctx, name);
    const log = createLogger({ debug, color });
    const userAgent = `${ctx.buildpack.id}/${ctx.buildpack.version}`;
    const config = networkConfigFromEnv(setting);
    const limits = limitsFromEnv(setting);
    const network = createNetwork(config, { log });
    try {
      const github = createGitHubClient({
        apiUrl: apiUrlFromEnv({ GITHUB_API_URL: setting('GITHUB_API_URL') }),
        userAgent,
        log,
        fetch: network.fetch,
        rateLimitMaxWaitMs: config.rateLimitMaxWaitMs,
      });
      await build(ctx, {
        github,
        download: createAssetDownloader(network, { userAgent, log, progress: createProgress(log, { intervalMs: config.progressIntervalMs }) }),
        install: async (file, outDir, req) => (await loadExtract()).installAsset(file, outDir, { ...req, limits }),
        log,
        concurrency: config.concurrency,
        strict: strictModeFromEnv(setting(STRICT_ENV)),
        network: config,
      });
      const usage = network.apiUsage;
      if (usage.requests > 0) {
        const left = usage.rateLimit ? `, ${usage.rateLimit.remaining} of ${usage.rateLimit.limit} left until ${usage.rateLimit.resetAt.toISOString()}` : '';
        log.debug(`GitHub API: ${usage.requests} request(s)${left}`);
      }
    } finally {
      await network.close();
    }
    return 0;
  },
  { debug, color },
);
