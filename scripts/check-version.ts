#!/usr/bin/env node
// Checks that buildpack.toml `[buildpack] version` and package.json `version` agree, so a
// release cannot ship a package named for one version that reports another.
// Reads files only; never edits them.
//   node scripts/check-version.ts [--root <dir>]   (exit 0 = agree, 1 = differ or unreadable)
import TOML from '@iarna/toml';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Returns the version both files declare; throws with both values when they differ. */
export function readCheckedVersion(root = repoRoot): string {
  const descriptor = TOML.parse(readFileSync(join(root, 'buildpack.toml'), 'utf8')) as { buildpack?: { version?: unknown } };
  const buildpackVersion = descriptor.buildpack?.version;
  const packageVersion = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: unknown }).version;
  if (typeof buildpackVersion !== 'string' || buildpackVersion === '') {
    throw new Error(`buildpack.toml has no [buildpack] version`);
  }
  if (buildpackVersion !== packageVersion) {
    throw new Error(
      `version mismatch: buildpack.toml [buildpack] version is "${buildpackVersion}" but package.json version is "${packageVersion}"; set both to the release version`,
    );
  }
  return buildpackVersion;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const root = (args.includes('--root') ? args[args.indexOf('--root') + 1] : undefined) ?? repoRoot;
  try {
    console.log(readCheckedVersion(root));
  } catch (err) {
    console.error(`check-version: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
