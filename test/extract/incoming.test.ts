// IncomingAsset, the queue between a download and the extraction running alongside it: bounded
// (the download is held back, never buffered without limit), one pass per start from byte zero,
// and the download's file kept until the extraction has taken over the stream.

import { describe, expect, it } from 'vitest';
import { IncomingAsset } from '../../src/extract/incoming.js';
import { releaseHandedOver } from '../../src/util/release.js';

const detached = (chunk: Uint8Array) => (chunk.buffer as ArrayBuffer).detached;

const CHUNK = 64 * 1024;
const chunk = (fill: number) => Buffer.alloc(CHUNK, fill);

/** Feeds chunks until the sink asks the download to wait; returns how many bytes it took. */
function feedUntilHeld(incoming: IncomingAsset, max = 1000): { bytes: number; held: Promise<void> | undefined } {
  let bytes = 0;
  for (let i = 0; i < max; i++) {
    const held = incoming.write(chunk(i & 0xff));
    bytes += CHUNK;
    if (held) return { bytes, held };
  }
  return { bytes, held: undefined };
}

describe('IncomingAsset', () => {
  it('holds the download back once 256 KiB waits for the reader, and lets it go as the reader catches up', async () => {
    const incoming = new IncomingAsset();
    const pass = incoming.open();
    const { bytes, held } = feedUntilHeld(incoming);
    expect(held).toBeDefined();
    expect(bytes).toBe(256 * 1024);
    let released = false;
    void held!.then(() => (released = true));
    const reader = pass[Symbol.asyncIterator]();
    let read = 0;
    while (!released) {
      const next = await reader.next();
      read += (next.value as Buffer).length;
      await Promise.resolve();
    }
    expect(read).toBeGreaterThan(0);
    expect(read).toBeLessThanOrEqual(bytes);
  });

  it('hands the reader every byte in order, in batches, and ends when the download ends', async () => {
    const incoming = new IncomingAsset();
    const pass = incoming.open();
    const sent: Buffer[] = [];
    const reading = (async () => {
      const got: Buffer[] = [];
      for await (const part of pass) got.push(part);
      return Buffer.concat(got);
    })();
    for (let i = 0; i < 40; i++) {
      const part = Buffer.alloc(1000 + i * 997, i);
      sent.push(part);
      await incoming.write(part);
    }
    incoming.end();
    expect((await reading).equals(Buffer.concat(sent))).toBe(true);
    expect(await pass.end).toBe('ended');
    expect(incoming.received).toBe(Buffer.concat(sent).length);
  });

  it('a restart ends the pass being read and waits until the extraction opens the next one', async () => {
    const incoming = new IncomingAsset();
    const first = incoming.open();
    incoming.write(chunk(1));
    let restarted = false;
    const restart = incoming.restart().then(() => (restarted = true));
    expect(await first.end).toBe('restarted');
    await expect(first[Symbol.asyncIterator]().next()).rejects.toThrow(/started again/);
    await Promise.resolve();
    expect(restarted).toBe(false);
    const second = incoming.open();
    await restart;
    expect(second).not.toBe(first);
    expect(incoming.received).toBe(0);
  });

  it('the file is needed until the extraction streams the pass, and again after a restart', async () => {
    const incoming = new IncomingAsset();
    const pass = incoming.open();
    expect(incoming.needsFile()).toBe(true);
    incoming.streaming(pass);
    expect(incoming.needsFile()).toBe(false);
    incoming.write(chunk(2));
    const restart = incoming.restart();
    expect(incoming.needsFile()).toBe(true);
    incoming.streaming(pass); // the old pass: changes nothing
    expect(incoming.needsFile()).toBe(true);
    incoming.open();
    await restart;
  });

  it('once the pass is streamed it releases the chunks it joins for the reader; earlier ones may still be written to the file', async () => {
    const incoming = new IncomingAsset();
    const pass = incoming.open();
    const reader = pass[Symbol.asyncIterator]();
    const early = [Buffer.allocUnsafeSlow(CHUNK).fill(1), Buffer.allocUnsafeSlow(CHUNK).fill(2)];
    for (const part of early) incoming.write(part);
    expect(incoming.keepsChunks()).toBe(true);
    expect(((await reader.next()).value as Buffer).equals(Buffer.concat([chunk(1), chunk(2)]))).toBe(true);
    expect(early.every((part) => !detached(part))).toBe(true); // the download may still write them

    incoming.streaming(pass);
    const late = [Buffer.allocUnsafeSlow(CHUNK).fill(3), Buffer.allocUnsafeSlow(CHUNK).fill(4)];
    for (const part of late) incoming.write(part);
    const batch = (await reader.next()).value as Buffer;
    expect(batch.equals(Buffer.concat([chunk(3), chunk(4)]))).toBe(true);
    expect(late.every(detached)).toBe(true);
    // The joined batch is the reader's to release (a decoder does once it consumed it).
    releaseHandedOver(batch);
    expect(detached(batch)).toBe(true);

    // A reader that stopped keeps nothing: the download releases what it writes.
    await reader.return!(undefined);
    expect(incoming.keepsChunks()).toBe(false);
  });

  it('a failure after the last byte (a mismatch) stops a reader that has not caught up, without the rest', async () => {
    const incoming = new IncomingAsset();
    const pass = incoming.open();
    for (let i = 0; i < 3; i++) incoming.write(chunk(i));
    incoming.end();
    const reader = pass[Symbol.asyncIterator]();
    expect(((await reader.next()).value as Buffer).length).toBe(2 * CHUNK);
    incoming.fail(new Error('sha256 mismatch'));
    await expect(reader.next()).rejects.toThrow('sha256 mismatch');
    expect(await pass.end).toBe('ended'); // as far as the download is concerned
  });

  it('an extraction that waits for the file never holds the download back, and learns of a failure', async () => {
    const incoming = new IncomingAsset();
    incoming.open();
    incoming.detach();
    expect(feedUntilHeld(incoming, 100).held).toBeUndefined();
    await incoming.restart(); // nothing to wait for: no pass is read
    expect(feedUntilHeld(incoming, 100).held).toBeUndefined();
    incoming.fail(new Error('digest mismatch'));
    await expect(incoming.verifiedFile).rejects.toThrow('digest mismatch');
  });
});
