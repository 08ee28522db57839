// Composition root for bin/detect.
import { detectContext } from '../cnb/context.js';
import { debugEnabled, runPhase } from '../cnb/run.js';
import { detect } from '../phases/detect.js';

process.exitCode = await runPhase(() => detect(detectContext(process.argv.slice(2), process.env, process.cwd())), {
  debug: debugEnabled(process.env),
  color: false,
});
