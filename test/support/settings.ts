// Settings for tests that build a context or services by hand: the real reader over a plain
// map, so a test sets a variable exactly as a user would (and gets the same GHA007s).

import { processReader, readSettings } from '../../src/main/settings/read.js';
import type { Settings } from '../../src/settings.js';

/** The Settings a process with exactly `env` in its environment would read (defaults for the rest). */
export function settingsFrom(env: Record<string, string> = {}): Settings {
  return readSettings(processReader(env));
}
