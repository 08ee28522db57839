// The least a Node.js program can do for the benchmark's 1 × 1 MiB install, as a yardstick for
// bin/build's start-up (bench/results.md, start-up breakdown): one API lookup, the download with
// its redirect, sha256 against the API's digest, and the bytes written (a .tar.gz unpacked by
// node-tar, strip 1; a raw one to <out>/bin/tool). No checks, no layer, no SBOM, no retries: not a tool, only the runtime's floor.
// Classic CommonJS with built-ins required where used, the cheapest way Node.js loads a program.
// Usage: node bench/minimal-install.cjs <api-url> <owner/repo> <tag> <asset name> <out dir>
'use strict';

if (process.argv.length !== 7) throw new Error('usage: node bench/minimal-install.cjs <api-url> <owner/repo> <tag> <asset> <out dir>');
const [apiUrl, repo, tag, assetName, outDir] = /** @type {[string, string, string, string, string]} */ (process.argv.slice(2));

/**
 * @param {string} url
 * @param {Record<string, string>} headers
 * @returns {Promise<import('node:http').IncomingMessage>}
 */
function get(url, headers) {
  return new Promise((resolve, reject) => {
    const request = require('node:http').request(url, { headers: { 'user-agent': 'minimal-install', ...headers } }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 300 && status < 400 && res.headers.location) {
        res.resume();
        resolve(get(new URL(res.headers.location, url).href, {}));
      } else if (status === 200) resolve(res);
      else reject(new Error(`${url}: HTTP ${status}`));
    });
    request.on('error', reject).end();
  });
}

async function main() {
  const api = await get(`${apiUrl}/repos/${repo}/releases/tags/${encodeURIComponent(tag)}`, { accept: 'application/vnd.github+json' });
  let text = '';
  api.setEncoding('utf8');
  for await (const chunk of api) text += chunk;
  /** @type {{ assets: { name: string; browser_download_url: string; digest: string }[] }} */
  const release = JSON.parse(text);
  const asset = release.assets.find((a) => a.name === assetName);
  if (!asset) throw new Error(`${assetName}: not in the release`);
  const body = await get(asset.browser_download_url, {});
  const hash = require('node:crypto').createHash('sha256');
  const archive = assetName.endsWith('.tar.gz');
  require('node:fs').mkdirSync(archive ? outDir : `${outDir}/bin`, { recursive: true });
  const sink = archive
    ? require('tar').x({ cwd: outDir, strip: 1 })
    : require('node:fs').createWriteStream(`${outDir}/bin/tool`, { mode: 0o755 });
  const events = /** @type {import('node:events').EventEmitter} */ (sink);
  const done = new Promise((resolve, reject) => events.on('close', resolve).on('error', reject));
  for await (const chunk of body) {
    hash.update(chunk);
    if (!sink.write(chunk)) await new Promise((resolve) => events.once('drain', resolve));
  }
  sink.end();
  await done;
  const digest = `sha256:${hash.digest('hex')}`;
  if (digest !== asset.digest) throw new Error(`${assetName}: ${digest}, the API says ${asset.digest}`);
}

main().catch((err) => {
  process.stderr.write(`minimal-install: ${err.message}\n`);
  process.exitCode = 1;
});
