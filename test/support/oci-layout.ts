// Minimal OCI image layouts on disk: writes a tiny run image (one empty layer, target
// labels) the lifecycle can export onto, and reads back an exported image's config.
// Plain files and hashes only; no registry, no daemon.

import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

export interface RunImageOptions {
  os?: string;
  /** OCI architecture name, e.g. amd64, arm64. */
  arch?: string;
  /** `uid:gid` the image declares; the lifecycle's build user in practice. */
  user?: string;
  distro?: { name: string; version: string };
  labels?: Record<string, string>;
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config: { Env?: string[]; User?: string; Labels?: Record<string, string>; Entrypoint?: string[] };
  rootfs: { type: string; diff_ids: string[] };
}

const MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

function putBlob(imageDir: string, data: Buffer): { digest: string; size: number } {
  const digest = sha256(data);
  writeFileSync(join(imageDir, 'blobs', 'sha256', digest.slice('sha256:'.length)), data);
  return { digest, size: data.length };
}

/** Host architecture in OCI/CNB spelling. */
export function hostOciArch(): string {
  return process.arch === 'x64' ? 'amd64' : process.arch;
}

/**
 * Writes a one-image OCI layout at `imageDir` (the lifecycle's `<layout-dir>/<registry>/<repo>/<tag>`)
 * and returns the manifest digest. The single layer is an empty tar: enough for export.
 */
export function writeRunImage(imageDir: string, options: RunImageOptions = {}): string {
  mkdirSync(join(imageDir, 'blobs', 'sha256'), { recursive: true });
  const emptyTar = Buffer.alloc(1024); // two zero blocks = end of archive
  const layer = putBlob(imageDir, gzipSync(emptyTar));
  const distro = options.distro ?? { name: 'debian', version: '12' };
  const config: ImageConfig = {
    architecture: options.arch ?? hostOciArch(),
    os: options.os ?? 'linux',
    config: {
      Env: ['PATH=/usr/local/bin:/usr/bin:/bin'],
      User: options.user ?? '65534:65534',
      Labels: {
        'io.buildpacks.base.distro.name': distro.name,
        'io.buildpacks.base.distro.version': distro.version,
        ...options.labels,
      },
    },
    rootfs: { type: 'layers', diff_ids: [sha256(emptyTar)] },
  };
  const configBlob = putBlob(imageDir, Buffer.from(JSON.stringify(config)));
  const manifest = putBlob(
    imageDir,
    Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: MANIFEST,
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...layer }],
      }),
    ),
  );
  writeFileSync(
    join(imageDir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.index.v1+json',
      manifests: [{ mediaType: MANIFEST, ...manifest }],
    }),
  );
  writeFileSync(join(imageDir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  return manifest.digest;
}

function readBlob(imageDir: string, digest: string): Buffer {
  return readFileSync(join(imageDir, 'blobs', digest.replace(':', '/')));
}

export interface LayoutImage {
  manifestDigest: string;
  config: ImageConfig;
  /** Compressed layer digests, in order. */
  layers: string[];
}

/** Reads the first image of the layout at `imageDir` (as the lifecycle's exporter writes it). */
export function readLayoutImage(imageDir: string): LayoutImage {
  const index = JSON.parse(readFileSync(join(imageDir, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const first = index.manifests[0];
  if (!first) throw new Error(`no image in ${imageDir}/index.json`);
  const manifest = JSON.parse(readBlob(imageDir, first.digest).toString('utf8')) as {
    config: { digest: string };
    layers: { digest: string }[];
  };
  const config = JSON.parse(readBlob(imageDir, manifest.config.digest).toString('utf8')) as ImageConfig;
  return { manifestDigest: first.digest, config, layers: manifest.layers.map((l) => l.digest) };
}
