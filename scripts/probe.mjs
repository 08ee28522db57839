#!/usr/bin/env node
// Builds the real grpc_health_probe from its Go module (for the demo, the gRPC sample and the
// tests), statically, for linux/amd64 or linux/arm64, cached under .cache/probe/<version>/.
// Builds, never installs; needs `go` and the Go module proxy.
//   node scripts/probe.mjs [--arch amd64|arm64] [--print]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const PROBE_VERSION = '0.4.41';
const MODULE = 'github.com/grpc-ecosystem/grpc-health-probe';

export function probePath(arch, version = PROBE_VERSION) {
  return join(root, '.cache', 'probe', version, `grpc_health_probe-linux-${arch}`);
}

export function ensureProbe(arch = 'amd64', version = PROBE_VERSION) {
  const out = probePath(arch, version);
  if (existsSync(out)) return out;
  mkdirSync(dirname(out), { recursive: true });
  const work = mkdtempSync(join(dirname(out), 'src-'));
  const env = { ...process.env, GOFLAGS: '-mod=mod -buildvcs=false', CGO_ENABLED: '0', GOOS: 'linux', GOARCH: arch, GOTOOLCHAIN: 'local' };
  try {
    writeFileSync(join(work, 'go.mod'), `module github-assets-buildpack/probe-build\n\ngo 1.24\n\nrequire ${MODULE} v${version}\n`);
    const go = (args) => execFileSync('go', args, { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8' });
    go(['get', `${MODULE}@v${version}`]);
    go(['build', '-trimpath', '-ldflags', '-s -w', '-o', join(work, 'probe'), MODULE]);
    renameSync(join(work, 'probe'), out);
    return out;
  } catch (err) {
    throw new Error(`building grpc_health_probe ${version} failed:\n${err.stderr || err.message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = process.argv.slice(2);
  const arch = args.includes('--arch') ? args[args.indexOf('--arch') + 1] : 'amd64';
  const path = ensureProbe(arch);
  if (args.includes('--print')) console.log(path);
  else console.error(`grpc_health_probe ${PROBE_VERSION} (${arch}): ${path}`);
}
