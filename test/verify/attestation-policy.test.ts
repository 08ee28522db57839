// verify/attestation-policy.ts and descriptor/attestation-keys.ts: reading the provenance keys and
// matching a certificate's identity against them, with messages naming expected and actual.

import { describe, expect, it } from 'vitest';
import { parseDescriptor } from '../../src/descriptor/parse.js';
import {
  attestationModeFromEnv,
  policyFor,
  signerMismatches,
  signerWorkflowConstraint,
  workflowOfSignerUri,
} from '../../src/verify/attestation-policy.js';
import { reverifyReason } from '../../src/verify/provenance.js';
import { codeOf } from '../support/errors.js';

const ISSUER = 'https://token.actions.githubusercontent.com';
const entry = (body: string) => `[[metadata.githubassets]]\nrepo = "acme/tool"\nasset = "x"\n${body}\n`;

describe('provenance keys in project.toml', () => {
  it('reads attestations, signer_repo and signer_workflow', () => {
    const [spec] = parseDescriptor(
      entry('attestations = "required"\nsigner_workflow = "acme/tool/.github/workflows/release.yml@refs/tags/v1"'),
    ).specs;
    expect(spec).toMatchObject({ attestations: 'required', signerWorkflow: 'acme/tool/.github/workflows/release.yml@refs/tags/v1' });
    expect(policyFor(spec!, 'auto')).toEqual({
      mode: 'required',
      signerRepo: 'acme/tool',
      signerWorkflow: { path: 'acme/tool/.github/workflows/release.yml', ref: 'refs/tags/v1' },
    });
  });

  it.each([
    ['attestations = "yes"'],
    ['attestations = true'],
    ['signer_repo = "acme"'],
    ['signer_repo = 3'],
    ['signer_workflow = "release.yml"'],
    ['signer_workflow = "acme/tool/.github/workflows/"'],
    ['signer_repo = "acme/a"\nsigner_workflow = "acme/b/.github/workflows/r.yml"'],
  ])('refuses %s with GHA003', (body) => {
    expect(codeOf(() => parseDescriptor(entry(body)))).toBe('GHA003');
  });

  it('GITHUB_ASSETS_ATTESTATIONS sets the default, and a bad value is an error', () => {
    expect(attestationModeFromEnv(undefined)).toBe('auto');
    expect(attestationModeFromEnv(' Required ')).toBe('required');
    expect(codeOf(() => attestationModeFromEnv('maybe'))).toBe('GHA007');
    expect(policyFor({ repo: 'a/b' }, 'off').mode).toBe('off');
    expect(policyFor({ repo: 'a/b', attestations: 'auto' }, 'required').mode).toBe('auto');
  });
});

describe('signerMismatches', () => {
  const uri = 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1.2.0';
  it('accepts the entry repo by default, case-insensitively', () => {
    expect(signerMismatches({ issuer: ISSUER, signerUri: uri }, policyFor({ repo: 'ACME/Tool' }, 'auto'), [ISSUER])).toEqual([]);
  });
  it('names expected and actual values', () => {
    const problems = signerMismatches({ issuer: ISSUER, signerUri: uri }, policyFor({ repo: 'acme/other' }, 'auto'), [ISSUER]);
    expect(problems).toEqual([
      'signer_repo: expected acme/other, the certificate says acme/tool (workflow acme/tool/.github/workflows/release.yml)',
    ]);
    expect(signerMismatches({ issuer: 'https://evil', signerUri: uri }, policyFor({ repo: 'acme/tool' }, 'auto'), [ISSUER])[0]).toContain(
      'OIDC issuer https://evil',
    );
  });
  it('never accepts a signer URI that is not a workflow, whatever it looks like', () => {
    for (const bad of [
      undefined,
      '',
      'mailto:x@y',
      'http://github.com/acme/tool/.github/workflows/r.yml',
      'https://github.com/acme/tool',
      'https://github.com/acme/tool/.github/workflows/../../x.yml',
      'https://github.com/acme/tool/.github/workflows/r.yml/extra',
    ]) {
      expect(
        signerMismatches({ issuer: ISSUER, signerUri: bad }, policyFor({ repo: 'acme/tool' }, 'auto'), [ISSUER]).length,
        String(bad),
      ).toBeGreaterThan(0);
    }
  });
  it('pin writes the workflow without its ref', () => {
    expect(workflowOfSignerUri(uri)).toEqual({
      repo: 'acme/tool',
      path: 'acme/tool/.github/workflows/release.yml',
      ref: 'refs/tags/v1.2.0',
    });
    expect(signerWorkflowConstraint(uri)).toBe('acme/tool/.github/workflows/release.yml');
  });
});

describe('reverifyReason (reused layers)', () => {
  const provenance = {
    signer_workflow: 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1',
    source_repo: '',
    source_commit: '',
    source_ref: '',
    issuer: ISSUER,
    tlog_index: '1',
    predicate_type: 'https://slsa.dev/provenance/v1',
    sha256: 'a'.repeat(64),
    trusted_root: 'x',
  };
  it('keeps a record whose provenance still meets the policy, and one verified without attestations under auto', () => {
    expect(reverifyReason({ sha256: 'a'.repeat(64), provenance }, policyFor({ repo: 'acme/tool' }, 'auto'), [ISSUER])).toBeUndefined();
    expect(reverifyReason({ sha256: 'a'.repeat(64) }, policyFor({ repo: 'acme/tool' }, 'auto'), [ISSUER])).toBeUndefined();
  });
  it('installs again when the digest, the constraints or the mode changed', () => {
    expect(reverifyReason({ sha256: 'b'.repeat(64), provenance }, policyFor({ repo: 'acme/tool' }, 'auto'), [ISSUER])).toContain(
      'other bytes',
    );
    expect(
      reverifyReason(
        { sha256: 'a'.repeat(64), provenance },
        policyFor({ repo: 'acme/tool', signerWorkflow: 'acme/tool/.github/workflows/x.yml' }, 'auto'),
        [ISSUER],
      ),
    ).toContain('signer constraints changed');
    expect(reverifyReason({ sha256: 'a'.repeat(64) }, policyFor({ repo: 'acme/tool' }, 'required'), [ISSUER])).toBe(
      'attestations are now required',
    );
  });
});
