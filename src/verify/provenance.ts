// The build's provenance step: asks GitHub for an asset's attestations, verifies them under
// the entry's policy (required/auto/off, signer constraints), checks the signature of a
// release's checksums file, and decides whether a reused layer's record still satisfies the
// policy. Verification itself is attestations.ts; roots come from trust-root.ts.

import { isBuildpackError, isForbidden } from '../errors.js';
import type { AttestationList, RepoQuery } from '../github/client.js';
import type { AssetSpec, AttestationMode, ReleaseAsset } from '../model.js';
import { isAbsolute, join } from 'node:path';
import type { Settings } from '../settings.js';
import { policyFor, signerMismatches, type AttestationPolicy } from './attestation-policy.js';
import type { TrustSet, VerifiedProvenance } from './attestations.js';
import { issuersFor } from './trust-names.js';
import { lazy } from '../util/lazy.js';
import type { Dispatcher } from 'undici';

// The Sigstore and TUF libraries load only when a bundle is there to verify (src/util/lazy.ts).
const loadVerifier = lazy(() => import('./attestations.js'));
const loadTrustRoot = lazy(() => import('./trust-root.js'));
import {
  attestationMissing,
  attestationsForbidden,
  attestationTlogInvalid,
  noProvenanceFound,
  signatureBundleArrivedTooLarge,
  signatureBundleNotJson,
  signatureBundleTooLarge,
  signedWithoutTlog,
} from '../errors/catalog.js';

export interface ProvenanceChecker {
  readonly defaultMode: AttestationMode;
  policy(spec: AssetSpec): AttestationPolicy;
  /** Verifies an asset's attestations after its bytes matched every digest. */
  checkAsset(input: AssetInput): Promise<{ provenance?: VerifiedProvenance; notes: string[] }>;
  /**
   * Starts the attestation lookup for the digest GitHub announced while the asset downloads;
   * checkAsset for bytes with that digest awaits it instead of asking again (then, and only then,
   * are its answer and its failure used). Verifies nothing.
   */
  prefetchAsset?(input: Omit<AssetInput, 'assetName'>): void;
  /** Verifies a checksums file's Sigstore signature, when the release publishes one, before the file is trusted. */
  checkChecksumsSignature(input: ChecksumsInput): Promise<{ provenance?: VerifiedProvenance; notes: string[] }>;
  /** Why a restored record must be installed again under this entry's policy (see reverifyReason). */
  reverifyReason(record: { sha256: string; provenance?: VerifiedProvenance | undefined }, spec: AssetSpec): string | undefined;
}

export interface AssetInput {
  spec: AssetSpec;
  entry: string;
  assetName: string;
  sha256: string;
  token: string | undefined;
  tokenEnv: string | undefined;
}

export interface ChecksumsInput {
  spec: AssetSpec;
  entry: string;
  /** The checksums file and its bytes (already matched against GitHub's digest). */
  sums: ReleaseAsset;
  bytes: Buffer;
  releaseAssets: ReleaseAsset[];
  /** Reads a (small) release asset into memory through the build's downloader. */
  fetchAsset(asset: ReleaseAsset): Promise<Buffer>;
}

export interface ProvenanceDeps {
  defaultMode: AttestationMode;
  listAttestations(query: RepoQuery, sha256Hex: string): Promise<AttestationList>;
  /** OIDC issuers accepted in certificates (trust-root.ts issuersFor). */
  acceptedIssuers: readonly string[];
  /** Loaded on first use only: builds without attestations never touch TUF. */
  trust(): Promise<TrustSet>;
}

/** A signature bundle is a few kilobytes. */
const MAX_SIGNATURE_BYTES = 1024 * 1024;

function createProvenanceChecker(deps: ProvenanceDeps): ProvenanceChecker {
  let trust: Promise<TrustSet> | undefined;
  const trustOnce = () => (trust ??= deps.trust());
  const policy = (spec: AssetSpec) => policyFor(spec, deps.defaultMode);
  // Lookups started by prefetchAsset, by repo, token and digest; checkAsset takes its own out.
  const prefetched = new Map<string, Promise<AttestationList>>();
  const lookupKey = (input: Omit<AssetInput, 'assetName'>) =>
    JSON.stringify([input.spec.owner, input.spec.name, input.token ?? null, input.sha256]);
  const listFor = (input: Omit<AssetInput, 'assetName'>) =>
    deps.listAttestations(
      {
        owner: input.spec.owner,
        repo: input.spec.name,
        token: input.token,
        ctx: {
          entry: input.entry,
          ...(input.tokenEnv ? { tokenEnv: input.tokenEnv } : {}),
        },
      },
      input.sha256,
    );

  function prefetchAsset(input: Omit<AssetInput, 'assetName'>): void {
    const key = lookupKey(input);
    if (policy(input.spec).mode === 'off' || prefetched.has(key)) return;
    const lookup = listFor(input);
    lookup.catch(() => {}); // reported by the checkAsset that takes it; unused when the download fails
    prefetched.set(key, lookup);
  }

  async function checkAsset(input: AssetInput): Promise<{ provenance?: VerifiedProvenance; notes: string[] }> {
    const p = policy(input.spec);
    if (p.mode === 'off') return { notes: [] };
    const notes: string[] = [];
    let list: AttestationList;
    const key = lookupKey(input);
    const early = prefetched.get(key);
    prefetched.delete(key);
    try {
      list = await (early ?? listFor(input));
    } catch (err) {
      if (isForbidden(err) && p.mode === 'required') {
        throw attestationsForbidden(err, input.spec.repo);
      }
      if (p.mode === 'required' || !isBuildpackError(err)) throw err;
      return { notes: [`attestations could not be looked up (${err.code}: ${err.message}); not checked (attestations = auto)`] };
    }
    const skippedNote = describeSkipped(list);
    if (list.bundles.length > 0) {
      const trustSet = await trustOnce();
      notes.push(...trustSet.notes);
      const { verifyAttestationBundles } = await loadVerifier();
      const provenance = verifyAttestationBundles(list.bundles, {
        entry: input.entry,
        what: input.assetName,
        sha256: input.sha256,
        policy: p,
        trust: trustSet,
      });
      if (provenance) return { provenance, notes };
    }
    if (p.mode === 'required') {
      throw attestationMissing({ sha256: input.sha256, repo: input.spec.repo, skippedNote, ownMode: Boolean(input.spec.attestations) });
    }
    notes.push(`${noProvenanceFound(input.sha256, input.spec.repo, skippedNote)}; provenance not checked (attestations = auto)`);
    return { notes };
  }

  async function checkChecksumsSignature(input: ChecksumsInput): Promise<{ provenance?: VerifiedProvenance; notes: string[] }> {
    const p = policy(input.spec);
    if (p.mode === 'off') return { notes: [] };
    const byName = new Map(input.releaseAssets.map((a) => [a.name, a]));
    const bundleAsset = byName.get(`${input.sums.name}.sigstore.json`) ?? byName.get(`${input.sums.name}.sigstore`);
    const what = `${input.sums.name} (signature)`;
    if (!bundleAsset) {
      if (byName.has(`${input.sums.name}.sig`) && byName.has(`${input.sums.name}.pem`)) {
        if (p.mode === 'required') throw attestationTlogInvalid(input.sums.name);
        return { notes: [`${signedWithoutTlog(input.sums.name)}; not checked (attestations = auto)`] };
      }
      return { notes: [] };
    }
    if (bundleAsset.size > MAX_SIGNATURE_BYTES) {
      throw signatureBundleTooLarge(bundleAsset.name, bundleAsset.size, MAX_SIGNATURE_BYTES);
    }
    const raw = await input.fetchAsset(bundleAsset);
    if (raw.length > MAX_SIGNATURE_BYTES) throw signatureBundleArrivedTooLarge(bundleAsset.name);
    let json: unknown;
    try {
      json = JSON.parse(raw.toString('utf8'));
    } catch {
      throw signatureBundleNotJson(bundleAsset.name);
    }
    const trustSet = await trustOnce();
    const { verifySignedFile } = await loadVerifier();
    const provenance = verifySignedFile(json, input.bytes, { entry: input.entry, what, policy: p, trust: trustSet });
    return { provenance, notes: [...trustSet.notes] };
  }

  return {
    defaultMode: deps.defaultMode,
    policy,
    checkAsset,
    prefetchAsset,
    checkChecksumsSignature,
    reverifyReason: (record, spec) => reverifyReason(record, policy(spec), deps.acceptedIssuers),
  };
}

function describeSkipped(list: AttestationList): string {
  const parts: string[] = [];
  if (list.skipped.notInline) parts.push(`${list.skipped.notInline} whose bundle could not be fetched from its bundle_url`);
  if (list.skipped.tooLarge) parts.push(`${list.skipped.tooLarge} too large`);
  if (list.skipped.beyondCap) parts.push(`${list.skipped.beyondCap} beyond the first ${list.bundles.length}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

/**
 * Why a reused record no longer satisfies the entry's policy, or undefined when it does.
 * A record keeps its verified provenance, so a rebuild re-verifies only when the bytes or the
 * constraints changed (or attestations became required for an entry verified without one).
 */
export function reverifyReason(
  record: { sha256: string; provenance?: VerifiedProvenance | undefined },
  policy: AttestationPolicy,
  acceptedIssuers: readonly string[],
): string | undefined {
  if (policy.mode === 'off') return undefined;
  const p = record.provenance;
  if (!p) return policy.mode === 'required' ? 'attestations are now required' : undefined;
  if (p.sha256 !== record.sha256) return 'the verified attestation was for other bytes';
  const problems = signerMismatches({ issuer: p.issuer, signerUri: p.signer_workflow }, policy, acceptedIssuers);
  return problems.length ? 'the signer constraints changed' : undefined;
}

/** Where a composition root finds what the checker needs: its settings, the client, and two dirs. */
export interface ProvenanceSettings {
  /** GITHUB_ASSETS_ATTESTATIONS and GITHUB_ASSETS_TRUSTED_ROOT, read by the composition root (the root is read on first use). */
  settings: Pick<Settings, 'attestations' | 'trustedRoot'>;
  listAttestations: ProvenanceDeps['listAttestations'];
  /** GITHUB_SERVER_URL, which decides whether GitHub's own root is accepted. */
  serverUrl: string | undefined;
  /** A relative GITHUB_ASSETS_TRUSTED_ROOT is read from here (the app dir, or the CLI's cwd). */
  baseDir: string;
  /** Where TUF metadata is cached between runs. */
  tufCacheDir: string;
  /** The network layer's dispatcher (Network.dispatcher): TUF requests go through its proxy, timeouts and caps. */
  dispatcher: Dispatcher;
}

/** The checker as the build and the CLI both wire it: one place that reads its settings. */
export function provenanceCheckerFrom(s: ProvenanceSettings): ProvenanceChecker {
  return createProvenanceChecker({
    defaultMode: s.settings.attestations,
    acceptedIssuers: issuersFor(s.serverUrl),
    listAttestations: s.listAttestations,
    trust: async () => {
      const file = s.settings.trustedRoot;
      const { loadTrustSet } = await loadTrustRoot();
      return loadTrustSet({
        trustedRootFile: file ? (isAbsolute(file) ? file : join(s.baseDir, file)) : undefined,
        tufCacheDir: s.tufCacheDir,
        serverUrl: s.serverUrl,
        dispatcher: s.dispatcher,
      });
    },
  });
}
