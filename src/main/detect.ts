// Composition root for bin/detect.
import { detectContext } from '../cnb/context.js';
import { writeDetectResult } from '../cnb/output.js';
import { debugEnabled, runPhase } from '../cnb/run.js';
import { detect } from '../phases/detect.js';

process.exitCode = await runPhase(
  async () => {
    const ctx = detectContext(process.argv.slice(2), process.env, process.cwd());
    return writeDetectResult(ctx.planPath, await detect(ctx));
  },
  {
    debug: debugEnabled(process.env),
    color: false,
  },
);
