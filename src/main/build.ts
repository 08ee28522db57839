// Composition root for bin/build: wires the real GitHub client, downloader and extractor
// into the build phase and runs it.
import { buildContext } from '../cnb/context.js';
import { lookupEnv } from '../cnb/env.js';
import { debugEnabled, runPhase } from '../cnb/run.js';
import { build } from '../build.js';
import { apiUrlFromEnv, createGitHubClient } from '../github.js';
import { downloadAsset } from '../download.js';
import { installAsset } from '../extract/index.js';
import { colorEnabled, createLogger } from '../log.js';
import { limitsFromEnv } from '../extract/index.js';
import { STRICT_ENV, strictModeFromEnv } from '../verify.js';

const env = process.env;
const debug = debugEnabled(env);
const color = colorEnabled(env, process.stdout.isTTY);

process.exitCode = await runPhase(
  async () => {
    const ctx = buildContext(process.argv.slice(2), env, process.cwd());
    const log = createLogger({ debug, color });
    const limits = limitsFromEnv({
      GITHUB_ASSETS_MAX_EXTRACT_BYTES: lookupEnv(ctx, 'GITHUB_ASSETS_MAX_EXTRACT_BYTES'),
      GITHUB_ASSETS_MAX_ENTRIES: lookupEnv(ctx, 'GITHUB_ASSETS_MAX_ENTRIES'),
    });
    const userAgent = `${ctx.buildpack.id}/${ctx.buildpack.version}`;
    const github = createGitHubClient({ apiUrl: apiUrlFromEnv({ GITHUB_API_URL: lookupEnv(ctx, 'GITHUB_API_URL') }), userAgent, log });
    await build(ctx, {
      github,
      download: (req) => downloadAsset({ ...req, log, userAgent }),
      install: (file, outDir, req) => installAsset(file, outDir, { ...req, limits }),
      log,
      concurrency: 4,
      strict: strictModeFromEnv(lookupEnv(ctx, STRICT_ENV)),
    });
    return 0;
  },
  { debug, color },
);
