// Pure: verifies Sigstore bundles against trusted roots and an entry's policy: the signature,
// the certificate chain, transparency-log inclusion from the bundle itself (no live log
// query), the subject digest against the downloaded bytes, the in-toto statement's SLSA
// provenance predicate and the signer's identity. Fetching bundles and roots is not done here.

import { createHash } from 'node:crypto';
import { bundleFromJSON, ValidationError, type Bundle } from '@sigstore/bundle';
import type { X509Certificate } from '@sigstore/core';
import { toSignedEntity, VerificationError, Verifier, type TrustMaterial } from '@sigstore/verify';
import type { BuildpackError } from '../errors.js';
import { signerMismatches, type AttestationPolicy, type SignerIdentity } from './attestation-policy.js';
import { signerIdentityOf } from './certificate-identity.js';
import { attestationRejected, type AttestationCode } from '../errors/catalog.js';

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
interface Failure {
  code: AttestationCode;
  message: string;
  hint: string;
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
    throw new BundleFailure({
      code: 'GHA039',
      stage: 0,
      message: `the signature bundle of ${subject.what} holds an in-toto statement that is not SLSA provenance`,
      hint: 'publish a cosign sign-blob bundle for the file',
    });
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
    throw fail(
      'GHA039',
      0,
      `an attestation for ${subject.what} is a plain signature, not an in-toto statement`,
      'GitHub artifact attestations are DSSE envelopes; check the attestation source',
    );
  }
  if (bundle.verificationMaterial.content.$case !== 'x509CertificateChain' && bundle.verificationMaterial.content.$case !== 'certificate') {
    throw fail(
      'GHA036',
      1,
      `the bundle for ${subject.what} is signed with a bare key, not a certificate naming a workflow`,
      'only keyless (Fulcio certificate) signatures say who built the asset',
    );
  }

  // A message signature names the digest it signs: other bytes are refused before any crypto.
  if (content.$case === 'messageSignature') {
    const digest = Buffer.from(content.messageSignature.messageDigest?.digest ?? []).toString('hex');
    if (digest !== '' && digest !== subject.sha256) {
      throw fail(
        'GHA034',
        3,
        `the signature bundle of ${subject.what} signs sha256:${digest}, the file is sha256:${subject.sha256}`,
        'the file was replaced after it was signed; do not trust it until the publisher explains',
      );
    }
  }

  const { domain, certificate } = verifyCrypto(bundle, subject, artifact);

  // The signature holds; now what it says must be about these bytes.
  if (statementSubjects) {
    const match = statementSubjects.some((s) => s.sha256 === subject.sha256);
    if (!match) {
      const listed = statementSubjects.slice(0, 5).map((s) => `${s.name || '(unnamed)'} sha256:${s.sha256.slice(0, 16)}…`);
      throw fail(
        'GHA034',
        3,
        `the attestation is for other bytes: it lists ${listed.join(', ') || 'no subjects'}, the download of ${subject.what} is sha256:${subject.sha256}`,
        'the release asset was replaced after it was attested, or GitHub returned an attestation for another file; do not use this asset until the publisher explains',
      );
    }
  }

  const identity = signerIdentityOf(certificate);
  const problems = signerMismatches(identity, subject.policy, subject.trust.acceptedIssuers);
  if (problems.length > 0) {
    throw fail(
      'GHA035',
      4,
      `${subject.what} was signed by ${identity.signerUri ?? 'an unknown signer'}: ${problems.join('; ')}`,
      signerHint(subject.policy, identity),
    );
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
      throw fail(
        'GHA037',
        2,
        `the bundle for ${subject.what} has a transparency-log entry without an inclusion proof (${(err.fields ?? []).join(', ')})`,
        'the bundle is incomplete or was altered; fetch it again or ask the publisher',
      );
    }
    const detail = err instanceof ValidationError ? `missing or invalid: ${(err.fields ?? []).join(', ')}` : (err as Error).message;
    throw fail(
      'GHA039',
      0,
      `the Sigstore bundle for ${subject.what} cannot be read (${detail.slice(0, 300)})`,
      'the attestation is not a Sigstore bundle this buildpack reads (v0.1–v0.3); check its source',
    );
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
  const unusable = (why: string) =>
    fail(
      'GHA039',
      0,
      `the attestation for ${subject.what} ${why}`,
      'GitHub artifact attestations carry an in-toto statement with SLSA provenance; check the attestation source',
    );
  if (payloadType !== IN_TOTO_PAYLOAD_TYPE)
    throw unusable(`has payload type ${JSON.stringify(payloadType.slice(0, 80))}, not ${IN_TOTO_PAYLOAD_TYPE}`);
  let statement: unknown;
  try {
    statement = JSON.parse(Buffer.from(payload).toString('utf8'));
  } catch {
    throw unusable('holds a payload that is not JSON');
  }
  const s = statement as { _type?: unknown; predicateType?: unknown; subject?: unknown };
  if (typeof s !== 'object' || s === null || typeof s._type !== 'string' || !STATEMENT_TYPES.includes(s._type))
    throw unusable('is not an in-toto statement');
  if (typeof s.predicateType !== 'string') throw unusable('has no predicateType');
  if (!Array.isArray(s.subject)) throw unusable('has no subject list');
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
    throw fail(
      'GHA038',
      1,
      `no trusted root is available to verify ${subject.what}`,
      'set GITHUB_ASSETS_TRUSTED_ROOT to a Sigstore trusted_root.json, or let the build reach the Sigstore TUF repository',
    );
  }
  let entity: ReturnType<typeof toSignedEntity>;
  try {
    entity = toSignedEntity(bundle, artifact);
  } catch (err) {
    throw fail(
      'GHA036',
      1,
      `the signing certificate or timestamp in the bundle for ${subject.what} cannot be parsed (${(err as Error).message.slice(0, 200)})`,
      'the bundle is corrupt or was altered',
    );
  }
  if (entity.key.$case !== 'certificate')
    throw fail('GHA036', 1, `the bundle for ${subject.what} carries no certificate`, 'only keyless signatures say who built the asset');
  const certificate = entity.key.certificate;
  let last: Failure | undefined;
  for (const domain of subject.trust.domains) {
    if (domain.requireTlog && entity.tlogEntries.length === 0) {
      const noLoglessRoot = subject.trust.domains.every((d) => d.requireTlog);
      last = {
        code: 'GHA037',
        stage: 2,
        message: `the bundle for ${subject.what} has no transparency-log entry, which the ${domain.name} trusted root requires`,
        hint: noLoglessRoot
          ? "attestations of private repositories are signed by GitHub's own Sigstore (no log, a timestamp instead), whose root this build could not load (see the log); set GITHUB_ASSETS_TRUSTED_ROOT to a root that includes it. Otherwise a signature that was never logged cannot be audited: do not use the asset"
          : 'a signature that was never logged cannot be audited; ask the publisher to sign with a transparency log (the default for GitHub attestations of public repositories)',
      };
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
        last = {
          code: 'GHA036',
          stage: 1,
          message: `the bundle for ${subject.what} could not be verified against the ${domain.name} trusted root: ${String((err as Error).message ?? err).slice(0, 200)}`,
          hint: 'the bundle is corrupt or was altered',
        };
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
    return {
      code: 'GHA037',
      stage: 2,
      message: `the transparency-log entry of the bundle for ${subject.what} does not verify against the ${domain.name} trusted root (${detail})`,
      hint: 'the bundle was altered or logged in a log this build does not trust; GITHUB_ASSETS_TRUSTED_ROOT replaces the built-in roots',
    };
  }
  if (err.code === 'CERTIFICATE_ERROR') {
    return {
      code: 'GHA036',
      stage: 1,
      message: `the signing certificate of ${subject.what} does not chain to a trusted root or was not valid when it signed (${detail})`,
      hint: `checked against: ${subject.trust.domains.map((d) => d.name).join(', ')}; for GitHub Enterprise or a private Sigstore set GITHUB_ASSETS_TRUSTED_ROOT to its trusted_root.json`,
    };
  }
  if (err.code === 'SIGNATURE_ERROR') {
    return {
      code: 'GHA036',
      stage: 1,
      message: `the signature over ${subject.what} is invalid (${detail})`,
      hint: 'the attestation or signature was tampered with; do not use this asset until the publisher explains',
    };
  }
  return {
    code: 'GHA036',
    stage: 1,
    message: `the bundle for ${subject.what} does not verify against the ${domain.name} trusted root (${err.code}: ${detail})`,
    hint: 'the bundle is corrupt or was altered',
  };
}

function toError(failures: Failure[]): BuildpackError {
  const best = failures.reduce((a, b) => (b.stage > a.stage ? b : a));
  const more = failures.length > 1 ? ` (${failures.length} bundles checked, none passed)` : '';
  return attestationRejected(best.code, `${best.message}${more}`, best.hint);
}

function fail(code: AttestationCode, stage: number, message: string, hint: string): BundleFailure {
  return new BundleFailure({ code, stage, message, hint });
}

function signerHint(policy: AttestationPolicy, identity: SignerIdentity): string {
  const observed = identity.signerUri ? ` The certificate names ${identity.signerUri}.` : '';
  return `if the publisher moved its release workflow, set signer_repo / signer_workflow on the entry to the new one (github-assets pin --signer writes what it observes);${observed} Otherwise someone else built this asset: do not use it.${policy.mode === 'auto' ? ' attestations = "off" skips the check.' : ''}`;
}
