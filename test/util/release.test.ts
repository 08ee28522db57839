// releaseChunk frees a chunk's memory at once, but only a chunk that is its buffer's sole view:
// a slice of a larger buffer (Node's Buffer pool, a read shared with other bytes) keeps its bytes.

import { describe, expect, it } from 'vitest';
import { handOver, releaseChunk, releaseHandedOver } from '../../src/util/release.js';

// The project's TypeScript libraries (es2024, no DOM) do not declare WebAssembly.
declare const WebAssembly: { Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer } };
const detached = (chunk: Uint8Array) => (chunk.buffer as ArrayBuffer).detached;

describe('releaseChunk', () => {
  it('releases a chunk that spans its own buffer: the buffer is detached and the chunk empty', () => {
    const chunk = Buffer.allocUnsafeSlow(64 * 1024).fill(7);
    expect(releaseChunk(chunk)).toBe(true);
    expect(detached(chunk)).toBe(true);
    expect(chunk.length).toBe(0);
    expect(releaseChunk(chunk)).toBe(false); // twice changes nothing
  });

  it('leaves a slice of a larger buffer, and the bytes around it, alone', () => {
    const whole = Buffer.allocUnsafeSlow(64 * 1024).fill(3);
    const head = whole.subarray(0, 1024);
    const tail = whole.subarray(1024);
    expect(releaseChunk(head)).toBe(false);
    expect(releaseChunk(tail)).toBe(false);
    expect(detached(whole)).toBe(false);
    expect(head.every((b) => b === 3)).toBe(true);
    expect(tail.length).toBe(63 * 1024);
  });

  it("never detaches Node's shared Buffer pool under a small buffer", () => {
    const first = Buffer.from('first');
    const second = Buffer.from('second');
    expect(first.buffer).toBe(second.buffer); // both slices of the pool
    expect(releaseChunk(first)).toBe(false);
    expect(second.toString()).toBe('second');
    expect(Buffer.from('third').toString()).toBe('third');
  });

  it('leaves a buffer that cannot be detached (WebAssembly memory) to the collector', () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const view = new Uint8Array(memory.buffer);
    view[0] = 9;
    expect(releaseChunk(view)).toBe(false);
    expect(new Uint8Array(memory.buffer)[0]).toBe(9);
  });

  it('a chunk handed over is released by its reader, once; one never handed over keeps its bytes', () => {
    const handed = Buffer.allocUnsafeSlow(1024).fill(1);
    const kept = Buffer.allocUnsafeSlow(1024).fill(2);
    handOver(handed);
    releaseHandedOver(handed);
    releaseHandedOver(kept);
    expect(detached(handed)).toBe(true);
    expect(detached(kept)).toBe(false);
    expect(kept.every((b) => b === 2)).toBe(true);
  });
});
