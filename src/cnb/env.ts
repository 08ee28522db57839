// Looks up a user-provided variable: the process environment first, then the platform's
// env files (`<platform>/env/<NAME>`), which is how `pack --env` and `[[build.env]]` deliver
// values, and the only place they are when a buildpack uses clear-env. Values are checked
// at this edge (no control characters, bounded size); they are never echoed (tokens).

import { join } from 'node:path';
import type { BuildpackError } from '../errors.js';
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
    throw settingInvalid(`${name}: ${path} is ${file.what}, not a regular file`, {
      hint: `the platform passes ${name} as a file in <platform>/env; make it a regular file holding the value, or unset it`,
    });
  }
  if (file.kind === 'too-large') throw tooLarge(name, path);
  const value = file.bytes.toString('utf8');
  return value === '' ? undefined : checkedValue(name, value, path);
}

function checkedValue(name: string, value: string, from: string): string {
  if (Buffer.byteLength(value) > MAX_ENV_VALUE_BYTES) throw tooLarge(name, from);
  const bad = unsafeCharacter(value.trim());
  if (bad) {
    // The value itself is not shown: it may be a token.
    throw settingInvalid(`${name} (from ${from}) contains a control or invisible character (${bad})`, {
      hint: `set ${name} to a plain value on one line; check for a pasted escape sequence or a stray carriage return`,
    });
  }
  return value;
}

function tooLarge(name: string, from: string): BuildpackError {
  return settingInvalid(`${name} (from ${from}) is longer than ${MAX_ENV_VALUE_BYTES / 1024} KiB`, {
    hint: `${name} should hold a short value (a name, a URL, a number or a token); check what was passed`,
  });
}
