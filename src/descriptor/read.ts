// Finds and reads the project descriptor: `project.toml` in the app dir, or the path in
// GITHUB_ASSETS_PATH (relative to the app dir, as in the original buildpack; the composition
// root reads the setting and passes it). A missing file means "no entries"; any other read
// problem is an error. Validation is parse.ts's.

import { resolve } from 'node:path';
import { parseDescriptor, type Descriptor } from './parse.js';
import { formatBytes } from '../util/format.js';
import { readSmallFile, type SmallFile } from '../util/regular-file.js';
import { descriptorMissing, descriptorNotUtf8, descriptorUnreadable, descriptorUtf16, settingInvalid } from '../errors/catalog.js';

export interface LoadedDescriptor extends Descriptor {
  path: string;
  text: string;
}

/** The largest descriptor read (a project.toml with hundreds of entries is a few dozen KiB). */
const MAX_DESCRIPTOR_BYTES = 1024 * 1024;

/** Longest GITHUB_ASSETS_PATH accepted (Linux's PATH_MAX). */
const MAX_PATH_LENGTH = 4096;

/** `descriptorPath`: the GITHUB_ASSETS_PATH setting (checked by descriptorPathSetting), or undefined for project.toml. */
export function loadDescriptor(appDir: string, descriptorPath: string | undefined): LoadedDescriptor | undefined {
  const custom = descriptorPath;
  const path = resolve(appDir, custom ?? 'project.toml');
  const shown = path.startsWith(`${appDir}/`) ? path.slice(appDir.length + 1) : path;
  const text = readDescriptorText(path, shown, custom !== undefined);
  if (text === undefined) {
    // No project.toml: nothing to do. A path the user named explicitly must exist.
    if (custom === undefined) return undefined;
    throw descriptorMissing(path, 'GITHUB_ASSETS_PATH');
  }
  return { ...parseDescriptor(text, shown), path, text };
}

/** GITHUB_ASSETS_PATH, trimmed; undefined when unset. A value no file could have is GHA007. */
export function descriptorPathSetting(raw: string | undefined): string | undefined {
  const value = raw?.trim();
  if (!value) return undefined;
  if (value.length > MAX_PATH_LENGTH || value.includes('\0')) {
    throw settingInvalid({ kind: 'descriptor-path', length: value.length > MAX_PATH_LENGTH ? value.length : undefined });
  }
  return value;
}

/**
 * The descriptor's text, or undefined when `path` does not exist (the caller decides what
 * that means). `explicit`: the path was named by the user, which changes the hints. Only a regular file (or a symlink to one) of at most 1 MiB is read, so a
 * FIFO or a device such as /dev/zero is refused at once instead of hanging detect. The
 * bytes must be UTF-8 (as TOML requires); a UTF-8 byte order mark is dropped.
 */
export function readDescriptorText(path: string, shown: string, explicit: boolean): string | undefined {
  let file: SmallFile;
  try {
    file = readSmallFile(path, MAX_DESCRIPTOR_BYTES);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw descriptorUnreadable(shown, { kind: 'io', code, message: (err as Error).message, cause: err });
  }
  switch (file.kind) {
    case 'missing':
      return undefined;
    case 'not-regular':
      throw descriptorUnreadable(shown, { kind: 'not-regular', what: file.what, explicit });
    case 'too-large':
      throw descriptorUnreadable(shown, {
        kind: 'too-large',
        sizeShown: formatBytes(file.size),
        maxShown: formatBytes(MAX_DESCRIPTOR_BYTES),
        explicit,
      });
    case 'ok':
      return decodeDescriptor(file.bytes, shown);
  }
}

/** UTF-8 text without a leading byte order mark; other encodings are GHA002 with the fix. */
function decodeDescriptor(bytes: Uint8Array, shown: string): string {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw descriptorUtf16(shown);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    throw descriptorNotUtf8(shown, err);
  }
  return text;
}
