#!/usr/bin/env node
// Builds the real grpc_health_probe from its Go module (for the demo, the gRPC sample and the
// tests), statically, for linux/amd64 or linux/arm64, cached under .cache/probe/<version>/<arch>/.
// Builds, never installs; needs `go` and the Go module proxy.
//   node scripts/probe.mjs [--arch amd64|arm64] [--print]
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureGoBuild } from './go-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROBE_VERSION = '0.4.41';
const MODULE = 'github.com/grpc-ecosystem/grpc-health-probe';

export function probePath(arch, version = PROBE_VERSION) {
  return join(root, '.cache', 'probe', version, arch, 'grpc-health-probe');
}

export function ensureProbe(arch = 'amd64', version = PROBE_VERSION) {
  const path = probePath(arch, version);
  const previous = process.env.GOARCH;
  process.env.GOARCH = arch; // go-build passes the environment through; cross-compiles statically (CGO off)
  try {
    ensureGoBuild({ module: MODULE, version, packages: [MODULE], dir: dirname(path), isBuilt: () => existsSync(path) });
  } finally {
    if (previous === undefined) delete process.env.GOARCH;
    else process.env.GOARCH = previous;
  }
  return path;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const arch = args.includes('--arch') ? args[args.indexOf('--arch') + 1] : 'amd64';
  const path = ensureProbe(arch);
  if (args.includes('--print')) console.log(path);
  else console.error(`grpc_health_probe ${PROBE_VERSION} (${arch}): ${path}`);
}
