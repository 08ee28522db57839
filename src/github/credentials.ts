// Which token an entry's API and download requests use: the variable named by `token_env`,
// else GITHUB_TOKEN; and how a lookup failure is explained when that variable was not set.
// Where variables come from (process env, platform env files) is the caller's lookup.

import { isBuildpackError, isNotFound } from '../errors.js';
import { entryLabel, type AssetSpec } from '../model.js';
import { registerSecret } from '../util/secrets.js';
import { tokenEnvUnset } from '../errors/catalog.js';

/** The token an entry's requests use, and where it came from. */
export interface Credentials {
  token: string | undefined;
  /** The env var the token came from (for messages and cache keys), never the value. */
  source: string | undefined;
  /** token_env named a variable that is not set. */
  missingTokenEnv?: string | undefined;
}

/** Reads a variable's value; returns undefined when it is unset or blank. */
export type TokenLookup = (name: string) => string | undefined;

export function credentialsFor(spec: Pick<AssetSpec, 'tokenEnv'>, lookup: TokenLookup): Credentials {
  const name = spec.tokenEnv ?? 'GITHUB_TOKEN';
  const token = lookup(name)?.trim() || undefined;
  registerSecret(token);
  return {
    token,
    source: token ? name : undefined,
    missingTokenEnv: spec.tokenEnv !== undefined && !token ? spec.tokenEnv : undefined,
  };
}

/**
 * Attributes a release lookup failure to the entry. A 404 while token_env names an unset
 * variable gets a hint about it; `unset(name)` says where it is missing and how to pass it
 * (the build: `pack build --env NAME`; the CLI: `export NAME`).
 */
export function explainLookupError(err: unknown, spec: AssetSpec, creds: Credentials, unset: (name: string) => string): unknown {
  if (!isBuildpackError(err)) return err;
  const label = entryLabel(spec);
  if (isNotFound(err) && creds.missingTokenEnv) {
    return tokenEnvUnset(err, { entry: label, tokenEnv: creds.missingTokenEnv, unsetNote: unset(creds.missingTokenEnv) });
  }
  return err.forEntry(label);
}

/** Runs a lookup made with `creds` for `spec`; a failure is rethrown explained (explainLookupError). */
export async function explainedLookup<T>(
  lookup: () => Promise<T>,
  spec: AssetSpec,
  creds: Credentials,
  unset: (name: string) => string,
): Promise<T> {
  try {
    return await lookup();
  } catch (err) {
    throw explainLookupError(err, spec, creds, unset);
  }
}
