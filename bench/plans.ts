// Hand-written analysis that the report attaches to measured results: why a goal is not met
// and what would meet it, and which other installers could not be compared and why. Text
// only; the verdicts themselves are computed from each run (report.ts).

export interface Plan {
  reason: string;
  plan: string;
}

export const PLANS: Record<string, Plan> = {};

export const OTHER_TOOLS = {
  ubiMeasured: 'ubi (crates.io `ubi-cli`, built here with cargo) takes `--api-base-url`, so it is measured against the stand-in in section 1 (column ubi).',
  ubiMissing: 'ubi (crates.io `ubi-cli`) takes `--api-base-url` and could be a column, but it was not built on this machine (set BENCH_UBI to its binary, or `cargo install ubi-cli`).',
  notPointable: [] as string[],
};
