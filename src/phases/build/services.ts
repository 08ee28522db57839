// What the build phase is given and what it hands back: the injected services (GitHub,
// downloader, installer, log, policy switches) and the result the CNB writer turns into files.
// Types only, plus the test pause point's construction; no build logic here.

import { writeFile } from 'node:fs/promises';
import type { LaunchOutput, LayerOutput } from '../../cnb/output.js';
import type { ExtractOptions } from '../../extract/index.js';
import type { Logger } from '../../log.js';
import type { InstalledFile } from '../../model.js';
import type { Credentials, TokenLookup } from '../../github/credentials.js';
import type { ReleaseSource } from '../../github/resolve.js';
import type { LayerMetadata, ResolvedEntry } from '../../layers/reuse.js';
import type { NetworkConfig } from '../../net/config.js';
import type { AssetDownloadRequest } from '../../net/downloader.js';
import type { AssetCoordinates } from '../../net/sources.js';
import type { ProvenanceChecker } from '../../verify/provenance.js';

/** What the build asks the downloader for; coordinates let it map the asset to a mirror. */
export type DownloadRequest = AssetDownloadRequest & { coordinates: AssetCoordinates };

/** What the build asks the installer for: extract/index.ts's options but the caps, which the composition root adds from the settings. */
export type InstallRequest = Omit<ExtractOptions, 'limits'>;

/** A point in a layer commit where a test may stop the build (then SIGKILL it). */
export type HoldPoint = 'after-swap';

export interface BuildServices {
  github: ReleaseSource;
  download(request: DownloadRequest): Promise<{ sha256: string; bytes: number; via?: 'api' | 'mirror' | 'web' }>;
  /** Sends a public asset's first GET while its release is looked up (net/downloader.ts); absent: downloads start after the lookup. */
  sendEarly?(url: string): void;
  install(file: string, outDir: string, request: InstallRequest): Promise<InstalledFile[]>;
  log: Logger;
  /** How many entries download at once. */
  concurrency: number;
  /** Fail entries without a pinned sha256 (GITHUB_ASSETS_STRICT). */
  strict: boolean;
  /** Mirror template and web host, for entries resolved without the API when it is rate limited. */
  network?: Pick<NetworkConfig, 'mirror' | 'serverUrl'> & Partial<Pick<NetworkConfig, 'serverUrlKnown'>>;
  /** Attestation and signed-checksums checks (verify/provenance.ts); absent means none. */
  provenance?: ProvenanceChecker;
  /**
   * Reads the token variable an entry names (token_env, else GITHUB_TOKEN): process env, then
   * <platform>/env. A lookup rather than a setting because the descriptor, not the buildpack, names it.
   */
  lookupToken: TokenLookup;
  /** Test-only pause inside a layer commit (see testHoldFrom); absent in every real build. */
  hold?: (point: HoldPoint, layer: string) => Promise<void>;
}

/** An entry ready to install: resolved, with its token and what steers its automatic selection (layers/reuse.ts selectSpecOf). */
export type BuildEntry = ResolvedEntry & { creds: Credentials; selectSpec: string };

/** Restored: the previous build's layer kept as it was. Fresh: built anew in staging, for the cause given. */
export type LayerState = { state: 'restored' } | { state: 'fresh'; cause: string };

/** Entries downloaded this build and their bytes; entries reused from the previous build. */
export interface EntryCounts {
  downloaded: number;
  downloadedBytes: number;
  reused: number;
}

export type BuiltLayer = LayerOutput & { metadata: LayerMetadata; state: LayerState };

export interface BuildResult {
  layers: BuiltLayer[];
  /** launch.toml: the executables label; none when the descriptor lists nothing to install. */
  launch?: LaunchOutput;
  executables: string[];
  counts: EntryCounts;
}

/**
 * The test pause point, from settings.testHold (GITHUB_ASSETS_TEST_HOLD=<point>:<marker file>): at that point the
 * build creates the marker (holding its pid and the layer) and waits forever, so a test can
 * SIGKILL a real build at the worst moment of a layer commit.
 */
export function testHoldFrom(spec: string | undefined): BuildServices['hold'] {
  if (!spec) return undefined;
  return async (point, layer) => {
    if (!spec.startsWith(`${point}:`)) return;
    await writeFile(spec.slice(point.length + 1), `${process.pid} ${layer}`);
    await new Promise(() => setInterval(() => {}, 60_000));
  };
}
