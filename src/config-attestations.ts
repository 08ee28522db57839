// Pure: reads an entry's provenance keys (attestations, signer_repo, signer_workflow) from the
// parsed TOML table into AssetSpec fields, failing with GHA003 and a hint. No I/O; the
// policy itself (defaults, matching) is verify/attestation-policy.ts.

import type { BuildpackError } from './errors.js';
import type { AssetSpec, AttestationMode } from './model.js';
import { ATTESTATION_MODES, parseSignerRepo, parseSignerWorkflow } from './verify/attestation-policy.js';
import { describeValue } from './config-integrity.js';

type Fail = (message: string, hint: string) => BuildpackError;

export function parseAttestationKeys(raw: Record<string, unknown>, fail: Fail): Pick<AssetSpec, 'attestations' | 'signerRepo' | 'signerWorkflow'> {
  const out: Pick<AssetSpec, 'attestations' | 'signerRepo' | 'signerWorkflow'> = {};
  if (raw.attestations !== undefined) {
    const v = raw.attestations;
    if (typeof v !== 'string' || !(ATTESTATION_MODES as readonly string[]).includes(v)) {
      throw fail(`attestations = ${describeValue(v)} must be "required", "auto" or "off"`, 'write attestations = "required" to refuse assets without a valid GitHub attestation; "auto" (the default) checks them when the release has them');
    }
    out.attestations = v as AttestationMode;
  }
  if (raw.signer_repo !== undefined) {
    const v = raw.signer_repo;
    const repo = typeof v === 'string' ? parseSignerRepo(v) : undefined;
    if (!repo) throw fail(`signer_repo = ${describeValue(v)} is not of the form "owner/name"`, 'name the repository whose workflow signs the releases, e.g. signer_repo = "acme/release-tools"');
    out.signerRepo = repo;
  }
  if (raw.signer_workflow !== undefined) {
    const v = raw.signer_workflow;
    const workflow = typeof v === 'string' ? parseSignerWorkflow(v) : undefined;
    if (!workflow) {
      throw fail(
        `signer_workflow = ${describeValue(v)} is not a workflow path`,
        'write it as "owner/repo/.github/workflows/release.yml", optionally with "@refs/tags/v1" (as `gh attestation verify --signer-workflow` takes it)',
      );
    }
    if (out.signerRepo && out.signerRepo.toLowerCase() !== workflow.repo.toLowerCase()) {
      throw fail(`signer_workflow belongs to ${workflow.repo} but signer_repo = "${out.signerRepo}"`, 'remove signer_repo (signer_workflow already names the repository) or make them agree');
    }
    out.signerWorkflow = (v as string).trim().replace(/^https:\/\/github\.com\//, '');
  }
  return out;
}
