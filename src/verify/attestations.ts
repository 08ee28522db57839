// Pure: verifies Sigstore bundles against trusted roots and an entry's policy: the signature,
// the certificate chain, transparency-log inclusion from the bundle itself (no live log
// query), the subject digest against the downloaded bytes, the in-toto statement's SLSA
// provenance predicate and the signer's identity. Fetching bundles and roots is not done here.

import { createHash } from 'node:crypto';
import { bundleFromJSON, ValidationError, type Bundle } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { toSignedEntity, VerificationError, Verifier, type TrustMaterial } from '@sigstore/verify';
import type { BuildpackError } from '../errors.js';
import { signerMismatches, type AttestationPolicy } from './attestation-policy.js';
import { signerIdentityOf } from './certificate-identity.js';
import { attestationRejected, type BundleRejection, bundleRejected } from '../errors/catalog.js';

/** One set of trusted authorities and what a bundle chaining to it must carry. */
export interface TrustDomain {
  /** For messages: `Sigstore public-good`, `GitHub`, or the trusted_root.json path. */
  name: string;
  material: TrustMaterial;
  /** Roots with transparency logs demand an inclusion proof; GitHub's own root has none and relies on its timestamp authority. */
  requireTlog: boolean;
  /** Demand an embedded certificate-transparency SCT (when the root lists CT logs). */
  requireSct: boolean;
}

export interface TrustSet {
  domains: TrustDomain[];
  /** OIDC issuers accepted in certificates (GitHub Actions). */
  acceptedIssuers: readonly string[];
  /** Notes for the log about where the roots came from (TUF, cache, shipped, file). */
  notes: string[];
}

/** What the build records about a verified attestation or signature. */
export interface VerifiedProvenance {
  /** Build Signer URI: https://github.com/owner/repo/.github/workflows/release.yml@refs/tags/v1. */
  signer_workflow: string;
  /** https://github.com/owner/repo */
  source_repo: string;
  source_commit: string;
  source_ref: string;
  issuer: string;
  /** Index of the bundle's transparency-log entry ("" when the root has no log, as with GitHub's own). */
  tlog_index: string;
  /** SLSA predicate type, or `signature` for a signed file. */
  predicate_type: string;
  /** The sha256 that was verified: reuse must not carry this over to other bytes. */
  sha256: string;
  /** Which trusted root verified it. */
  trusted_root: string;
}

export const IN_TOTO_PAYLOAD_TYPE = 'application/vnd.in-toto+json';
const STATEMENT_TYPES = ['https://in-toto.io/Statement/v1', 'https://in-toto.io/Statement/v0.1'];
const SLSA_PREFIX = 'https://slsa.dev/provenance/';
/** Verify at most this many bundles per asset: each costs a few signature checks, and an answer may hold many. */
export const MAX_BUNDLES = 16;

interface Subject {
  entry: string;
  /** What was verified, for messages: `tool.tar.gz` or `checksums.txt (signature)`. */
  what: string;
  sha256: string;
  policy: AttestationPolicy;
  trust: TrustSet;
}

/** A failed check: the stage tells which failure is most informative when every bundle fails. */
interface Failure extends BundleRejection {
  stage: number;
}

class BundleFailure extends Error {
  constructor(readonly failure: Failure) {
    super(failure.message);
  }
}

/**
 * Verifies the attestations GitHub returned for an asset. Returns the provenance of the first
 * bundle that passes every check; undefined when none of them is SLSA provenance (the caller
 * applies `required`/`auto`); throws the most informative failure otherwise.
 */
export function verifyAttestationBundles(rawBundles: readonly unknown[], subject: Subject): VerifiedProvenance | undefined {
  const failures: Failure[] = [];
  for (const raw of rawBundles.slice(0, MAX_BUNDLES)) {
    try {
      const provenance = verifyOne(raw, subject, 'attestation');
      if (provenance) return provenance;
    } catch (err) {
      if (!(err instanceof BundleFailure)) throw err;
      failures.push(err.failure);
    }
  }
  if (failures.length === 0) return undefined;
  throw toError(failures);
}

/**
 * Verifies a Sigstore bundle that signs a file (cosign keyless `sign-blob --bundle`, as
 * GoReleaser publishes for checksums files): a message signature over `bytes`, or an in-toto
 * attestation whose subject is `bytes`.
 */
export function verifySignedFile(rawBundle: unknown, bytes: Buffer, subject: Omit<Subject, 'sha256'>): VerifiedProvenance {
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  try {
    const provenance = verifyOne(rawBundle, { ...subject, sha256 }, 'file', bytes);
    if (provenance) return provenance;
    throw fail(0, bundleRejected.signedFileNotProvenance(subject.what));
  } catch (err) {
    if (err instanceof BundleFailure) throw toError([err.failure]);
    throw err;
  }
}

function verifyOne(raw: unknown, subject: Subject, kind: 'attestation' | 'file', artifact?: Buffer): VerifiedProvenance | undefined {
  const bundle = parseBundle(raw, subject);
  const content = bundle.content;
  let predicateType = 'signature';
  let statementSubjects: StatementSubject[] | undefined;
  if (content.$case === 'dsseEnvelope') {
    const statement = parseStatement(content.dsseEnvelope.payloadType, content.dsseEnvelope.payload, subject);
    if (!statement.predicateType.startsWith(SLSA_PREFIX)) return undefined; // SBOMs and other attestations are not provenance
    predicateType = statement.predicateType;
    statementSubjects = statement.subjects;
  } else if (kind === 'attestation') {
    throw fail(0, bundleRejected.plainSignature(subject.what));
  }
  if (bundle.verificationMaterial.content.$case !== 'x509CertificateChain' && bundle.verificationMaterial.content.$case !== 'certificate') {
    throw fail(1, bundleRejected.bareKey(subject.what));
  }

  // A message signature names the digest it signs: other bytes are refused before any crypto.
  if (content.$case === 'messageSignature') {
    const digest = Buffer.from(content.messageSignature.messageDigest?.digest ?? []).toString('hex');
    if (digest !== '' && digest !== subject.sha256) {
      throw fail(3, bundleRejected.signsOtherDigest(subject.what, digest, subject.sha256));
    }
  }

  const { domain, certificate } = verifyCrypto(bundle, subject, artifact);

  // The signature holds; now what it says must be about these bytes.
  if (statementSubjects) {
    const match = statementSubjects.some((s) => s.sha256 === subject.sha256);
    if (!match) {
      throw fail(3, bundleRejected.attestsOtherBytes(subject.what, statementSubjects, subject.sha256));
    }
  }

  const identity = signerIdentityOf(certificate);
  const problems = signerMismatches(identity, subject.policy, subject.trust.acceptedIssuers);
  if (problems.length > 0) {
    const signer = { uri: identity.signerUri, problems, autoMode: subject.policy.mode === 'auto' };
    throw fail(4, bundleRejected.otherSigner(subject.what, signer));
  }
  const tlog = bundle.verificationMaterial.tlogEntries[0];
  return {
    signer_workflow: identity.signerUri ?? '',
    source_repo: identity.sourceRepoUri ?? '',
    source_commit: identity.sourceCommit ?? '',
    source_ref: identity.sourceRef ?? '',
    issuer: identity.issuer ?? '',
    tlog_index: tlog ? String(tlog.logIndex) : '',
    predicate_type: predicateType,
    sha256: subject.sha256,
    trusted_root: domain.name,
  };
}

function parseBundle(raw: unknown, subject: Subject): Bundle {
  try {
    return bundleFromJSON(raw);
  } catch (err) {
    if (err instanceof ValidationError && (err.fields ?? []).some((f) => f.includes('tlogEntries'))) {
      throw fail(2, bundleRejected.tlogWithoutProof(subject.what, err.fields ?? []));
    }
    const detail = err instanceof ValidationError ? `missing or invalid: ${(err.fields ?? []).join(', ')}` : (err as Error).message;
    throw fail(0, bundleRejected.bundleUnreadable(subject.what, detail.slice(0, 300)));
  }
}

interface StatementSubject {
  name: string;
  sha256: string;
}

function parseStatement(
  payloadType: string,
  payload: Buffer | Uint8Array,
  subject: Subject,
): { predicateType: string; subjects: StatementSubject[] } {
  const unusable = (lacks: 'json' | 'statement' | 'predicateType' | 'subject') =>
    fail(0, bundleRejected.statementMalformed(subject.what, lacks));
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw fail(0, bundleRejected.payloadTypeNotInToto(subject.what, payloadType, IN_TOTO_PAYLOAD_TYPE));
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw unusable('json');
  }
  const s = statement as { _type?: unknown; predicateType?: unknown; subject?: unknown };
  if (typeof s !== 'object' || s === null || typeof s._type !== 'string' || !STATEMENT_TYPES.includes(s._type)) throw unusable('statement');
  if (typeof s.predicateType !== 'string') throw unusable('predicateType');
  if (!Array.isArray(s.subject)) throw unusable('subject');
  const subjects: StatementSubject[] = [];
  for (const item of s.subject.slice(0, 10_000)) {
    const digest = (item as { digest?: { sha256?: unknown } } | null)?.digest?.sha256;
    const name = (item as { name?: unknown } | null)?.name;
    if (typeof digest === 'string' && /^[0-9a-f]{64}$/i.test(digest))
      subjects.push({ name: typeof name === 'string' ? name.slice(0, 200) : '', sha256: digest.toLowerCase() });
  }
  return { predicateType: s.predicateType, subjects };
}

/** Signature, chain, timestamps and tlog inclusion, against the first trusted root the certificate chains to. */
function verifyCrypto(
  bundle: Bundle,
  subject: Subject,
  artifact: Buffer | undefined,
): { domain: TrustDomain; certificate: X509Certificate } {
  if (subject.trust.domains.length === 0) {
    throw fail(1, bundleRejected.noTrustedRoot(subject.what));
  }
  let entity: ReturnType<typeof toSignedEntity>;
  try {
    entity = toSignedEntity(bundle, artifact);
  } catch (err) {
    throw fail(1, bundleRejected.certificateUnparsable(subject.what, (err as Error).message.slice(0, 200)));
  }
  if (entity.key.$case !== 'certificate') throw fail(1, bundleRejected.noCertificate(subject.what));
  const certificate = entity.key.certificate;
  let last: Failure | undefined;
  for (const domain of subject.trust.domains) {
    if (domain.requireTlog && entity.tlogEntries.length === 0) {
      const noLoglessRoot = subject.trust.domains.every((d) => d.requireTlog);
      last = { ...bundleRejected.noTlogEntry(subject.what, domain.name, noLoglessRoot), stage: 2 };
      continue;
    }
    try {
      new Verifier(domain.material, {
        tlogThreshold: domain.requireTlog ? 1 : 0,
        ctlogThreshold: domain.requireSct ? 1 : 0,
        timestampThreshold: 1,
      }).verify(entity);
      return { domain, certificate };
    } catch (err) {
      if (!(err instanceof VerificationError)) {
        const detail = String((err as Error).message ?? err).slice(0, 200);
        last = { ...bundleRejected.notVerified(subject.what, domain.name, detail), stage: 1 };
        continue;
      }
      last = classify(err, subject, domain);
      // A certificate from another authority may chain to the next root; other failures are final.
      if (err.code !== 'CERTIFICATE_ERROR') break;
    }
  }
  throw new BundleFailure(last!);
}

function classify(err: VerificationError, subject: Subject, domain: TrustDomain): Failure {
  const detail = String(err.message).slice(0, 200);
  if (err.code.startsWith('TLOG_')) {
    return { ...bundleRejected.tlogInvalid(subject.what, domain.name, detail), stage: 2 };
  }
  if (err.code === 'CERTIFICATE_ERROR') {
    const roots = subject.trust.domains.map((d) => d.name);
    return { ...bundleRejected.certificateUntrusted(subject.what, detail, roots), stage: 1 };
  }
  if (err.code === 'SIGNATURE_ERROR') {
    return { ...bundleRejected.signatureInvalid(subject.what, detail), stage: 1 };
  }
  return { ...bundleRejected.otherVerificationError(subject.what, domain.name, err.code, detail), stage: 1 };
}

function toError(failures: Failure[]): BuildpackError {
  const best = failures.reduce((a, b) => (b.stage > a.stage ? b : a));
  return attestationRejected(best, failures.length);
}

function fail(stage: number, rejection: BundleRejection): BundleFailure {
  return new BundleFailure({ ...rejection, stage });
}
