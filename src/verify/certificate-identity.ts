// Pure: reads the GitHub Actions identity a Fulcio certificate carries (issuer, workflow,
// source repository, commit, ref) from its extensions. It trusts nothing by itself: only a
// certificate the verifier already chained to a trusted root should be read here.

import type { X509Certificate } from '@sigstore/core';
import type { SignerIdentity } from './attestation-policy.js';

/** Fulcio's certificate extensions (https://github.com/sigstore/fulcio/blob/main/docs/oid-info.md). */
const FULCIO_OIDS = {
  issuerV1: '1.3.6.1.4.1.57264.1.1',
  issuer: '1.3.6.1.4.1.57264.1.8',
  buildSignerUri: '1.3.6.1.4.1.57264.1.9',
  sourceRepositoryUri: '1.3.6.1.4.1.57264.1.12',
  sourceRepositoryDigest: '1.3.6.1.4.1.57264.1.13',
  sourceRepositoryRef: '1.3.6.1.4.1.57264.1.14',
} as const;

/** Longest extension value we read; real values are URIs and hashes well below this. */
const MAX_VALUE = 2048;

export function signerIdentityOf(cert: X509Certificate): SignerIdentity {
  const identity: SignerIdentity = {};
  const issuer = derString(cert, FULCIO_OIDS.issuer) ?? rawString(cert, FULCIO_OIDS.issuerV1);
  if (issuer) identity.issuer = issuer;
  const signer = derString(cert, FULCIO_OIDS.buildSignerUri) ?? sanUri(cert);
  if (signer) identity.signerUri = signer;
  const repo = derString(cert, FULCIO_OIDS.sourceRepositoryUri);
  if (repo) identity.sourceRepoUri = repo;
  const commit = derString(cert, FULCIO_OIDS.sourceRepositoryDigest);
  if (commit) identity.sourceCommit = commit;
  const ref = derString(cert, FULCIO_OIDS.sourceRepositoryRef);
  if (ref) identity.sourceRef = ref;
  return identity;
}

/** Fulcio's newer extensions hold a DER UTF8String. */
function derString(cert: X509Certificate, oid: string): string | undefined {
  try {
    const value = cert.extension(oid)?.valueObj.subs[0]?.value;
    return value ? printable(value) : undefined;
  } catch {
    return undefined;
  }
}

/** The deprecated …1.1 extension holds the raw string. */
function rawString(cert: X509Certificate, oid: string): string | undefined {
  const value = cert.extension(oid)?.value;
  return value ? printable(value) : undefined;
}

function sanUri(cert: X509Certificate): string | undefined {
  try {
    const san = cert.subjectAltName;
    return san ? printable(Buffer.from(san)) : undefined;
  } catch {
    return undefined;
  }
}

/** Text without control characters (it ends up in logs and the SBOM), capped. */
function printable(bytes: Buffer): string | undefined {
  if (bytes.length > MAX_VALUE) return undefined;
  const text = bytes.toString('utf8');
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a certificate value with control characters is refused
  return /[\u0000-\u001f\u007f]/.test(text) ? undefined : text;
}
