// Reading numeric build settings (environment variables) with one rule: unset means the
// default, anything that is not a whole number in range is an error (GHA007) naming the
// variable. A setting the build cannot use is never silently ignored.

import { BuildpackError } from './errors.js';
import { settingInvalid } from './errors/catalog.js';

export type SettingReader = (name: string) => string | undefined;

export function invalidSetting(name: string, problem: string, hint: string): BuildpackError {
  // Values are not echoed for URLs: a proxy URL may carry a password.
  return settingInvalid(`${name} ${problem}`, { hint });
}

export function wholeNumberSetting(read: SettingReader, name: string, fallback: number, min: number, max: number): number {
  const text = read(name)?.trim();
  if (!text) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalidSetting(name, `${shownSetting(text)} is not a whole number from ${min} to ${max}`, `set ${name} to a whole number from ${min} to ${max}, or unset it for the default (${fallback})`);
  }
  return Number(text);
}

/** A setting's value quoted for a message, cut at 40 characters (the error printer escapes control characters). */
export function shownSetting(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
