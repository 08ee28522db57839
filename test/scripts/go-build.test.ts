// scripts/go-build.ts, the one Go-build helper: a repo main package is built once per content
// of its sources (a changed source gives a new binary, an unchanged one reuses the cached build),
// a finished dir is never rebuilt, and a failing build names what failed with go's own message.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureGoBinary, ensureGoBuild } from '../../scripts/go-build.ts';

let work: string;
const cacheDirs = new Set<string>();

function writeMain(dir: string, greeting: string): void {
  writeFileSync(join(dir, 'go.mod'), 'module example.com/hello\n\ngo 1.24\n');
  writeFileSync(join(dir, 'main.go'), `package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(${JSON.stringify(greeting)}) }\n`);
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'gha-go-build-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  for (const dir of cacheDirs) rmSync(dir, { recursive: true, force: true });
});

describe('go-build', () => {
  it('builds a repo main package per content of its sources and reuses an unchanged build', async () => {
    const main = mkdtempSync(join(work, 'main-'));
    const name = `go-build-test-${process.pid}`;
    writeMain(main, 'hello one');
    const first = await ensureGoBinary(main, name, 120_000);
    cacheDirs.add(dirname(first));
    expect(execFileSync(first, { encoding: 'utf8' })).toBe('hello one\n');
    const built = statSync(first);
    expect(await ensureGoBinary(main, name, 120_000)).toBe(first);
    expect([statSync(first).ino, statSync(first).mtimeMs]).toEqual([built.ino, built.mtimeMs]); // not rebuilt

    writeMain(main, 'hello two');
    const second = await ensureGoBinary(main, name, 120_000);
    cacheDirs.add(dirname(second));
    expect(second).not.toBe(first);
    expect(execFileSync(second, { encoding: 'utf8' })).toBe('hello two\n');
    expect(execFileSync(first, { encoding: 'utf8' })).toBe('hello one\n');
  });

  it('leaves a finished dir alone and leaves no work dirs behind', async () => {
    const parent = mkdtempSync(join(work, 'out-'));
    const dir = join(parent, 'bin');
    let finished = 0;
    const options = {
      source: { mainDir: join(work, 'nowhere'), name: 'x' },
      dir,
      isBuilt: () => finished > 0,
      finish: () => {
        finished++;
      },
    };
    // A finished dir short-circuits before go runs: the source dir does not even exist.
    finished = 1;
    expect(await ensureGoBuild(options)).toBe(dir);
    expect(finished).toBe(1);
    expect(readdirSync(parent)).toEqual([]);
  });

  it('fails with go’s message and the package it was building, and cleans up', async () => {
    const main = mkdtempSync(join(work, 'broken-'));
    writeMain(main, 'x');
    writeFileSync(join(main, 'main.go'), 'package main\n\nfunc main() { undefinedCall() }\n');
    const parent = mkdtempSync(join(work, 'out-'));
    const failure = ensureGoBuild({
      source: { mainDir: main, name: 'broken' },
      dir: join(parent, 'bin'),
      isBuilt: () => false,
      timeoutMs: 120_000,
    });
    await expect(failure).rejects.toThrow(new RegExp(`go build failed for ${main}:\\n[\\s\\S]*undefined: undefinedCall`));
    expect(readdirSync(parent)).toEqual([]);
  });
});
