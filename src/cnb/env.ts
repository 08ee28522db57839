// Looks up a user-provided variable: the process environment first, then the platform's
// env files (`<platform>/env/<NAME>`), which is how `pack --env` and `[[build.env]]` deliver
// values, and the only place they are when a buildpack uses clear-env. Values are checked
// at this edge (no control characters, bounded size); they are never echoed (tokens).

import { join } from 'node:path';
import { unsafeCharacter } from '../util/printable.js';
import { readSmallFile, type SmallFile } from '../util/regular-file.js';
import { settingInvalid } from '../errors/catalog.js';

export interface EnvSource {
  env: NodeJS.ProcessEnv;
  platformDir: string;
}

/** The longest value a variable the buildpack reads may have (tokens, URLs, paths are far shorter). */
const MAX_ENV_VALUE_BYTES = 64 * 1024;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variable's value, or undefined when it is unset or empty. Surrounding whitespace (the
 * newline an env file ends with) is allowed and kept for the caller to trim; a control or
 * invisible character inside the value, an env file that is not a regular file, or a value
 * over 64 KiB is an error (GHA007) naming the variable.
 */
export function lookupEnv(source: EnvSource, name: string): string | undefined {
  const fromProcess = source.env[name];
  if (fromProcess !== undefined && fromProcess !== '') return checkedValue(name, fromProcess, 'the environment');
  if (!ENV_NAME.test(name)) return undefined;
  const path = join(source.platformDir, 'env', name);
  let file: SmallFile;
  try {
    file = readSmallFile(path, MAX_ENV_VALUE_BYTES);
  } catch {
    return undefined; // unreadable (permissions): as if unset, as the lifecycle would not pass it either
  }
  if (file.kind === 'missing') return undefined;
  if (file.kind === 'not-regular') {
    throw settingInvalid({ kind: 'env-file-not-regular', name, path, what: file.what });
  }
  if (file.kind === 'too-large') throw settingInvalid({ kind: 'env-value-too-long', name, from: path, maxBytes: MAX_ENV_VALUE_BYTES });
  const value = file.bytes.toString('utf8');
  return value === '' ? undefined : checkedValue(name, value, path);
}

function checkedValue(name: string, value: string, from: string): string {
  if (Buffer.byteLength(value) > MAX_ENV_VALUE_BYTES)
    throw settingInvalid({ kind: 'env-value-too-long', name, from, maxBytes: MAX_ENV_VALUE_BYTES });
  const bad = unsafeCharacter(value.trim());
  if (bad) {
    throw settingInvalid({ kind: 'env-value-unsafe', name, from, bad });
  }
  return value;
}
