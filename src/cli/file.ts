// Finds and reads the descriptor the CLI was pointed at (a file, a directory holding
// project.toml, $GITHUB_ASSETS_PATH, or ./project.toml) and validates it with the build's own
// parser. Unlike a build, a missing file is an error here. It never writes.

import { statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseDescriptor, type Descriptor } from '../descriptor/parse.js';
import { readDescriptorText } from '../descriptor/read.js';
import { descriptorMissing } from '../errors/catalog.js';

export interface DescriptorFile extends Descriptor {
  /** Absolute path. */
  path: string;
  /** How messages name it: relative to the working directory when inside it. */
  shown: string;
  text: string;
}

/** `given`: the path on the command line, else the GITHUB_ASSETS_PATH setting; neither means ./project.toml. */
export function descriptorFilePath(given: string | undefined, cwd: string): string {
  const path = resolve(cwd, given ?? 'project.toml');
  try {
    if (statSync(path).isDirectory()) return join(path, 'project.toml');
  } catch {
    // A missing path is reported when it is read.
  }
  return path;
}

export function readDescriptorFile(path: string, cwd: string): DescriptorFile {
  const rel = relative(cwd, path);
  const shown = rel !== '' && !rel.startsWith('..') ? rel : path;
  // Regular files of at most 1 MiB only (a FIFO or a device would hang the command), UTF-8, BOM dropped.
  const text = readDescriptorText(path, shown, true);
  if (text === undefined) {
    throw descriptorMissing(shown, 'command line');
  }
  return { ...parseDescriptor(text, shown), path, shown, text };
}
