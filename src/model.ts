// Plain data types shared by the modules. No behaviour here.

/** CPU architectures in CNB/Go spelling (CNB_TARGET_ARCH). */
export type Arch = 'amd64' | 'arm64' | (string & {});

export interface Target {
  os: string; // CNB_TARGET_OS, e.g. "linux"
  arch: Arch; // CNB_TARGET_ARCH, e.g. "amd64"
  variant?: string; // CNB_TARGET_ARCH_VARIANT
  /** The run image's distribution (CNB_TARGET_DISTRO_NAME / _VERSION), when the platform knows it. */
  distro?: { name: string; version?: string };
}

/** One validated `[[metadata.githubassets]]` entry. */
export interface AssetSpec {
  /** 1-based position in the descriptor, for messages. */
  index: number;
  /** `owner/name` as written. */
  repo: string;
  owner: string;
  name: string;
  /** Asset name or pattern ({os}, {arch}, {version}, {tag}, * and ?), after per-arch overrides; '' selects automatically. */
  asset: string;
  /** libc the automatic selection prefers on Linux; absent: static and musl builds first. */
  libc?: 'gnu' | 'musl';
  /** Substring or glob that filters the release's assets before automatic selection. */
  matching?: string;
  /** `latest`, an exact tag, or a semver range. */
  tag: string;
  /** Whether `latest` and ranges may resolve to prereleases. */
  prerelease: boolean;
  /** Per-architecture overrides (`[metadata.githubassets.arch.<arch>]`), keyed by CNB arch. */
  arch?: Record<string, ArchOverride>;
  /** Name of the env var that holds the token, if any. */
  tokenEnv?: string;
  /** Relative path inside the layer, normalised (no leading `./`, no trailing `/` unless it meant a directory). */
  destination?: string;
  stripComponents: number;
  /** Pinned SHA-256 of the asset (lowercase hex). */
  sha256?: string;
  /** Name (or pattern) of the release's checksums file, when automatic discovery is not enough. */
  checksums?: string;
  /** Paths or globs inside an archive to install; everything when absent. */
  files?: string[];
  /** `update` key: false (never bump) or a level/range for `github-assets update`; absent means the --to policy. */
  update?: false | string;
  /** `attestations` as written; absent means the build's default (GITHUB_ASSETS_ATTESTATIONS, else auto). */
  attestations?: AttestationMode;
  /** `signer_repo`: the repository whose workflow must have signed (default: `repo`). */
  signerRepo?: string;
  /** `signer_workflow`: `owner/repo/.github/workflows/<file>`, optionally `@<ref>`. */
  signerWorkflow?: string;
}

/** Whether the build checks GitHub artifact attestations (and signed checksums files). */
export type AttestationMode = 'required' | 'auto' | 'off';

/** Keys an `arch.<name>` table may override for that architecture. */
export interface ArchOverride {
  asset?: string;
  libc?: 'gnu' | 'musl';
  matching?: string;
  stripComponents?: number;
  sha256?: string;
  files?: string[];
}

/** `githubassets[2] (acme/tool)`: how messages name an entry. */
export function entryLabel(spec: Pick<AssetSpec, 'index' | 'repo'>): string {
  return `githubassets[${spec.index}] (${spec.repo})`;
}

/** Layer name for a repo: `<owner>_<repo>`, matching the original buildpack's paths. */
export function layerNameFor(spec: Pick<AssetSpec, 'owner' | 'name'>): string {
  return `${spec.owner}_${spec.name}`;
}

export interface ReleaseAsset {
  id: number;
  name: string;
  size: number;
  /** API URL of the asset (GET with Accept: application/octet-stream downloads it). */
  url: string;
  /** Public web URL (github.com/<o>/<r>/releases/download/<tag>/<name>). */
  browserDownloadUrl: string;
  contentType?: string;
  /** `sha256:<hex>` when the API provides it. */
  digest?: string;
  /**
   * Where the asset's facts come from: 'direct' when it was resolved without the API (rate
   * limited, or unreachable with a mirror; see net/sources.ts directRelease), so its id, size
   * and digest are unknown and its `url` is the mirror or web host; absent or 'api': the API.
   */
  origin?: 'api' | 'direct';
}

export interface Release {
  id: number;
  tag: string;
  name?: string;
  draft: boolean;
  prerelease: boolean;
  publishedAt?: string;
  assets: ReleaseAsset[];
  /** The API's ETag for the lookup that returned this release, for conditional rebuild checks. */
  etag?: string;
}

/** One file written into a layer, relative to the layer root. */
export interface InstalledFile {
  path: string; // relative, POSIX separators
  executable: boolean;
  kind: 'file' | 'symlink' | 'directory';
}
