#!/usr/bin/env node
// Builds the real grpc_health_probe from its Go module (for the demo, the gRPC sample and the
// tests), statically, for linux/amd64 or linux/arm64, cached under .cache/probe/<version>/<arch>/.
// Builds, never installs; needs `go` and the Go module proxy.
//   node scripts/probe.ts [--arch amd64|arm64] [--print]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoBuild, type GoArch } from './go-build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROBE_VERSION = '0.4.41';
const MODULE = 'github.com/grpc-ecosystem/grpc-health-probe';

export function probePath(arch: GoArch, version = PROBE_VERSION): string {
  return join(root, '.cache', 'probe', version, arch, 'grpc-health-probe');
}

/** Builds grpc_health_probe from its Go module unless cached; returns the binary's path. */
export async function ensureProbe(arch: GoArch = 'amd64', version = PROBE_VERSION): Promise<string> {
  const path = probePath(arch, version);
  await ensureGoBuild({
    source: { module: MODULE, version, packages: [MODULE] },
    goarch: arch,
    dir: dirname(path),
    isBuilt: () => existsSync(path),
  });
  return path;
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const arch = args.includes('--arch') ? args[args.indexOf('--arch') + 1] : 'amd64';
  if (arch !== 'amd64' && arch !== 'arm64') {
    console.error(`probe: unknown --arch ${arch}; use amd64 or arm64`);
    process.exit(1);
  }
  try {
    const path = await ensureProbe(arch);
    if (args.includes('--print')) console.log(path);
    else console.error(`grpc_health_probe ${PROBE_VERSION} (${arch}): ${path}`);
  } catch (err) {
    console.error(`probe: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
