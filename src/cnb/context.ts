// Reads the CNB contract (Buildpack API 0.10: CNB_* variables set by the lifecycle, positional
// arguments as a fallback) into plain contexts for detect and build, given the env and argv by
// the composition root; the user's settings arrive read (settings.ts). Phases never see the env.

import { readFileSync } from 'node:fs';
import { arch as osArch, platform as osPlatform } from 'node:process';
import { join, resolve } from 'node:path';
import TOML from '@iarna/toml';
import type { Target } from '../model.js';
import { settingInvalid } from '../errors/catalog.js';
import type { Settings } from '../settings.js';

export interface BuildpackInfo {
  id: string;
  name: string;
  version: string;
}

export interface PhaseContext {
  appDir: string;
  buildpackDir: string;
  platformDir: string;
  buildpack: BuildpackInfo;
  target: Target;
  /** The user's settings, read by the composition root through the platform's env files. */
  settings: Settings;
}

/** The settings for a platform dir (their env files live in `<platform>/env`). */
export type SettingsAt = (platformDir: string) => Settings;

export interface DetectContext extends PhaseContext {
  planPath: string;
}

export interface BuildContext extends PhaseContext {
  /** This buildpack's layers dir: `<layers>/<escaped id>`. */
  layersDir: string;
  planPath: string;
}

export function detectContext(argv: string[], env: NodeJS.ProcessEnv, cwd: string, settingsAt: SettingsAt): DetectContext {
  // Positional: bin/detect <platform> <plan>
  const base = phaseContext(env, cwd, env.CNB_PLATFORM_DIR ?? argv[0], settingsAt);
  // Object.assign onto base (not a spread) keeps its lazy `buildpack` getter lazy.
  return Object.assign(base, { planPath: env.CNB_BUILD_PLAN_PATH ?? argv[1] ?? join(cwd, 'plan.toml') });
}

export function buildContext(argv: string[], env: NodeJS.ProcessEnv, cwd: string, settingsAt: SettingsAt): BuildContext {
  // Positional: bin/build <layers> <platform> <plan>
  const base = phaseContext(env, cwd, env.CNB_PLATFORM_DIR ?? argv[1], settingsAt);
  const layersDir = env.CNB_LAYERS_DIR ?? argv[0];
  if (!layersDir) throw settingInvalid({ kind: 'no-layers-dir' });
  return Object.assign(base, { layersDir: resolve(cwd, layersDir), planPath: env.CNB_BP_PLAN_PATH ?? argv[2] ?? '' });
}

function phaseContext(env: NodeJS.ProcessEnv, cwd: string, platformDirGiven: string | undefined, settingsAt: SettingsAt): PhaseContext {
  const buildpackDir = env.CNB_BUILDPACK_DIR ?? resolve(import.meta.dirname ?? cwd, '..');
  const platformDir = platformDirGiven ? resolve(cwd, platformDirGiven) : '/platform';
  let info: BuildpackInfo | undefined;
  return {
    appDir: cwd,
    buildpackDir,
    platformDir,
    // Read on first use: detect never needs it, and it sits on detect's hot path.
    get buildpack() {
      info ??= readBuildpackInfo(buildpackDir);
      return info;
    },
    target: targetFromEnv(env),
    settings: settingsAt(platformDir),
  };
}

export function readBuildpackInfo(buildpackDir: string): BuildpackInfo {
  try {
    const doc = TOML.parse(readFileSync(join(buildpackDir, 'buildpack.toml'), 'utf8')) as { buildpack?: Partial<BuildpackInfo> };
    return {
      id: doc.buildpack?.id ?? 'github-assets/buildpack',
      name: doc.buildpack?.name ?? 'GitHub Assets',
      version: doc.buildpack?.version ?? '0.0.0',
    };
  } catch {
    return { id: 'github-assets/buildpack', name: 'GitHub Assets', version: '0.0.0' };
  }
}

/** CNB_TARGET_* (API 0.10), falling back to the platform this process runs on. */
export function targetFromEnv(env: NodeJS.ProcessEnv): Target {
  const nodeArch: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' };
  const variant = targetSetting(env, 'CNB_TARGET_ARCH_VARIANT');
  // The run image's distribution steers automatic selection's libc policy (musl-only distributions).
  const distroName = targetSetting(env, 'CNB_TARGET_DISTRO_NAME')?.slice(0, 64);
  const distroVersion = targetSetting(env, 'CNB_TARGET_DISTRO_VERSION')?.slice(0, 64);
  return {
    os: targetSetting(env, 'CNB_TARGET_OS') ?? (osPlatform === 'win32' ? 'windows' : osPlatform),
    arch: targetSetting(env, 'CNB_TARGET_ARCH') ?? nodeArch[osArch] ?? osArch,
    ...(variant ? { variant } : {}),
    ...(distroName ? { distro: { name: distroName, ...(distroVersion ? { version: distroVersion } : {}) } } : {}),
  };
}

/** Target names (linux, amd64, v8) go into asset patterns and messages: plain short words only (GHA007 otherwise). */
function targetSetting(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  if (!value) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/.test(value)) {
    throw settingInvalid({ kind: 'platform-name', name, value });
  }
  return value;
}
