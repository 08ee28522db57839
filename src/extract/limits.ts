// Limits that stop decompression bombs: total bytes written and number of archive entries.
// Defaults can be changed through environment variables; this module only reads them.

export interface ExtractLimits {
  maxBytes: number;
  maxEntries: number;
}

export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

function positiveInteger(raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.trim());
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/** GITHUB_ASSETS_MAX_EXTRACT_BYTES and GITHUB_ASSETS_MAX_ENTRIES, else the defaults. Bad values fall back. */
export function limitsFromEnv(env: NodeJS.ProcessEnv = process.env): ExtractLimits {
  return {
    maxBytes: positiveInteger(env.GITHUB_ASSETS_MAX_EXTRACT_BYTES, DEFAULT_MAX_BYTES),
    maxEntries: positiveInteger(env.GITHUB_ASSETS_MAX_ENTRIES, DEFAULT_MAX_ENTRIES),
  };
}
