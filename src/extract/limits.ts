// Limits that stop decompression bombs: total bytes written and number of archive entries.
// Validates GITHUB_ASSETS_MAX_EXTRACT_BYTES / _MAX_ENTRIES through the lookup the composition
// root's settings reader passes (src/main/settings/read.ts); it never reads the environment itself.

import { wholeNumberSetting, type ExtractLimits, type SettingReader } from '../settings.js';

export type { ExtractLimits } from '../settings.js';

export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

/** The caps when no setting changes them. */
export const DEFAULT_LIMITS: ExtractLimits = { maxBytes: DEFAULT_MAX_BYTES, maxEntries: DEFAULT_MAX_ENTRIES };

/**
 * GITHUB_ASSETS_MAX_EXTRACT_BYTES and GITHUB_ASSETS_MAX_ENTRIES, else the defaults. A value
 * that is not a positive whole number is an error (GHA007): a bomb guard must not be
 * silently replaced by its default.
 */
export function limitsFromEnv(read: SettingReader): ExtractLimits {
  const positive = { min: 1, max: Number.MAX_SAFE_INTEGER };
  return {
    maxBytes: wholeNumberSetting(read, 'GITHUB_ASSETS_MAX_EXTRACT_BYTES', { fallback: DEFAULT_MAX_BYTES, ...positive }),
    maxEntries: wholeNumberSetting(read, 'GITHUB_ASSETS_MAX_ENTRIES', { fallback: DEFAULT_MAX_ENTRIES, ...positive }),
  };
}
