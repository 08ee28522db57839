// The README's first command (npm run demo): installs grpc_health_probe into a layers dir
// the way `pack build` would, against a local GitHub stand-in, then runs the installed probe
// by its absolute path. Nothing leaves the machine.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startFakeGitHub } from '../test/support/fake-github/index.ts';
import { createWorkspace, runBuild, runDetect } from '../test/support/cnb.ts';
import { ensureGoBinary } from './go-build.ts';

const root = resolve(process.argv[2] ?? '.');
const probes = { amd64: process.argv[3]!, arm64: process.argv[4] };
const sample = join(root, 'samples', 'grpc-probe');
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const checksums = Object.entries(probes)
  .filter((pair): pair is [string, string] => Boolean(pair[1]))
  .map(([arch, path]) => `${sha256(path)}  grpc_health_probe-linux-${arch}\n`)
  .join('');

const gh = await startFakeGitHub();
const ws = createWorkspace();
try {
  gh.addRepo('grpc-ecosystem/grpc-health-probe');
  gh.addRelease('grpc-ecosystem/grpc-health-probe', {
    tag: 'v0.4.41',
    assets: [
      { name: 'grpc_health_probe-linux-amd64', content: { path: probes.amd64 } },
      ...(probes.arm64 ? [{ name: 'grpc_health_probe-linux-arm64', content: { path: probes.arm64 } }] : []),
      { name: 'checksums.txt', content: checksums },
    ],
  });
  console.log(`== local GitHub stand-in: API ${gh.apiUrl}, downloads ${gh.downloadUrl}`);
  cpSync(sample, ws.appDir, { recursive: true });
  console.log(`== app: samples/grpc-probe\n${readFileSync(join(ws.appDir, 'project.toml'), 'utf8').replace(/^/gm, '   | ')}`);

  const detect = await runDetect(ws, {}, root);
  console.log(`== bin/detect: exit ${detect.code}${detect.code === 0 ? ' (pass)' : ''}`);
  if (detect.code !== 0) throw new Error(detect.output);

  console.log('== bin/build');
  const build = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl }, root);
  process.stdout.write(build.output.replace(/^/gm, '   | '));
  if (build.code !== 0) throw new Error(`bin/build exited ${build.code}`);

  const probe = join(ws.layersDir, 'grpc-ecosystem_grpc-health-probe', 'bin', 'grpc_health_probe');
  console.log('\n== starting the sample gRPC server (samples/grpc-probe/server) with the standard health service');
  const serverBin = await ensureGoBinary(join(sample, 'server'), 'grpc-probe-server');
  const server = spawn(serverBin, [], { env: { ...process.env, HOST: '127.0.0.1', PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const addr = await new Promise<string>((resolveAddr, reject) => {
      const timer = setTimeout(() => reject(new Error('the sample server did not start within 10 s')), 10_000);
      server.stdout!.on('data', (chunk: Buffer) => {
        const m = /listening on (\S+)/.exec(chunk.toString());
        if (m) {
          clearTimeout(timer);
          resolveAddr(m[1]!);
        }
      });
    });
    const check = (what: string) => {
      console.log(`$ ${probe} -addr=${addr}    # ${what}`);
      const r = spawnSync(probe, [`-addr=${addr}`, '-connect-timeout=2s'], { encoding: 'utf8' });
      console.log(`${(r.stdout + r.stderr).trim()}\n(exit ${r.status})`);
    };
    console.log('\n== running the installed probe by its absolute path, as a Kubernetes exec probe would');
    check('while SERVING: exit 0');
    server.kill('SIGUSR1');
    await new Promise((r) => setTimeout(r, 300));
    check('after the server reports NOT_SERVING: exit 4');
  } finally {
    server.kill('SIGTERM');
  }
  console.log(`\n== layers dir kept for inspection: ${ws.layersRoot}`);
  console.log(
    `   in an image built with pack this path is /layers/github-assets_buildpack/grpc-ecosystem_grpc-health-probe/bin/grpc_health_probe`,
  );
} catch (err) {
  rmSync(ws.root, { recursive: true, force: true });
  console.error(`demo failed: ${(err as Error).message}`);
  process.exitCode = 1;
} finally {
  await gh.close();
}
