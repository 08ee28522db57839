// Finds and reads the project descriptor: `project.toml` in the app dir, or the path in
// GITHUB_ASSETS_PATH (relative to the app dir, as in the original buildpack). A missing
// file means "no entries"; any other read problem is an error.

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { BuildpackError } from './errors.js';
import { parseDescriptor, type Descriptor } from './config.js';
import { lookupEnv, type EnvSource } from './cnb/env.js';

export interface LoadedDescriptor extends Descriptor {
  path: string;
  text: string;
}

export function descriptorPath(appDir: string, source: EnvSource): string {
  const custom = lookupEnv(source, 'GITHUB_ASSETS_PATH')?.trim();
  return resolve(appDir, custom || 'project.toml');
}

export function loadDescriptor(appDir: string, source: EnvSource): LoadedDescriptor | undefined {
  const path = descriptorPath(appDir, source);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new BuildpackError('GHA001', `cannot read ${path}: ${code ?? (err as Error).message}`, {
      hint: code === 'EISDIR' ? 'GITHUB_ASSETS_PATH must name a file, not a directory' : 'check the file permissions',
      cause: err,
    });
  }
  const shown = path.startsWith(appDir + '/') ? path.slice(appDir.length + 1) : path;
  return { ...parseDescriptor(text, shown), path, text };
}
