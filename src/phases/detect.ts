// Detect: passes when the descriptor lists githubassets entries, with a build plan that
// provides and requires "github-assets" (cnb/output.ts writes it). Validates the entries so a
// typo fails here, with the reason, instead of silently skipping the buildpack. No network.

import type { DetectContext } from '../cnb/context.js';
import type { BuildPlan } from '../cnb/output.js';
import { loadDescriptor } from '../descriptor/read.js';

const PLAN_NAME = 'github-assets';

export type DetectResult = { plan: BuildPlan } | 'fail';

export async function detect(ctx: DetectContext): Promise<DetectResult> {
  const descriptor = loadDescriptor(ctx.appDir, ctx.settings.descriptorPath);
  if (!descriptor || descriptor.specs.length === 0) return 'fail';
  return {
    plan: {
      provides: [{ name: PLAN_NAME }],
      requires: [{ name: PLAN_NAME, metadata: { repos: [...new Set(descriptor.specs.map((s) => s.repo))] } }],
    },
  };
}
