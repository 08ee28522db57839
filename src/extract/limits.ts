// Limits that stop decompression bombs: total bytes written and number of archive entries.
// Defaults can be changed through environment variables; this module only reads them.

import { wholeNumberSetting, type SettingReader } from '../settings.js';

export interface ExtractLimits {
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

/**
 * GITHUB_ASSETS_MAX_EXTRACT_BYTES and GITHUB_ASSETS_MAX_ENTRIES, else the defaults. A value
 * that is not a positive whole number is an error (GHA007): a bomb guard must not be
 * silently replaced by its default.
 */
export function limitsFromEnv(read: SettingReader = (name) => process.env[name]): ExtractLimits {
  return {
    maxBytes: wholeNumberSetting(read, 'GITHUB_ASSETS_MAX_EXTRACT_BYTES', DEFAULT_MAX_BYTES, 1, Number.MAX_SAFE_INTEGER),
    maxEntries: wholeNumberSetting(read, 'GITHUB_ASSETS_MAX_ENTRIES', DEFAULT_MAX_ENTRIES, 1, Number.MAX_SAFE_INTEGER),
  };
}
