// Resolve: each entry's release and asset, with one API lookup per distinct repo, tag and
// credential, and the fallback policy when the API fails (decided on error kinds). Downloads
// nothing and writes nothing.

import { isRateLimited, isServerError, isUnreachable } from '../../errors.js';
import { entryLabel, layerNameFor, type AssetSpec, type Release } from '../../model.js';
import type { BuildContext } from '../../cnb/context.js';
import { specForTarget } from '../../descriptor/parse.js';
import { credentialsFor, explainLookupError, type Credentials } from '../../github/credentials.js';
import { createReleaseResolver, UNCHANGED } from '../../github/resolve.js';
import { previousRecordFor, resolvedFromRecord, selectSpecOf, type EntryRecord } from '../../layers/reuse.js';
import { directReleaseFor, earlyDownloadUrl } from '../../net/sources.js';
import { selectAssetFor } from '../../select/index.js';
import { parseTagSpec } from '../../select/tags.js';
import { mapLimit } from '../../util/concurrency.js';
import { safeUrl } from '../../util/secrets.js';
import type { RestoredLayer } from './layer.js';
import type { BuildEntry, BuildServices } from './services.js';

/** Where a missing token variable is set for a build. */
const buildEnvHint = (name: string) => `${name} is not set in the build environment; pass it with pack build --env ${name}=<token>`;

/** What to do when the release lookup failed. */
export type Fallback =
  | { use: 'previous'; record: EntryRecord }
  | { use: 'direct'; release: Release; why: 'rate limited' | 'unreachable' }
  | { use: 'none' };

export interface FallbackSituation {
  spec: AssetSpec;
  creds: Credentials;
  /** The previous build's record for this entry, when its files are all in the restored layer. */
  reusable: EntryRecord | undefined;
  network: BuildServices['network'];
}

/**
 * The API-fallback policy. An exact tag the previous build installed is reused as it was when
 * GitHub is unreachable or failing; an exact asset name is downloaded without the API when it
 * is rate limited, or unreachable with a mirror set. A version range or automatic selection
 * needs the API's answer, so anything else is an error.
 */
export function fallbackFor(err: unknown, situation: FallbackSituation): Fallback {
  const { spec, creds, reusable, network } = situation;
  if (reusable && (isUnreachable(err) || isServerError(err)) && parseTagSpec(spec.tag).kind === 'exact')
    return { use: 'previous', record: reusable };
  if (!network) return { use: 'none' };
  const skippable = isRateLimited(err) || (isUnreachable(err) && network.mirror !== undefined);
  // Automatic selection needs the asset list, which only the API has.
  const direct = skippable ? directReleaseFor(spec, creds.token, network) : undefined;
  if (!direct) return { use: 'none' };
  return { use: 'direct', release: direct, why: isRateLimited(err) ? 'rate limited' : 'unreachable' };
}

/**
 * Resolves every entry. An entry the previous build installed is checked conditionally (a 304
 * is free); failures go through the fallback policy.
 */
export async function resolveAll(
  ctx: BuildContext,
  specs: AssetSpec[],
  restored: Map<string, RestoredLayer>,
  services: BuildServices,
): Promise<Map<number, BuildEntry>> {
  const resolver = createReleaseResolver(services.github);
  const out = new Map<number, BuildEntry>();
  await mapLimit(specs, services.concurrency, async (written) => {
    const spec = specForTarget(written, ctx.target);
    // credentialsFor trims: a newline from `echo token > file` is a common slip.
    const creds = credentialsFor(spec, services.lookupToken);
    const layer = restored.get(layerNameFor(spec));
    const selectSpec = selectSpecOf(spec, ctx.target.distro?.name);
    const previous = previousRecordFor(spec, layer?.metadata, selectSpec);
    const reusable = previous !== undefined && (layer?.present.get(previous) ?? false) ? previous : undefined;
    const fromRecord = (record: EntryRecord): BuildEntry => ({ ...resolvedFromRecord(spec, record), creds, selectSpec });
    // Nothing to reuse: the asset will be downloaded, so its request goes out alongside the lookup.
    const early = reusable || !services.network ? undefined : earlyDownloadUrl(spec, creds.token, services.network);
    if (early) services.sendEarly?.(early);
    let release: Release;
    try {
      const answer = reusable?.etag ? await resolver.resolveIfChanged(spec, creds, reusable.etag) : await resolver.resolve(spec, creds);
      if (answer === UNCHANGED) {
        services.log.debug(`${entryLabel(spec)}: GitHub says ${reusable!.tag} is unchanged (304)`);
        out.set(spec.index, fromRecord(reusable!));
        return;
      }
      release = answer;
    } catch (err) {
      const fallback = fallbackFor(err, { spec, creds, reusable, network: services.network });
      if (fallback.use === 'none') throw explainLookupError(err, spec, creds, buildEnvHint);
      if (fallback.use === 'previous') {
        const { asset, tag } = fallback.record;
        services.log.warn(
          `${entryLabel(spec)}: the GitHub API could not be reached (${(err as Error).message}); ` +
            `reusing ${asset} ${tag} from the previous build`,
        );
        out.set(spec.index, fromRecord(fallback.record));
        return;
      }
      release = fallback.release;
      services.log.warn(
        `${entryLabel(spec)}: the GitHub API is ${fallback.why}; ` +
          `downloading ${spec.asset} directly from ${safeUrl(release.assets[0]!.url)} (no API call, so no GitHub digest to compare)`,
      );
    }
    const selection = selectAssetFor(release, spec, ctx.target);
    for (const step of selection.steps ?? []) services.log.debug(`${entryLabel(spec)}: automatic selection: ${step}`);
    out.set(spec.index, {
      spec,
      release,
      asset: selection.asset,
      selection: { rule: selection.rule, reason: selection.reason, ...(selection.libcPolicy ? { libcPolicy: selection.libcPolicy } : {}) },
      creds,
      selectSpec,
    });
  });
  return out;
}
