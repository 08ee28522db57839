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

export function loadDescriptor(appDir: string, source: EnvSource): LoadedDescriptor | undefined {
  const custom = lookupEnv(source, 'GITHUB_ASSETS_PATH')?.trim() || undefined;
  const path = resolve(appDir, custom ?? 'project.toml');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // No project.toml: nothing to do. A path the user named explicitly must exist.
    if (code === 'ENOENT' && !custom) return undefined;
    if (code === 'ENOENT') {
      throw new BuildpackError('GHA001', `GITHUB_ASSETS_PATH names ${path}, which does not exist`, {
        hint: 'give a path relative to the app directory (e.g. deploy/assets.toml), and check that pack include/exclude rules do not drop the file',
      });
    }
    throw new BuildpackError('GHA001', `cannot read ${path}: ${code ?? (err as Error).message}`, {
      hint: code === 'EISDIR' ? 'GITHUB_ASSETS_PATH must name a file, not a directory' : 'check the file permissions',
      cause: err,
    });
  }
  const shown = path.startsWith(appDir + '/') ? path.slice(appDir.length + 1) : path;
  return { ...parseDescriptor(text, shown), path, text };
}
