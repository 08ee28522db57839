// The downloader hashes chunks on arrival and writes them in ~256 KiB batches, one write queued
// behind the one in flight, pausing the body while a write or the sink holds it back. These tests
// try to break what that must keep: after any cut the bytes on disk and the hash agree (so a resume
// splices nothing), bodies of many tiny chunks arrive intact, and the sink sees one ordered stream.

import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGitHubClient } from '../../src/github/client.js';
import { memoryLogger } from '../../src/log.js';
import type { ReleaseAsset } from '../../src/model.js';
import { downloadAsset, type BodySink } from '../../src/net/download.js';
import { startFakeGitHub, type FakeGitHub } from '../support/fake-github/index.js';
import { testNetwork, type TestNetwork } from '../support/network.js';

const detached = (chunk: Uint8Array) => (chunk.buffer as ArrayBuffer).detached;

const UA = 'gha-test/1.0';
const SIGNED = { origin: 'download' as const, path: '/signed/*' };
const MiB = 1024 * 1024;

let gh: FakeGitHub;
let net: TestNetwork;
let dir: string;
let repos = 0;

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function publish(content: Buffer): Promise<ReleaseAsset> {
  const repo = `acme/tool${++repos}`;
  gh.addRepo(repo);
  gh.addRelease(repo, { tag: 'v1', assets: [{ name: 'tool.bin', content }] });
  const release = await createGitHubClient({ apiUrl: gh.apiUrl, userAgent: UA }).getRelease({ owner: 'acme', repo: `tool${repos}` }, 'v1');
  gh.resetRequests();
  gh.clearFaults(); // a cut past the end of an earlier body leaves its fault unused
  return release.assets[0]!;
}

const download = (asset: ReleaseAsset, destFile: string, sink?: BodySink) =>
  downloadAsset({
    ...(sink ? { sink } : {}),
    asset,
    destFile,
    userAgent: UA,
    dispatcher: net.dispatcher,
    retry: net.retry,
    log: memoryLogger(),
    entry: 'githubassets[1] (acme/tool)',
  });

const rangeStarts = () =>
  gh.requests.filter((r) => r.origin === 'download').map((r) => (r.headers.range ? Number(/^bytes=(\d+)-$/.exec(r.headers.range)![1]) : 0));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gha-batches-'));
  gh = await startFakeGitHub();
  net = testNetwork({ GITHUB_API_URL: gh.apiUrl });
});

afterAll(async () => {
  await net.close();
  await gh.close();
  await rm(dir, { recursive: true, force: true });
});

describe('batched writes', () => {
  it('after cuts at any byte, across batch boundaries, the resumed file and its hash match the asset exactly', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 * MiB }),
        fc.integer({ min: 1, max: 2 * MiB }),
        fc.integer({ min: 1, max: 2 }),
        async (size, cutAfterBytes, cuts) => {
          const content = randomBytes(size);
          const asset = await publish(content);
          gh.injectFault({ ...SIGNED, times: cuts, cutAfterBytes });
          const destFile = join(dir, `tool-${repos}.bin`);
          const result = await download(asset, destFile);
          expect(result).toEqual({ sha256: sha(content), bytes: size });
          expect(sha(await readFile(destFile))).toBe(sha(content));
          // Each resume starts where the bytes on disk end: never past what the cut let through, never backwards.
          const starts = rangeStarts();
          for (let i = 1; i < starts.length; i++) {
            expect(starts[i]).toBeGreaterThan(starts[i - 1]!);
            expect(starts[i]! - starts[i - 1]!).toBeLessThanOrEqual(cutAfterBytes);
          }
        },
      ),
      { numRuns: 12 },
    );
  });

  it('a body of hundreds of tiny chunks (more than one batch holds) arrives intact', async () => {
    const content = randomBytes(40_000);
    const asset = await publish(content);
    gh.injectFault({ ...SIGNED, trickle: { bytes: 97, everyMs: 1 } });
    const destFile = join(dir, 'tiny.bin');
    const result = await download(asset, destFile);
    expect(result).toEqual({ sha256: sha(content), bytes: content.length });
    expect(await readFile(destFile)).toEqual(content);
  });

  it('backpressure: while the sink holds a chunk back, no further chunk arrives, and it sees every byte in order', async () => {
    const content = randomBytes(3 * MiB + 12_345);
    const asset = await publish(content);
    const sink = new SlowSink(3);
    const result = await download(asset, join(dir, 'slow.bin'), sink);
    expect(result).toEqual({ sha256: sha(content), bytes: content.length });
    expect(Buffer.concat(sink.chunks)).toEqual(content);
    expect(sink.arrivedWhileHeld).toBe(0);
    expect(sink.held).toBeGreaterThan(0);
  });

  it('a connection reset while the sink holds the body back resumes, and the sink sees one continuous stream', async () => {
    const content = randomBytes(2 * MiB);
    const asset = await publish(content);
    gh.injectFault({ ...SIGNED, cutAfterBytes: 700_000 });
    const sink = new SlowSink(2);
    const destFile = join(dir, 'reset.bin');
    const result = await download(asset, destFile, sink);
    expect(result).toEqual({ sha256: sha(content), bytes: content.length });
    expect(await readFile(destFile)).toEqual(content);
    expect(Buffer.concat(sink.chunks)).toEqual(content);
    expect(sink.restarts).toBe(1); // the call's own start only: the resume continued the stream
    expect(rangeStarts()).toHaveLength(2);
  });

  it('a 200 answer to a Range request starts the sink over: it sees the whole body once, from byte zero', async () => {
    const content = randomBytes(2 * MiB);
    const asset = await publish(content);
    gh.injectFault({ ...SIGNED, cutAfterBytes: 900_000 });
    gh.injectFault({ ...SIGNED, respond: { status: 200, headers: { 'content-type': 'application/octet-stream' }, body: content } });
    const sink = new SlowSink(5);
    const destFile = join(dir, 'ignored-range.bin');
    const result = await download(asset, destFile, sink);
    expect(result).toEqual({ sha256: sha(content), bytes: content.length });
    expect(await readFile(destFile)).toEqual(content);
    expect(Buffer.concat(sink.chunks)).toEqual(content);
    expect(sink.restarts).toBe(2);
    expect(gh.requests.filter((r) => r.origin === 'download').map((r) => r.headers.range)).toEqual([
      undefined,
      expect.stringMatching(/^bytes=\d+-$/),
    ]);
  });

  it('chunks no reader keeps are released once hashed and on disk; chunks the sink keeps keep every byte', async () => {
    const content = randomBytes(3 * MiB + 4_321);
    const asset = await publish(content);
    const passing = new KeepingSink(false);
    const passed = join(dir, 'released.bin');
    expect(await download(asset, passed, passing)).toEqual({ sha256: sha(content), bytes: content.length });
    expect(await readFile(passed)).toEqual(content);
    // Socket reads of their own (not the first, which shares its buffer with the headers) are freed.
    expect(passing.chunks.filter(detached).length).toBeGreaterThan(0);

    const keeping = new KeepingSink(true);
    const kept = join(dir, 'kept.bin');
    expect(await download(asset, kept, keeping)).toEqual({ sha256: sha(content), bytes: content.length });
    expect(await readFile(kept)).toEqual(content);
    expect(keeping.chunks.some(detached)).toBe(false);
    expect(Buffer.concat(keeping.chunks)).toEqual(content);
  });

  it('a reader failing mid-body aborts the download with its error: the connection is dropped and the file removed', async () => {
    const content = randomBytes(4 * MiB);
    const asset = await publish(content);
    const failure = new Error('the extraction refused an entry');
    let fed = 0;
    const sink: BodySink = {
      restart: async () => {},
      write(chunk) {
        fed += chunk.length;
        if (fed > MiB) throw failure;
        return undefined;
      },
    };
    const destFile = join(dir, 'aborted.bin');
    await expect(download(asset, destFile, sink)).rejects.toBe(failure);
    await expect(readFile(destFile)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(fed).toBeLessThan(content.length); // the rest of the body was never read
    expect(gh.requests.filter((r) => r.origin === 'download')).toHaveLength(1); // not retried
  });
});

// A download is complete when every byte the server announced is on disk and hashed, even when the
// server drops the connection right after the last one: asking to resume there gets a 416 and used
// to start the whole file over (the property test above found it, now and then).
describe('a connection dropped after the last byte', () => {
  // The cases fast-check found: the first answer is cut mid-body, the resumed one brings the rest and is cut after it.
  it.each([
    [1_838_921, 1_268_853],
    [2_943_154, 2_097_143],
    [700_000, 400_000],
  ])('%i bytes, cut after %i twice: a complete download, resumed once, never started over', async (size, cutAfterBytes) => {
    const content = randomBytes(size);
    const asset = await publish(content);
    for (let round = 0; round < 4; round++) {
      gh.resetRequests();
      gh.injectFault({ ...SIGNED, times: 2, cutAfterBytes });
      const destFile = join(dir, `whole${size}-${round}.bin`);
      const result = await download(asset, destFile);
      gh.clearFaults();
      expect(result).toEqual({ sha256: sha(content), bytes: size });
      expect(await readFile(destFile)).toEqual(content);
      expect(rangeStarts()).toEqual([0, cutAfterBytes]);
    }
  });
});

/** A sink whose reader is slow: every `every`-th chunk is held back for a moment; records what it sees. */
class SlowSink implements BodySink {
  chunks: Buffer[] = [];
  restarts = 0;
  held = 0;
  arrivedWhileHeld = 0;
  private holding = false;
  private count = 0;

  constructor(private readonly every: number) {}

  async restart(): Promise<void> {
    this.restarts++;
    this.chunks = [];
  }

  write(chunk: Buffer): Promise<void> | undefined {
    if (this.holding) this.arrivedWhileHeld++;
    this.chunks.push(Buffer.from(chunk));
    if (++this.count % this.every !== 0) return undefined;
    this.held++;
    this.holding = true;
    return new Promise((resolve) =>
      setTimeout(() => {
        this.holding = false;
        resolve();
      }, 2),
    );
  }
}

/** A sink that holds on to the very chunks it is fed (no copies) and says whether it keeps them. */
class KeepingSink implements BodySink {
  chunks: Buffer[] = [];

  constructor(private readonly keeps: boolean) {}

  async restart(): Promise<void> {
    this.chunks = [];
  }

  write(chunk: Buffer): undefined {
    this.chunks.push(chunk);
  }

  keepsChunks(): boolean {
    return this.keeps;
  }
}
