// bin/build end to end with provenance checks: a local Sigstore (test CA with Fulcio
// extensions, log key) whose trusted_root.json is passed with GITHUB_ASSETS_TRUSTED_ROOT, and
// attestations served by the fake GitHub. Every kind of bad provenance fails with its own code
// and leaves no layer; a good one is recorded in the layer metadata and the SBOM.

import { beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { fakeGitHubForFile, fixturesDirForFile, workspacePerTest } from '../support/e2e.js';
import { runBuild, runCli } from '../support/cnb.js';
import { createTestSigstore, type BundleOptions, type TestSigstore } from '../support/sigstore.js';

const gh = await fakeGitHubForFile();
let sigstore: TestSigstore;
const fixtures = fixturesDirForFile('gha-attest-');
let trustedRootPath: string;
const ws = workspacePerTest();

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A small executable script, different every time (so every asset has its own digest). */
const script = () => Buffer.from(`#!/bin/sh\necho ${randomBytes(16).toString('hex')}\n`);

/** A repo with one release holding `tool`, attested (or not) as `attest` says. */
async function repoWithAsset(
  repo: string,
  attest?: Omit<BundleOptions, 'identity'> & { identity?: BundleOptions['identity']; otherBytes?: boolean },
): Promise<Buffer> {
  const bytes = script();
  gh.addRepo(repo);
  gh.addRelease(repo, { tag: 'v1.0.0', assets: [{ name: 'tool', content: bytes }] });
  if (attest) {
    const subject = attest.otherBytes ? sha(randomBytes(8)) : sha(bytes);
    gh.addAttestation(
      repo,
      sha(bytes),
      await sigstore.attest([{ name: 'tool', sha256: subject }], { identity: { signerRepo: repo }, ...attest }),
    );
  }
  return bytes;
}

beforeAll(async () => {
  sigstore = await createTestSigstore();
  trustedRootPath = join(fixtures, 'trusted_root.json');
  writeFileSync(trustedRootPath, JSON.stringify(sigstore.trustedRoot));

  await repoWithAsset('acme/good', {});
  await repoWithAsset('acme/other-bytes', { otherBytes: true });
  await repoWithAsset('acme/other-repo', { identity: { signerRepo: 'mallory/tool' } });
  await repoWithAsset('acme/other-workflow', {
    identity: { signerRepo: 'acme/other-workflow', workflow: '.github/workflows/nightly.yml' },
  });
  await repoWithAsset('acme/expired', { certificate: 'expired' });
  await repoWithAsset('acme/untrusted', { certificate: 'untrusted-ca' });
  await repoWithAsset('acme/tampered', { tamperSignature: true });
  await repoWithAsset('acme/no-tlog', { tlog: 'none' });
  await repoWithAsset('acme/none');
  // As github.com answers today: no inline bundle, a pre-signed bundle_url serving Snappy-compressed JSON.
  const byUrl = await repoWithAsset('acme/by-url');
  gh.addAttestation(
    'acme/by-url',
    sha(byUrl),
    await sigstore.attest([{ name: 'tool', sha256: sha(byUrl) }], { identity: { signerRepo: 'acme/by-url' } }),
    { via: 'url' },
  );

  // Releases with a checksums file signed the GoReleaser way (cosign sign-blob --bundle).
  for (const [repo, how] of [
    ['acme/signed-sums', 'valid'],
    ['acme/forged-sums', 'forged'],
    ['acme/sums-other-signer', 'other-signer'],
  ] as const) {
    const bytes = script();
    const sums = Buffer.from(`${sha(bytes)}  tool\n`);
    const signed = how === 'forged' ? Buffer.from(`${sha(randomBytes(4))}  tool\n`) : sums;
    const bundle = await sigstore.signBlob(signed, { identity: { signerRepo: how === 'other-signer' ? 'mallory/tool' : repo } });
    gh.addRepo(repo);
    gh.addRelease(repo, {
      tag: 'v1.0.0',
      assets: [
        { name: 'tool', content: bytes },
        { name: 'checksums.txt', content: sums },
        { name: 'checksums.txt.sigstore.json', content: Buffer.from(JSON.stringify(bundle)) },
      ],
    });
  }
  // A checksums file signed only as .sig + .pem (no Sigstore bundle, so no log proof to check offline); the asset itself is attested.
  const sigPem = script();
  gh.addRepo('acme/sig-pem-sums');
  gh.addRelease('acme/sig-pem-sums', {
    tag: 'v1.0.0',
    assets: [
      { name: 'tool', content: sigPem },
      { name: 'checksums.txt', content: Buffer.from(`${sha(sigPem)}  tool\n`) },
      { name: 'checksums.txt.sig', content: Buffer.from('MEUCIQDsignature==\n') },
      { name: 'checksums.txt.pem', content: Buffer.from('-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n') },
    ],
  });
  gh.addAttestation(
    'acme/sig-pem-sums',
    sha(sigPem),
    await sigstore.attest([{ name: 'tool', sha256: sha(sigPem) }], { identity: { signerRepo: 'acme/sig-pem-sums' } }),
  );
});

function entry(repo: string, extra = ''): string {
  return `[[metadata.githubassets]]\nrepo = "${repo}"\nasset = "tool"\ndestination = "bin/tool"\n${extra}`;
}

function build(project: string, extra: Record<string, string> = {}) {
  ws.writeApp({ 'project.toml': project });
  return runBuild(ws, { GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_TRUSTED_ROOT: trustedRootPath, ...extra });
}

const layerOf = (repo: string) => repo.replace('/', '_');

describe('bin/build verifies GitHub artifact attestations', () => {
  it('installs an attested asset and records who built it in the layer metadata and the SBOM', async () => {
    const result = await build(entry('acme/good'));
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Attested  built by https://github.com/acme/good/.github/workflows/release.yml@refs/tags/v1.0.0');
    const toml = TOML.parse(readFileSync(join(ws.layersDir, 'acme_good.toml'), 'utf8')) as {
      metadata: { entries: { provenance: Record<string, string>; sha256: string }[] };
    };
    const record = toml.metadata.entries[0]!;
    expect(record.provenance).toMatchObject({
      signer_workflow: 'https://github.com/acme/good/.github/workflows/release.yml@refs/tags/v1.0.0',
      source_repo: 'https://github.com/acme/good',
      source_commit: 'c0ffee0000000000000000000000000000000001',
      predicate_type: 'https://slsa.dev/provenance/v1',
      sha256: record.sha256,
    });
    expect(record.provenance.tlog_index).toMatch(/^\d+$/);
    const sbom = JSON.parse(readFileSync(join(ws.layersDir, 'acme_good.sbom.cdx.json'), 'utf8'));
    const props = Object.fromEntries(sbom.components[0].properties.map((p: { name: string; value: string }) => [p.name, p.value]));
    expect(props['github-assets:provenance:signer-workflow']).toBe(record.provenance.signer_workflow);
    expect(props['github-assets:provenance:source-commit']).toBe('c0ffee0000000000000000000000000000000001');
    expect(props['github-assets:provenance:tlog-index']).toBe(record.provenance.tlog_index);

    // A rebuild that reuses the layer does not ask for attestations again.
    gh.resetRequests();
    const again = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_TRUSTED_ROOT: trustedRootPath });
    expect(again.code, again.output).toBe(0);
    expect(gh.countRequests({ path: /\/attestations\// })).toBe(0);
    // …unless the policy now asks for a signer the record does not show.
    ws.writeApp({ 'project.toml': entry('acme/good', 'signer_workflow = "acme/good/.github/workflows/other.yml"\n') });
    const stricter = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_TRUSTED_ROOT: trustedRootPath });
    expect(stricter.code).toBe(1);
    expect(stricter.output).toContain('ERROR [GHA035]');
  });

  it('asks for the attestations of the digest GitHub announced while the asset downloads, once per install', async () => {
    const attestationRequests = () => gh.countRequests({ path: /\/repos\/acme\/good\/attestations\// });
    gh.resetRequests();
    const result = await build(entry('acme/good'));
    expect(result.code, result.output).toBe(0);
    expect(attestationRequests()).toBe(1);
    // The lookup starts with the download, not after it: a download that takes a while and then
    // brings other bytes has seen it go out, and nothing is installed (the digest check fails first).
    gh.resetRequests();
    rmSync(ws.layersDir, { recursive: true, force: true });
    gh.injectFault({ origin: 'download', delayMs: 1000, respond: { status: 200, body: 'other bytes' }, times: Infinity });
    const failed = await build(entry('acme/good'));
    gh.clearFaults();
    expect(failed.code, failed.output).toBe(1);
    expect(failed.output).toContain('ERROR [GHA');
    expect(attestationRequests()).toBe(1);
    expect(existsSync(join(ws.layersDir, 'acme_good'))).toBe(false);
  });

  it('reads a bundle served only by bundle_url (Snappy-compressed), without sending the token there', async () => {
    ws.setPlatformEnv('GITHUB_TOKEN', 'ghp_attestTestToken0123456789abcdefABCD');
    gh.addToken('ghp_attestTestToken0123456789abcdefABCD', { repos: '*' });
    const result = await build(entry('acme/by-url'));
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('Attested  built by https://github.com/acme/by-url/.github/workflows/release.yml@refs/tags/v1.0.0');
    const blobRequests = gh.requests.filter((r) => r.path.startsWith('/attestation-bundles/'));
    expect(blobRequests.length).toBe(1);
    expect(blobRequests[0]!.headers.authorization).toBeUndefined();
  });

  it.each([
    ['acme/other-bytes', 'GHA034', '', 'the attestation is for other bytes'],
    ['acme/other-repo', 'GHA035', '', 'signer_repo: expected acme/other-repo, the certificate says mallory/tool'],
    [
      'acme/other-workflow',
      'GHA035',
      'signer_workflow = "acme/other-workflow/.github/workflows/release.yml"\n',
      'expected acme/other-workflow/.github/workflows/release.yml, the certificate says acme/other-workflow/.github/workflows/nightly.yml',
    ],
    ['acme/expired', 'GHA036', '', 'was not valid when it signed'],
    ['acme/untrusted', 'GHA036', '', 'does not chain to a trusted root'],
    ['acme/tampered', 'GHA036', '', 'signature over tool is invalid'],
    ['acme/no-tlog', 'GHA037', '', 'no transparency-log entry'],
    ['acme/none', 'GHA033', 'attestations = "required"\n', 'no SLSA provenance attestation'],
  ])('%s fails with %s and installs nothing', async (repo, code, extra, text) => {
    const result = await build(entry(repo, extra));
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`ERROR [${code}] githubassets[1] (${repo}):`);
    expect(result.output).toContain(text);
    expect(existsSync(join(ws.layersDir, layerOf(repo)))).toBe(false);
  });

  it('GITHUB_ASSETS_ATTESTATIONS=required applies to entries that do not set attestations', async () => {
    const result = await build(entry('acme/none'), { GITHUB_ASSETS_ATTESTATIONS: 'required' });
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA033]');
    const off = await build(entry('acme/none', 'attestations = "auto"\n'), { GITHUB_ASSETS_ATTESTATIONS: 'required' });
    expect(off.code, off.output).toBe(0);
  });

  it('auto with no attestation installs and says so; off does not ask', async () => {
    const result = await build(entry('acme/none'));
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('no SLSA provenance attestation for sha256:');
    expect(result.stdout).toContain('provenance not checked (attestations = auto)');
    gh.resetRequests();
    ws.startOver();
    const off = await build(entry('acme/other-repo', 'attestations = "off"\n'));
    expect(off.code, off.output).toBe(0);
    expect(gh.countRequests({ path: /\/attestations\// })).toBe(0);
  });

  it('an unreadable GITHUB_ASSETS_TRUSTED_ROOT is GHA038, not a silent pass', async () => {
    const bad = join(fixtures, 'not-a-root.json');
    writeFileSync(bad, '{"mediaType": 1}');
    const result = await build(entry('acme/good'), { GITHUB_ASSETS_TRUSTED_ROOT: bad });
    expect(result.code).toBe(1);
    expect(result.output).toContain('ERROR [GHA038]');
  });
});

describe('bin/build verifies signed checksums files', () => {
  it('trusts a checksums file whose Sigstore signature verifies', async () => {
    const result = await build(entry('acme/signed-sums'));
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain(
      'checksums.txt signed by https://github.com/acme/signed-sums/.github/workflows/release.yml@refs/tags/v1.0.0',
    );
  });

  it.each([
    ['acme/forged-sums', 'GHA034'],
    ['acme/sums-other-signer', 'GHA035'],
  ])('%s: refuses the checksums file (%s)', async (repo, code) => {
    const result = await build(entry(repo));
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain(`ERROR [${code}] githubassets[1] (${repo}):`);
    expect(result.output).toContain('checksums.txt (signature)');
    expect(existsSync(join(ws.layersDir, layerOf(repo)))).toBe(false);
  });
});

describe('bin/build and checksums files signed only as .sig + .pem', () => {
  it('auto notes that the signature cannot be checked offline and installs', async () => {
    const result = await build(entry('acme/sig-pem-sums'));
    expect(result.code, result.output).toBe(0);
    expect(result.stdout).toContain('checksums.txt is signed only as .sig + .pem');
    expect(result.stdout).toContain('not checked (attestations = auto)');
    expect(existsSync(join(ws.layersDir, 'acme_sig-pem-sums', 'bin', 'tool'))).toBe(true);
  });

  it('required refuses it (GHA037) and installs nothing', async () => {
    const result = await build(entry('acme/sig-pem-sums', 'attestations = "required"\n'));
    expect(result.code, result.output).toBe(1);
    expect(result.output).toContain('ERROR [GHA037] githubassets[1] (acme/sig-pem-sums):');
    expect(result.output).toContain('carries no transparency-log proof');
    expect(existsSync(join(ws.layersDir, 'acme_sig-pem-sums'))).toBe(false);
  });
});

/** Runs bin/github-assets in the workspace's app dir with the test trust root. */
function cli(args: string[]) {
  return runCli(args, { cwd: ws.appDir, env: { HOME: ws.root, GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_TRUSTED_ROOT: trustedRootPath } });
}

describe('github-assets check and pin report provenance', () => {
  it('check --json carries the verified signer, source commit and tlog index, and each failure code', async () => {
    ws.writeApp({ 'project.toml': `${entry('acme/good')}\n${entry('acme/other-repo')}` });
    const result = await cli(['check', '--json']);
    expect(result.code, result.stderr).toBe(1);
    const report = JSON.parse(result.stdout) as {
      entries: { provenance?: Record<string, string>; attestation?: string; error?: { code: string } }[];
    };
    expect(report.entries[0]!.attestation).toBe('verified');
    expect(report.entries[0]!.provenance).toMatchObject({
      signer_workflow: 'https://github.com/acme/good/.github/workflows/release.yml@refs/tags/v1.0.0',
      source_repo: 'https://github.com/acme/good',
      source_commit: 'c0ffee0000000000000000000000000000000001',
    });
    expect(report.entries[0]!.provenance!.tlog_index).toMatch(/^\d+$/);
    expect(report.entries[1]!.error?.code).toBe('GHA035');
  });

  it('pin --signer writes the observed workflow as signer_workflow, which the build then enforces', async () => {
    ws.writeApp({ 'project.toml': entry('acme/good') });
    const result = await cli(['pin', '--signer', '--arch', 'amd64']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('signer_workflow = "acme/good/.github/workflows/release.yml"');
    const written = readFileSync(join(ws.appDir, 'project.toml'), 'utf8');
    expect(written).toContain('signer_workflow = "acme/good/.github/workflows/release.yml"');
    expect(written).toMatch(/sha256 = "[0-9a-f]{64}"/);
    const built = await runBuild(ws, { GITHUB_API_URL: gh.apiUrl, GITHUB_ASSETS_TRUSTED_ROOT: trustedRootPath });
    expect(built.code, built.output).toBe(0);
    // A second run changes nothing.
    const again = await cli(['pin', '--signer', '--arch', 'amd64']);
    expect(again.stdout).toContain('signer_workflow unchanged');
    expect(readFileSync(join(ws.appDir, 'project.toml'), 'utf8')).toBe(written);
  });
});
