// A local Sigstore for tests: a Fulcio-like CA issuing short-lived certificates with GitHub
// Actions identity extensions, a Rekor-like log key that signs entry timestamps (SET) and
// checkpoints, and the trusted_root.json that trusts both. It builds real bundles (DSSE
// attestations and cosign-style blob signatures) and broken variants. Test support only.

import 'reflect-metadata';
import { createHash, KeyObject, sign, webcrypto, type KeyObject as NodeKeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;
export const ACTIONS_ISSUER = 'https://token.actions.githubusercontent.com';
const LOG_NAME = 'rekor.test.invalid';

export interface Identity {
  /** owner/repo whose workflow signs (default: the subject repo). */
  signerRepo: string;
  workflow?: string;
  ref?: string;
  sourceRepo?: string;
  commit?: string;
  issuer?: string;
}

export interface BundleOptions {
  identity: Identity;
  /** Certificate validity relative to the signing time (default: valid). */
  certificate?: 'valid' | 'expired' | 'untrusted-ca';
  /** Break the transparency-log part. */
  tlog?: 'valid' | 'none' | 'wrong-key';
  /** The envelope's signature covers other bytes (logged as such, so only the signature check catches it). */
  tamperSignature?: boolean;
  predicateType?: string;
}

interface Ca {
  cert: x509.X509Certificate;
  keys: webcrypto.CryptoKeyPair;
}

export interface TestSigstore {
  /** trusted_root.json trusting the test CA and log. */
  trustedRoot: object;
  /** An in-toto SLSA provenance attestation bundle for these subjects. */
  attest(subjects: { name: string; sha256: string }[], options: BundleOptions): Promise<object>;
  /** A cosign sign-blob --bundle style message signature over `bytes`. */
  signBlob(bytes: Buffer, options: BundleOptions): Promise<object>;
}

export async function createTestSigstore(): Promise<TestSigstore> {
  const now = Date.now();
  const ca = await makeCa('Test Fulcio Root', now);
  const rogue = await makeCa('Rogue Root', now);
  const logKeys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const rogueLog = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const logSpki = Buffer.from(await webcrypto.subtle.exportKey('spki', logKeys.publicKey));
  const logId = createHash('sha256').update(logSpki).digest();
  let nextIndex = 4200;

  const trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [
      {
        baseUrl: `https://${LOG_NAME}`,
        hashAlgorithm: 'SHA2_256',
        publicKey: {
          rawBytes: logSpki.toString('base64'),
          keyDetails: 'PKIX_ECDSA_P256_SHA_256',
          validFor: { start: new Date(now - 86_400_000).toISOString() },
        },
        logId: { keyId: logId.toString('base64') },
      },
    ],
    certificateAuthorities: [
      {
        subject: { organization: 'test', commonName: 'Test Fulcio Root' },
        uri: 'https://fulcio.test.invalid',
        certChain: { certificates: [{ rawBytes: Buffer.from(ca.cert.rawData).toString('base64') }] },
        validFor: { start: new Date(now - 86_400_000).toISOString() },
      },
    ],
    ctlogs: [],
    timestampAuthorities: [],
  };

  async function leafFor(options: BundleOptions, signedAt: number): Promise<{ der: Buffer; key: NodeKeyObject }> {
    const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const id = options.identity;
    const workflow = id.workflow ?? '.github/workflows/release.yml';
    const ref = id.ref ?? 'refs/tags/v1.0.0';
    const signerUri = `https://github.com/${id.signerRepo}/${workflow}@${ref}`;
    const issuer = options.certificate === 'untrusted-ca' ? rogue : ca;
    const expired = options.certificate === 'expired';
    const notBefore = new Date(expired ? signedAt - 3_600_000 : signedAt - 60_000);
    const notAfter = new Date(expired ? signedAt - 3_000_000 : signedAt + 600_000);
    const ext = (oid: string, value: string) => new x509.Extension(oid, false, derUtf8(value));
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: '',
      issuer: issuer.cert.subject,
      notBefore,
      notAfter,
      publicKey: keys.publicKey,
      signingKey: issuer.keys.privateKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension(['1.3.6.1.5.5.7.3.3'], false),
        new x509.SubjectAlternativeNameExtension([{ type: 'url', value: signerUri }], true),
        new x509.Extension('1.3.6.1.4.1.57264.1.1', false, Buffer.from(id.issuer ?? ACTIONS_ISSUER)),
        ext('1.3.6.1.4.1.57264.1.8', id.issuer ?? ACTIONS_ISSUER),
        ext('1.3.6.1.4.1.57264.1.9', signerUri),
        ext('1.3.6.1.4.1.57264.1.12', `https://github.com/${id.sourceRepo ?? id.signerRepo}`),
        ext('1.3.6.1.4.1.57264.1.13', id.commit ?? 'c0ffee0000000000000000000000000000000001'),
        ext('1.3.6.1.4.1.57264.1.14', ref),
      ],
    });
    return { der: Buffer.from(cert.rawData), key: KeyObject.from(keys.privateKey) };
  }

  async function tlogEntry(
    kind: 'dsse' | 'hashedrekord',
    body: object,
    integratedTime: number,
    mode: BundleOptions['tlog'],
  ): Promise<object[]> {
    if (mode === 'none') return [];
    const signer = KeyObject.from(mode === 'wrong-key' ? rogueLog.privateKey : logKeys.privateKey);
    const canonicalizedBody = Buffer.from(JSON.stringify(body));
    const logIndex = nextIndex++;
    const set = sign(
      'sha256',
      Buffer.from(canonicalJson({ body: canonicalizedBody.toString('base64'), integratedTime, logIndex, logID: logId.toString('hex') })),
      signer,
    );
    // A one-leaf tree: the root is the leaf hash and the proof has no hashes.
    const root = createHash('sha256')
      .update(Buffer.concat([Buffer.from([0]), canonicalizedBody]))
      .digest();
    const note = `${LOG_NAME} - 1\n1\n${root.toString('base64')}\n`;
    const noteSig = Buffer.concat([logId.subarray(0, 4), sign('sha256', Buffer.from(note), signer)]);
    return [
      {
        logIndex: String(logIndex),
        logId: { keyId: logId.toString('base64') },
        kindVersion: { kind, version: '0.0.1' },
        integratedTime: String(integratedTime),
        inclusionPromise: { signedEntryTimestamp: set.toString('base64') },
        inclusionProof: {
          logIndex: '0',
          rootHash: root.toString('base64'),
          treeSize: '1',
          hashes: [],
          checkpoint: { envelope: `${note}\n\u2014 ${LOG_NAME} ${noteSig.toString('base64')}\n` },
        },
        canonicalizedBody: canonicalizedBody.toString('base64'),
      },
    ];
  }

  async function attest(subjects: { name: string; sha256: string }[], options: BundleOptions): Promise<object> {
    const signedAt = Date.now() - 30_000;
    const leaf = await leafFor(options, signedAt);
    const statement = {
      _type: 'https://in-toto.io/Statement/v1',
      subject: subjects.map((s) => ({ name: s.name, digest: { sha256: s.sha256 } })),
      predicateType: options.predicateType ?? 'https://slsa.dev/provenance/v1',
      predicate: { buildDefinition: { buildType: 'https://actions.github.io/buildtypes/workflow/v1' }, runDetails: {} },
    };
    const payloadType = 'application/vnd.in-toto+json';
    const payload = Buffer.from(JSON.stringify(statement));
    const signedPayload = options.tamperSignature ? Buffer.from(JSON.stringify({ ...statement, subject: [] })) : payload;
    const sig = sign('sha256', pae(payloadType, signedPayload), leaf.key);
    const envelope = { payload: payload.toString('base64'), payloadType, signatures: [{ sig: sig.toString('base64'), keyid: '' }] };
    const body = {
      apiVersion: '0.0.1',
      kind: 'dsse',
      spec: {
        envelopeHash: { algorithm: 'sha256', value: createHash('sha256').update(JSON.stringify(envelope)).digest('hex') },
        payloadHash: { algorithm: 'sha256', value: createHash('sha256').update(payload).digest('hex') },
        signatures: [{ signature: sig.toString('base64'), verifier: Buffer.from(pem(leaf.der)).toString('base64') }],
      },
    };
    return bundleOf(leaf, { kind: 'dsse', body, signedAt, tlog: options.tlog }, { dsseEnvelope: envelope });
  }

  async function signBlob(bytes: Buffer, options: BundleOptions): Promise<object> {
    const signedAt = Date.now() - 30_000;
    const leaf = await leafFor(options, signedAt);
    const digest = createHash('sha256').update(bytes).digest();
    const sig = sign('sha256', options.tamperSignature ? Buffer.concat([bytes, Buffer.from('x')]) : bytes, leaf.key);
    const body = {
      apiVersion: '0.0.1',
      kind: 'hashedrekord',
      spec: {
        data: { hash: { algorithm: 'sha256', value: digest.toString('hex') } },
        signature: { content: sig.toString('base64'), publicKey: { content: Buffer.from(pem(leaf.der)).toString('base64') } },
      },
    };
    return bundleOf(
      leaf,
      { kind: 'hashedrekord', body, signedAt, tlog: options.tlog },
      {
        messageSignature: {
          messageDigest: { algorithm: 'SHA2_256', digest: digest.toString('base64') },
          signature: sig.toString('base64'),
        },
      },
    );
  }

  /** A v0.3 bundle: the signing certificate, the log entry for `body` (as `tlog` asks), then the signed content. */
  async function bundleOf(
    leaf: { der: Buffer },
    entry: { kind: 'dsse' | 'hashedrekord'; body: object; signedAt: number; tlog: BundleOptions['tlog'] },
    content: Record<string, unknown>,
  ): Promise<object> {
    return {
      mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
      verificationMaterial: {
        certificate: { rawBytes: leaf.der.toString('base64') },
        tlogEntries: await tlogEntry(entry.kind, entry.body, Math.floor(entry.signedAt / 1000), entry.tlog),
        timestampVerificationData: {},
      },
      ...content,
    };
  }

  return { trustedRoot, attest, signBlob };
}

async function makeCa(name: string, now: number): Promise<Ca> {
  const keys = (await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: `CN=${name}, O=test`,
    notBefore: new Date(now - 86_400_000),
    notAfter: new Date(now + 365 * 86_400_000),
    keys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  return { cert, keys };
}

/** DSSE pre-authentication encoding. */
function pae(type: string, payload: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(type)} ${type} ${payload.length} `), payload]);
}

function derUtf8(value: string): Buffer {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length < 128) return Buffer.concat([Buffer.from([0x0c, bytes.length]), bytes]);
  return Buffer.concat([Buffer.from([0x0c, 0x82, bytes.length >> 8, bytes.length & 0xff]), bytes]);
}

function pem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

function randomSerial(): string {
  return `01${createHash('sha256').update(String(Math.random())).digest('hex').slice(0, 30)}`;
}

/** RFC 8785-style canonical JSON for the flat SET payload (sorted keys, no spaces). */
function canonicalJson(value: Record<string, unknown>): string {
  return `{${Object.keys(value)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${JSON.stringify(value[k])}`)
    .join(',')}}`;
}
