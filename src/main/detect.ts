// Composition root for bin/detect: reads the settings (process env, then <platform>/env) and runs detect.
import { detectContext } from '../cnb/context.js';
import { writeDetectResult } from '../cnb/output.js';
import { runPhase } from '../cnb/run.js';
import { detect } from '../phases/detect.js';
import { platformReader, processReader, readOutputSettings, readSettings } from './settings/read.js';

async function main(): Promise<number> {
  const env = process.env;
  const output = readOutputSettings(processReader(env));
  const settingsAt = (platformDir: string) => readSettings(platformReader(env, platformDir), output);
  return runPhase(
    async () => {
      const ctx = detectContext(process.argv.slice(2), env, process.cwd(), settingsAt);
      return writeDetectResult(ctx.planPath, await detect(ctx));
    },
    { debug: output.debug, color: false },
  );
}

main().then((code) => {
  process.exitCode = code;
});
