// Pure: reads an entry's provenance keys (attestations, signer_repo, signer_workflow) from the
// parsed TOML table into AssetSpec fields, failing with GHA003 and a hint, and the one reading
// of signer_repo/signer_workflow values. No I/O; the policy itself (defaults, matching) is verify/attestation-policy.ts.

import { attestationsModeInvalid, signerRepoInvalid, signerReposDisagree, signerWorkflowInvalid } from '../errors/catalog.js';
import type { AssetSpec, AttestationMode } from '../model.js';

export const ATTESTATION_MODES: readonly AttestationMode[] = ['required', 'auto', 'off'];

const REPO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
/** owner/repo/.github/workflows/<file>.yml|yaml, optionally @<ref> (refs/tags/v1, refs/heads/main, a sha). */
const WORKFLOW_PATTERN =
  /^([A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100})\/\.github\/workflows\/[A-Za-z0-9._-]+\.ya?ml(?:@([^\s@]{1,255}))?$/;

/** Validates `signer_repo`; returns the value trimmed, or undefined when it is not owner/name. */
function parseSignerRepo(value: string): string | undefined {
  const v = value.trim();
  return REPO_PATTERN.test(v) ? v : undefined;
}

/** Splits `owner/repo/.github/workflows/f.yml@ref`; undefined when it is not of that form. */
export function parseSignerWorkflow(value: string): { repo: string; path: string; ref?: string } | undefined {
  const v = value.trim().replace(/^https:\/\/github\.com\//, '');
  const m = WORKFLOW_PATTERN.exec(v);
  if (!m) return undefined;
  const at = v.indexOf('@');
  const path = at === -1 ? v : v.slice(0, at);
  return { repo: m[1]!, path, ...(m[2] ? { ref: m[2] } : {}) };
}

export function parseAttestationKeys(
  raw: Record<string, unknown>,
  entry: string,
): Pick<AssetSpec, 'attestations' | 'signerRepo' | 'signerWorkflow'> {
  const out: Pick<AssetSpec, 'attestations' | 'signerRepo' | 'signerWorkflow'> = {};
  if (raw.attestations !== undefined) {
    const v = raw.attestations;
    if (typeof v !== 'string' || !(ATTESTATION_MODES as readonly string[]).includes(v)) {
      throw attestationsModeInvalid(entry, v);
    }
    out.attestations = v as AttestationMode;
  }
  if (raw.signer_repo !== undefined) {
    const v = raw.signer_repo;
    const repo = typeof v === 'string' ? parseSignerRepo(v) : undefined;
    if (!repo) throw signerRepoInvalid(entry, v);
    out.signerRepo = repo;
  }
  if (raw.signer_workflow !== undefined) {
    const v = raw.signer_workflow;
    const workflow = typeof v === 'string' ? parseSignerWorkflow(v) : undefined;
    if (!workflow) {
      throw signerWorkflowInvalid(entry, v);
    }
    if (out.signerRepo && out.signerRepo.toLowerCase() !== workflow.repo.toLowerCase()) {
      throw signerReposDisagree(entry, workflow.repo, out.signerRepo);
    }
    out.signerWorkflow = (v as string).trim().replace(/^https:\/\/github\.com\//, '');
  }
  return out;
}
