// Looks up a user-provided variable: the process environment first, then the platform's
// env files (`<platform>/env/<NAME>`), which is how `pack --env` and `[[build.env]]` deliver
// values, and the only place they are when a buildpack uses clear-env.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EnvSource {
  env: NodeJS.ProcessEnv;
  platformDir: string;
}

export function lookupEnv(source: EnvSource, name: string): string | undefined {
  const fromProcess = source.env[name];
  if (fromProcess !== undefined && fromProcess !== '') return fromProcess;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  try {
    const value = readFileSync(join(source.platformDir, 'env', name), 'utf8');
    return value === '' ? undefined : value;
  } catch {
    return undefined;
  }
}
