import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { lazy } from '../../src/util/lazy.js';

describe('lazy', () => {
  it('loads once however many callers ask, and before anyone asks loads nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 20 }), async (callers) => {
        let loads = 0;
        const load = lazy(async () => ({ n: ++loads }));
        expect(loads).toBe(0);
        const results = await Promise.all(Array.from({ length: callers }, () => load()));
        expect(loads).toBe(1);
        expect(new Set(results).size).toBe(1);
        expect(await load()).toBe(results[0]);
      }),
    );
  });

  it('a failed load is not remembered: the next call tries again', async () => {
    let attempts = 0;
    const load = lazy(async () => {
      attempts++;
      if (attempts === 1) throw new Error('chunk missing');
      return 'ok';
    });
    await expect(load()).rejects.toThrow('chunk missing');
    await expect(load()).resolves.toBe('ok');
    expect(attempts).toBe(2);
  });

  it('a real module behind a dynamic import: the same namespace object every time', async () => {
    const load = lazy(() => import('../../src/extract/decompress.js'));
    const first = await load();
    expect(typeof first.openDecompressed).toBe('function');
    expect(await load()).toBe(first);
  });
});
