// A download is complete when every byte the server announced is on disk and hashed, even when the
// server drops the connection right after the last one: asking to resume there gets a 416 and used
// to start the whole file over (download-batches.test.ts's property test found it, now and then).

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { memoryLogger } from '../../src/log.js';
import { downloadAsset } from '../../src/net/download.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { testNetwork, type TestNetwork } from '../support/network.js';

const UA = 'gha-test/1.0';
let gh: FakeGitHub;
let net: TestNetwork;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-complete-'));
  gh = await startFakeGitHub();
  net = testNetwork({ GITHUB_API_URL: gh.apiUrl });
});

afterAll(async () => {
  await net.close();
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a connection dropped after the last byte', () => {
  // The case fast-check found: the first answer is cut mid-body, the resumed one brings the rest and is cut after it.
  it.each([
    [1_838_921, 1_268_853],
    [2_943_154, 2_097_143],
    [700_000, 400_000],
  ])('%i bytes, cut after %i twice: a complete download, resumed once, never started over', async (size, cutAfterBytes) => {
    const content = randomBytes(size);
    const repo = `acme/whole${size}`;
    gh.addRepo(repo);
    gh.addRelease(repo, { tag: 'v1', assets: [{ name: 'tool.bin', content }] });
    const release = await createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA }).getRelease(
      { owner: 'acme', repo: `whole${size}` },
      'v1',
    );
    for (let round = 0; round < 4; round++) {
      gh.resetRequests();
      gh.injectFault({ origin: 'download', path: '/signed/*', times: 2, cutAfterBytes });
      const destFile = join(dir, `whole${size}-${round}.bin`);
      const result = await downloadAsset({
        asset: release.assets[0]!,
        destFile,
        userAgent: UA,
        dispatcher: net.dispatcher,
        retry: net.retry,
        log: memoryLogger(),
      });
      gh.clearFaults();
      expect(result.bytes).toBe(size);
      expect(result.sha256).toBe(createHash('sha256').update(content).digest('hex'));
      expect(await readFile(destFile)).toEqual(content);
      expect(gh.requests.filter((r) => r.origin === 'download').map((r) => r.headers.range ?? 'whole')).toEqual([
        'whole',
        `bytes=${cutAfterBytes}-`,
      ]);
    }
  });
});
