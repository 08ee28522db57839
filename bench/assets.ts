// Generates the benchmark's release assets once per run: a raw "executable" and a .tar.gz
// holding it, per size. Content is half random 4 KiB blocks (machine code stand-in) and half
// repetitive text (symbol tables, strings), so gzip finds about 1.9:1, like real binaries.

import { execFile, execFileSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { closeSync, linkSync, mkdirSync, openSync, readSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const MiB = 1024 * 1024;

export interface AssetFiles {
  sizeMiB: number;
  /** The uncompressed file: starts with an ELF header, so it installs as an executable. */
  raw: string;
  rawBytes: number;
  /** tool-1.0/{bin/tool,LICENSE,README.md}, gzip -6 (GNU tar's default compressor settings). */
  targz: string;
  targzBytes: number;
}

const BLOCK = 4096;
const TEXT = Buffer.from('runtime.gcBgMarkWorker github.com/acme/tool/internal/cmd.(*Runner).Execute main.main\n'.repeat(64)).subarray(
  0,
  BLOCK,
);
const ELF_HEADER = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]);

/** Writes `bytes` of binary-like content to `path`. */
export function writeBinaryLike(path: string, bytes: number): void {
  const chunk = Buffer.alloc(MiB);
  const fd = openSync(path, 'w', 0o755);
  try {
    let written = 0;
    while (written < bytes) {
      for (let off = 0; off < chunk.length; off += BLOCK) {
        const block = chunk.subarray(off, off + BLOCK);
        if ((off / BLOCK) % 2 === 0) randomFillSync(block);
        else TEXT.copy(block);
      }
      if (written === 0) ELF_HEADER.copy(chunk, 0);
      const n = Math.min(chunk.length, bytes - written);
      writeSync(fd, chunk, 0, n);
      written += n;
    }
  } finally {
    closeSync(fd);
  }
}

/** Raw file and tar.gz for each size, generated in parallel (gzip is the slow part). */
export async function generateAssets(dir: string, sizesMiB: number[]): Promise<Map<number, AssetFiles>> {
  const out = new Map<number, AssetFiles>();
  const jobs = sizesMiB.map(async (sizeMiB) => {
    const base = join(dir, `${sizeMiB}mib`);
    const tree = join(base, 'tree', 'tool-1.0');
    mkdirSync(join(tree, 'bin'), { recursive: true });
    const raw = join(base, 'tool-linux-amd64');
    writeBinaryLike(raw, sizeMiB * MiB);
    linkSync(raw, join(tree, 'bin', 'tool'));
    writeFileSync(join(tree, 'LICENSE'), 'Apache-2.0\n');
    writeFileSync(join(tree, 'README.md'), '# tool\n');
    const targz = join(base, 'tool-linux-amd64.tar.gz');
    // A child process per size, so sizes compress concurrently.
    await new Promise<void>((resolve, reject) => {
      execFile('sh', ['-c', 'tar -C "$1" -cf - tool-1.0 | gzip -6 > "$2"', 'sh', join(base, 'tree'), targz], (err) =>
        err ? reject(err) : resolve(),
      );
    });
    out.set(sizeMiB, { sizeMiB, raw, rawBytes: statSync(raw).size, targz, targzBytes: statSync(targz).size });
  });
  await Promise.all(jobs);
  return out;
}

/** sha256 of a file via sha256sum (streams; the fake otherwise hashes every copy it serves). */
export function sha256File(path: string): string {
  return execFileSync('sha256sum', [path], { encoding: 'utf8' }).split(' ')[0]!;
}

/**
 * sha256 speed of this process (node:crypto: the OpenSSL bin/build hashes with), in MiB/s: the best
 * of three passes over up to 64 MiB of `path` held in memory, so no disk read is counted.
 */
export function sha256Speed(path: string): number {
  const fd = openSync(path, 'r');
  let bytes: Buffer;
  try {
    bytes = Buffer.alloc(Math.min(statSync(path).size, 64 * MiB));
    readSync(fd, bytes, 0, bytes.length, 0);
  } finally {
    closeSync(fd);
  }
  let best = Infinity;
  for (let pass = 0; pass < 3; pass++) {
    const started = performance.now();
    createHash('sha256').update(bytes).digest();
    best = Math.min(best, performance.now() - started);
  }
  return bytes.length / MiB / (best / 1000);
}
