// A child-process driver for memory tests: installs one asset and prints, as JSON on stdout,
// the process's peak RSS and what was installed. Bundled with esbuild by the test, like the
// buildpack itself, and run on the pinned Node.js runtime.

import { installAsset } from '../../src/extract/index.js';

const [file, outDir, assetName, strip] = process.argv.slice(2);
if (!file || !outDir || !assetName) throw new Error('usage: extract-child <file> <outDir> <assetName> [stripComponents]');

const installed = await installAsset(file, outDir, { assetName, stripComponents: Number(strip ?? 0), entry: 'memory-test' });
// resourceUsage().maxRSS is in kilobytes.
process.stdout.write(`${JSON.stringify({ maxRssBytes: process.resourceUsage().maxRSS * 1024, installed })}\n`);
