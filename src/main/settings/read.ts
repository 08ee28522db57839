// The composition roots' one settings reader: looks up every variable the buildpack reads (the
// build and detect: process env, then <platform>/env files through cnb/env.ts lookupEnv; the
// CLI: the process env) and validates each into the typed Settings (settings.ts). Only src/main/
// reads the environment; below it modules receive Settings or their part. (In a folder: every
// file directly in src/main/ is bundled as an entrypoint.)

import { lookupEnv } from '../../cnb/env.js';
import { descriptorPathSetting } from '../../descriptor/read.js';
import { limitsFromEnv } from '../../extract/limits.js';
import { networkConfigFromEnv } from '../../net/config.js';
import type { OutputSettings, SettingReader, Settings } from '../../settings.js';
import { ATTESTATIONS_ENV, attestationModeFromEnv } from '../../verify/attestation-policy.js';
import { STRICT_ENV, strictModeFromEnv } from '../../verify/digest.js';
import { TRUSTED_ROOT_ENV } from '../../verify/trust-names.js';

/** The build's and detect's lookup: the process environment first, then `<platform>/env/<NAME>` (values checked, GHA007). */
export function platformReader(env: NodeJS.ProcessEnv, platformDir: string): SettingReader {
  return (name) => lookupEnv({ env, platformDir }, name);
}

/** The CLI's lookup: the process environment as it is (a developer's shell has no platform dir). */
export function processReader(env: NodeJS.ProcessEnv): SettingReader {
  return (name) => env[name];
}

/**
 * BP_LOG_LEVEL=DEBUG (the Paketo convention) or GITHUB_ASSETS_DEBUG=1/true turns on debug
 * output; NO_COLOR set to anything turns colours off. The roots read these from the process
 * environment before anything else, since they shape how any later error is reported.
 */
export function readOutputSettings(read: SettingReader): OutputSettings {
  const logLevel = (read('BP_LOG_LEVEL') ?? '').toUpperCase();
  const debugFlag = (read('GITHUB_ASSETS_DEBUG') ?? '').toLowerCase();
  return {
    debug: logLevel === 'DEBUG' || debugFlag === '1' || debugFlag === 'true',
    noColor: read('NO_COLOR') !== undefined,
  };
}

/**
 * Every setting, each read and validated on first use (then kept): a command is failed only by
 * a setting it needs (detect never reads the network settings, `--help` none), and the error
 * (GHA007, naming the variable) surfaces where the command would use it, as any other error.
 */
export function readSettings(read: SettingReader, output: OutputSettings = readOutputSettings(read)): Settings {
  return withReadOnFirstUse<OutputSettings, Omit<Settings, keyof OutputSettings>>(
    { debug: output.debug, noColor: output.noColor },
    {
      network: () => networkConfigFromEnv(read),
      extractLimits: () => limitsFromEnv(read),
      strict: () => strictModeFromEnv(read(STRICT_ENV)),
      attestations: () => attestationModeFromEnv(read(ATTESTATIONS_ENV)),
      trustedRoot: () => read(TRUSTED_ROOT_ENV)?.trim() || undefined,
      descriptorPath: () => descriptorPathSetting(read('GITHUB_ASSETS_PATH')),
      testHold: () => read('GITHUB_ASSETS_TEST_HOLD') || undefined,
    },
  );
}

/** `ready`, plus one getter per entry of `later`, each computing its value on first read (see once). */
function withReadOnFirstUse<Ready extends object, Later extends object>(
  ready: Ready,
  later: { [K in keyof Later]-?: () => Later[K] },
): Ready & Later {
  const settings = { ...ready } as Ready & Later;
  for (const key of Object.keys(later) as (keyof Later & string)[]) {
    // Enumerable and configurable, like a getter written in an object literal.
    Object.defineProperty(settings, key, { get: once(later[key]), enumerable: true, configurable: true });
  }
  return settings;
}

/** `compute` run on the first call only; a throw is not kept, so the next read reports it again. */
function once<T>(compute: () => T): () => T {
  let done = false;
  let value: T;
  return () => {
    if (!done) {
      value = compute();
      done = true;
    }
    return value;
  };
}
