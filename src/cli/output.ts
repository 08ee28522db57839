// How the CLI reports errors: one BuildpackError as text (the build's format) or as the JSON
// object scripts read, and any thrown value as a BuildpackError. Nothing else is printed here;
// every string passes through redact() before it leaves.

import { type BuildpackError, isBuildpackError } from '../errors.js';
import { formatError } from '../log.js';
import { redact } from '../util/secrets.js';
import { unexpectedFailure } from '../errors/catalog.js';

export interface ErrorJson {
  code: string;
  entry: string | null;
  message: string;
  hint: string | null;
}

export function toBuildpackError(err: unknown): BuildpackError {
  if (isBuildpackError(err)) return err;
  return unexpectedFailure(err);
}

export function errorJson(err: BuildpackError): ErrorJson {
  return { code: err.code, entry: err.entry ?? null, message: redact(err.message), hint: err.hint === undefined ? null : redact(err.hint) };
}

export function errorText(err: BuildpackError, color: boolean): string {
  return formatError(err, color);
}

/** JSON for stdout: stable key order as built, two-space indent, redacted. */
export function jsonText(value: unknown): string {
  return `${redact(JSON.stringify(value, null, 2))}\n`;
}
