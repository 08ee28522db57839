// Pure: what an entry demands of an asset's provenance (attestations = required|auto|off,
// signer_repo, signer_workflow) and whether a verified signer identity meets it. Parsing the
// written values is descriptor/attestation-keys.ts, shared with the CLI. No I/O here.

import type { AssetSpec, AttestationMode } from '../model.js';
import { ATTESTATION_MODES, parseSignerWorkflow } from '../descriptor/attestation-keys.js';
import { settingInvalid } from '../errors/catalog.js';

/** The environment variable that sets the default `attestations` mode of every entry. */
export const ATTESTATIONS_ENV = 'GITHUB_ASSETS_ATTESTATIONS';

/** The issuer of GitHub Actions OIDC tokens on github.com, as Fulcio records it in certificates. */
export const GITHUB_ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';

/** What the build enforces for one entry. */
export interface AttestationPolicy {
  mode: AttestationMode;
  /** owner/repo whose workflow must have signed (compared case-insensitively, as GitHub names are). */
  signerRepo: string;
  /** owner/repo/.github/workflows/file.yml, with `ref` when the entry pinned one. */
  signerWorkflow?: { path: string; ref?: string };
}

/** The identity a Fulcio certificate states for a GitHub Actions run (see certificate-identity.ts). */
export interface SignerIdentity {
  /** OIDC issuer (Fulcio extension 1.3.6.1.4.1.57264.1.8). */
  issuer?: string;
  /** Build Signer URI: https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1 (…1.9, or the SAN). */
  signerUri?: string;
  /** Source Repository URI: https://github.com/owner/repo (…1.12). */
  sourceRepoUri?: string;
  /** Source Repository Digest: the commit the run built (…1.13). */
  sourceCommit?: string;
  /** Source Repository Ref: refs/tags/v1 (…1.14). */
  sourceRef?: string;
}

/** `GITHUB_ASSETS_ATTESTATIONS`: required/auto/off (any case); unset or empty means auto. */
export function attestationModeFromEnv(value: string | undefined): AttestationMode {
  const v = (value ?? '').trim().toLowerCase();
  if (v === '') return 'auto';
  if ((ATTESTATION_MODES as readonly string[]).includes(v)) return v as AttestationMode;
  throw settingInvalid({ kind: 'attestations', name: ATTESTATIONS_ENV, value: value! });
}

/** The policy for an entry: its own keys, else the build default. */
export function policyFor(
  spec: Pick<AssetSpec, 'repo' | 'attestations' | 'signerRepo' | 'signerWorkflow'>,
  defaultMode: AttestationMode,
): AttestationPolicy {
  const workflow = spec.signerWorkflow ? parseSignerWorkflow(spec.signerWorkflow) : undefined;
  return {
    mode: spec.attestations ?? defaultMode,
    signerRepo: spec.signerRepo ?? workflow?.repo ?? spec.repo,
    ...(workflow ? { signerWorkflow: { path: workflow.path, ...(workflow.ref ? { ref: workflow.ref } : {}) } } : {}),
  };
}

/**
 * `owner/repo/.github/workflows/f.yml` and the ref from a Build Signer URI
 * (`https://HOST/owner/repo/.github/workflows/f.yml@refs/tags/v1`); undefined for anything else.
 */
export function workflowOfSignerUri(uri: string | undefined): { repo: string; path: string; ref: string | undefined } | undefined {
  if (!uri) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:') return undefined;
  const rest = decodeURIComponent(url.pathname.slice(1));
  const at = rest.indexOf('@');
  const path = at === -1 ? rest : rest.slice(0, at);
  const parsed = parseSignerWorkflow(path);
  if (!parsed) return undefined;
  return { repo: parsed.repo, path, ref: at === -1 ? undefined : rest.slice(at + 1) };
}

/** Problems with a signer identity under a policy; empty when it is accepted. Each names expected and actual values. */
export function signerMismatches(identity: SignerIdentity, policy: AttestationPolicy, acceptedIssuers: readonly string[]): string[] {
  const problems: string[] = [];
  if (!identity.issuer || !acceptedIssuers.includes(identity.issuer)) {
    problems.push(
      `the certificate was issued for ${identity.issuer ? `OIDC issuer ${identity.issuer}` : 'no OIDC issuer'}, expected ${acceptedIssuers.join(' or ')} (GitHub Actions)`,
    );
  }
  const workflow = workflowOfSignerUri(identity.signerUri);
  if (!workflow) {
    problems.push(`the certificate names no GitHub Actions workflow (signer ${JSON.stringify(identity.signerUri ?? '')})`);
    return problems;
  }
  if (workflow.repo.toLowerCase() !== policy.signerRepo.toLowerCase()) {
    problems.push(`signer_repo: expected ${policy.signerRepo}, the certificate says ${workflow.repo} (workflow ${workflow.path})`);
  }
  const want = policy.signerWorkflow;
  if (want) {
    if (workflow.path.toLowerCase() !== want.path.toLowerCase()) {
      problems.push(`signer_workflow: expected ${want.path}, the certificate says ${workflow.path}`);
    } else if (want.ref !== undefined && workflow.ref !== want.ref) {
      problems.push(`signer_workflow: expected ref ${want.ref}, the certificate says ${workflow.ref ?? '(none)'}`);
    }
  }
  return problems;
}

/** What pin writes as `signer_workflow` for an observed signer: the workflow path without its ref (refs change every release). */
export function signerWorkflowConstraint(signerUri: string | undefined): string | undefined {
  return workflowOfSignerUri(signerUri)?.path;
}
