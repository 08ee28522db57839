import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { recordStartup } from '../../src/net/timing.js';

let server: Server;
let origin = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/api') {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end('{"tag_name":"v1"}');
    } else if (req.url === '/missing') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    } else {
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(Buffer.alloc(4096, 1));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const get = async (path: string) => (await request(`${origin}${path}`)).body.arrayBuffer();

describe('start-up timing (GITHUB_ASSETS_TIMING=1)', () => {
  it('stamps the first request and answer, and the first byte only of an asset (not JSON, not an error page)', async () => {
    const timing = recordStartup(12.5, () => {});
    expect(timing.modules).toBe(12.5);
    expect(timing.runtime).toBeGreaterThan(0);
    expect(timing.firstRequest).toBeUndefined();

    await get('/api');
    expect(timing.firstRequest).toBeGreaterThan(0);
    expect(timing.firstAnswer).toBeGreaterThanOrEqual(timing.firstRequest!);
    await get('/missing');
    expect(timing.firstByte).toBeUndefined();

    const answered = timing.firstAnswer;
    await get('/asset.tar.gz');
    expect(timing.firstAnswer).toBe(answered);
    expect(timing.firstByte).toBeGreaterThanOrEqual(timing.firstAnswer!);
    const firstByte = timing.firstByte;
    await get('/asset.tar.gz');
    expect(timing.firstByte).toBe(firstByte);
  });

  it('prints one line at exit that the benchmark parses back', async () => {
    const { spawnSync } = await import('node:child_process');
    const script = `import { recordStartup } from ${JSON.stringify(new URL('../../src/net/timing.ts', import.meta.url).href)}; recordStartup(performance.now());`;
    const child = spawnSync(process.execPath, ['--experimental-strip-types', '--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status).toBe(0);
    const { parseStartupTiming } = await import('../../bench/startup.js');
    const timing = parseStartupTiming(child.stderr);
    expect(timing).toBeDefined();
    expect(timing!.modules).toBeGreaterThanOrEqual(timing!.runtime);
    expect(timing!.done).toBeGreaterThanOrEqual(timing!.modules);
    expect(timing!.cpu).toBeGreaterThan(0);
    expect(timing!.firstRequest).toBeUndefined();
  });
});
