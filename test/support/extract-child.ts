// A child-process driver for memory tests: installs one asset and prints, as JSON on stdout,
// the process's peak RSS and what was installed. Bundled with esbuild by the test, like the
// buildpack itself, and run on the pinned Node.js runtime. With `stream` as the fifth argument
// the asset arrives as the downloader delivers it (64 KiB chunks through an IncomingAsset).

import { createReadStream } from 'node:fs';
import { installAsset } from '../../src/extract/index.js';
import { IncomingAsset } from '../../src/extract/incoming.js';

const [file, outDir, assetName, strip, mode] = process.argv.slice(2);
if (!file || !outDir || !assetName) throw new Error('usage: extract-child <file> <outDir> <assetName> [stripComponents] [stream]');

const options = { assetName, stripComponents: Number(strip ?? 0), entry: 'memory-test' };
let installed: unknown;
if (mode === 'stream') {
  const incoming = new IncomingAsset();
  const installing = installAsset(file, outDir, { ...options, incoming });
  await incoming.attached;
  for await (const chunk of createReadStream(file, { highWaterMark: 64 * 1024 })) await incoming.write(chunk as Buffer);
  incoming.end();
  incoming.verified();
  installed = await installing;
} else {
  installed = await installAsset(file, outDir, options);
}
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, installed })}\n`);
