// verify/attestations.ts against bundles from a local Sigstore (test/support/sigstore.ts):
// each broken bundle fails with its own code, a valid one yields the recorded provenance.

import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { toTrustMaterial } from '@sigstore/verify';
import { verifyAttestationBundles, verifySignedFile, type TrustSet } from '../../src/verify/attestations.js';
import { policyFor } from '../../src/verify/attestation-policy.js';
import { codeOf } from '../support/errors.js';
import { createTestSigstore, ACTIONS_ISSUER, type TestSigstore } from '../support/sigstore.js';

let sigstore: TestSigstore;
let trust: TrustSet;
const bytes = Buffer.from('the release asset\n');
const sha256 = createHash('sha256').update(bytes).digest('hex');
const spec = { repo: 'acme/tool' };
const subject = (overrides: Partial<Parameters<typeof policyFor>[0]> = {}) => ({
  entry: 'githubassets[1] (acme/tool)',
  what: 'tool.tar.gz',
  sha256,
  policy: policyFor({ ...spec, ...overrides }, 'auto'),
  trust,
});

beforeAll(async () => {
  sigstore = await createTestSigstore();
  const root = TrustedRoot.fromJSON(sigstore.trustedRoot);
  trust = {
    domains: [{ name: 'test', material: toTrustMaterial(root), requireTlog: true, requireSct: false }],
    acceptedIssuers: [ACTIONS_ISSUER],
    notes: [],
  };
});

describe('verifyAttestationBundles', () => {
  it('accepts a valid SLSA provenance attestation and reports who built the bytes', async () => {
    const bundle = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], { identity: { signerRepo: 'acme/tool', commit: 'abc123' } });
    const p = verifyAttestationBundles([bundle], subject());
    expect(p).toMatchObject({
      signer_workflow: 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1.0.0',
      source_repo: 'https://github.com/acme/tool',
      source_commit: 'abc123',
      issuer: ACTIONS_ISSUER,
      predicate_type: 'https://slsa.dev/provenance/v1',
      sha256,
    });
    expect(p!.tlog_index).toMatch(/^\d+$/);
  });

  it.each([
    ['GHA034', 'a bundle for other bytes', { identity: { signerRepo: 'acme/tool' } }, 'other'],
    ['GHA035', 'a certificate from another repository', { identity: { signerRepo: 'mallory/tool' } }, undefined],
    ['GHA036', 'an expired certificate', { identity: { signerRepo: 'acme/tool' }, certificate: 'expired' as const }, undefined],
    [
      'GHA036',
      'a certificate from an untrusted CA',
      { identity: { signerRepo: 'acme/tool' }, certificate: 'untrusted-ca' as const },
      undefined,
    ],
    ['GHA036', 'a signature over other content', { identity: { signerRepo: 'acme/tool' }, tamperSignature: true }, undefined],
    ['GHA037', 'no transparency-log entry', { identity: { signerRepo: 'acme/tool' }, tlog: 'none' as const }, undefined],
    ['GHA037', 'a log entry signed by an unknown log', { identity: { signerRepo: 'acme/tool' }, tlog: 'wrong-key' as const }, undefined],
    [
      'GHA035',
      'a certificate from another OIDC issuer',
      { identity: { signerRepo: 'acme/tool', issuer: 'https://accounts.example.com' } },
      undefined,
    ],
  ])('fails with %s for %s', async (code, _what, options, other) => {
    const digest = other ? createHash('sha256').update('other').digest('hex') : sha256;
    const bundle = await sigstore.attest([{ name: 'tool.tar.gz', sha256: digest }], options);
    expect(codeOf(() => verifyAttestationBundles([bundle], subject()))).toBe(code);
  });

  it('enforces signer_workflow, with and without a ref, naming expected and actual', async () => {
    const bundle = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], {
      identity: { signerRepo: 'acme/tool', workflow: '.github/workflows/nightly.yml' },
    });
    let message = '';
    try {
      verifyAttestationBundles([bundle], subject({ signerWorkflow: 'acme/tool/.github/workflows/release.yml' }));
    } catch (err) {
      message = (err as Error).message;
      expect((err as { code: string }).code).toBe('GHA035');
    }
    expect(message).toContain('expected acme/tool/.github/workflows/release.yml');
    expect(message).toContain('acme/tool/.github/workflows/nightly.yml');
    expect(
      verifyAttestationBundles([bundle], subject({ signerWorkflow: 'acme/tool/.github/workflows/nightly.yml@refs/tags/v1.0.0' })),
    ).toBeDefined();
    expect(
      codeOf(() =>
        verifyAttestationBundles([bundle], subject({ signerWorkflow: 'acme/tool/.github/workflows/nightly.yml@refs/heads/main' })),
      ),
    ).toBe('GHA035');
  });

  it('accepts a reusable workflow in another repository when signer_repo names it', async () => {
    const bundle = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], {
      identity: { signerRepo: 'acme/release-tools', sourceRepo: 'acme/tool' },
    });
    expect(codeOf(() => verifyAttestationBundles([bundle], subject()))).toBe('GHA035');
    expect(verifyAttestationBundles([bundle], subject({ signerRepo: 'acme/release-tools' }))?.source_repo).toBe(
      'https://github.com/acme/tool',
    );
  });

  it('skips attestations that are not provenance, and a valid one among broken ones passes', async () => {
    const sbom = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], {
      identity: { signerRepo: 'acme/tool' },
      predicateType: 'https://spdx.dev/Document/v2.3',
    });
    expect(verifyAttestationBundles([sbom], subject())).toBeUndefined();
    const bad = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], { identity: { signerRepo: 'acme/tool' }, tlog: 'none' });
    const good = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], { identity: { signerRepo: 'acme/tool' } });
    expect(verifyAttestationBundles([sbom, bad, good], subject())).toBeDefined();
  });

  it('refuses what is not a bundle with GHA039, whatever the shape', () => {
    for (const raw of [
      null,
      42,
      'x',
      [],
      {},
      { mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json' },
      { dsseEnvelope: { payload: '!!' } },
    ]) {
      expect(codeOf(() => verifyAttestationBundles([raw], subject()))).toBe('GHA039');
    }
  });

  it('refuses a DSSE envelope that is not an in-toto statement (GHA039)', async () => {
    const bundle = (await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], { identity: { signerRepo: 'acme/tool' } })) as {
      dsseEnvelope: { payloadType: string };
    };
    bundle.dsseEnvelope.payloadType = 'text/plain';
    expect(codeOf(() => verifyAttestationBundles([bundle], subject()))).toBe('GHA039');
  });

  it('without any trusted root it is GHA038, never a pass', async () => {
    const bundle = await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], { identity: { signerRepo: 'acme/tool' } });
    expect(codeOf(() => verifyAttestationBundles([bundle], { ...subject(), trust: { ...trust, domains: [] } }))).toBe('GHA038');
  });

  it('no random mutation of a valid bundle passes (generated inputs)', async () => {
    const valid = JSON.stringify(await sigstore.attest([{ name: 'tool.tar.gz', sha256 }], { identity: { signerRepo: 'acme/tool' } }));
    // Flip one base64 character inside the signature, certificate, payload or log entry.
    const fields = ['"sig":"', '"rawBytes":"', '"payload":"', '"canonicalizedBody":"', '"signedEntryTimestamp":"'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (let i = 0; i < 60; i++) {
      const field = fields[i % fields.length]!;
      const start = valid.indexOf(field) + field.length;
      const end = valid.indexOf('"', start);
      const at = start + (next() % Math.max(1, end - start - 4));
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
      let replacement = alphabet[next() % alphabet.length]!;
      if (replacement === valid[at]) replacement = replacement === 'A' ? 'B' : 'A';
      const mutated = JSON.parse(valid.slice(0, at) + replacement + valid.slice(at + 1));
      const code = codeOf(() => verifyAttestationBundles([mutated], subject()));
      expect(code, `${field} at ${at - start}`).toMatch(/^GHA03[4-9]$/);
    }
  });
});

describe('verifySignedFile', () => {
  it('accepts a cosign-style signature over the bytes and refuses tampered ones', async () => {
    const bundle = await sigstore.signBlob(bytes, { identity: { signerRepo: 'acme/tool' } });
    expect(verifySignedFile(bundle, bytes, subject()).predicate_type).toBe('signature');
    expect(codeOf(() => verifySignedFile(bundle, Buffer.from('tampered checksums\n'), subject()))).toMatch(/^GHA03[46]$/);
    const forged = await sigstore.signBlob(bytes, { identity: { signerRepo: 'acme/tool' }, tamperSignature: true });
    expect(codeOf(() => verifySignedFile(forged, bytes, subject()))).toBe('GHA036');
  });
});
