// Detect: passes when the descriptor lists githubassets entries, and writes a build plan
// that provides and requires "github-assets". Validates the entries so a typo fails here,
// with the reason, instead of silently skipping the buildpack. No network.

import { writeFileSync } from 'node:fs';
import TOML from '@iarna/toml';
import type { DetectContext } from '../cnb/context.js';
import { ExitCode } from '../cnb/run.js';
import { loadDescriptor } from '../descriptor/read.js';

export const PLAN_NAME = 'github-assets';

export async function detect(ctx: DetectContext): Promise<number> {
  const descriptor = loadDescriptor(ctx.appDir, ctx.settings.descriptorPath);
  if (!descriptor || descriptor.specs.length === 0) return ExitCode.Fail;
  const plan = {
    provides: [{ name: PLAN_NAME }],
    requires: [{ name: PLAN_NAME, metadata: { repos: [...new Set(descriptor.specs.map((s) => s.repo))] } }],
  };
  writeFileSync(ctx.planPath, TOML.stringify(plan as unknown as TOML.JsonMap));
  return ExitCode.Pass;
}
