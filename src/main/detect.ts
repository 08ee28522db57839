// Composition root for bin/detect: reads the settings (process env, then <platform>/env) and runs detect.
import { detectContext } from '../cnb/context.js';
import { runPhase } from '../cnb/run.js';
import { detect } from '../phases/detect.js';
import { platformReader, processReader, readOutputSettings, readSettings } from './settings/read.js';

const env = process.env;
const output = readOutputSettings(processReader(env));

const settingsAt = (platformDir: string) => readSettings(platformReader(env, platformDir), output);

process.exitCode = await runPhase(() => detect(detectContext(process.argv.slice(2), env, process.cwd(), settingsAt)), {
  debug: output.debug,
  color: false,
});
