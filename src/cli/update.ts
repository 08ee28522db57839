// `github-assets update`: decides, per entry, the newest release its policy allows (the `update`
// key, a range `tag`, or --to), then hands the moved entries to pin.ts, which hashes them and
// edits the text. Each repo's release list is fetched once and answers every lookup. No file I/O.

import { credentialsFor, explainedLookup, type TokenLookup } from '../github/credentials.js';
import { mapLimit } from '../util/concurrency.js';
import type { BuildpackError } from '../errors.js';
import { entryLabel, type AssetSpec, type Release } from '../model.js';
import type { RepoQuery } from '../github/client.js';
import { type ReleaseSource, repoQueryFor } from '../github/resolve.js';
import { parseTagSpec } from '../select/tags.js';
import {
  currentVersion,
  newestAllowed,
  parseUpdateValue,
  rangeForLevel,
  type UpdateLevel,
  type UpdatePolicy,
} from '../select/update-policy.js';
import type { DownloadFn } from './asset-hash.js';
import { toBuildpackError } from './output.js';
import { planPins, type ArchPin, type PinPlan } from './pin.js';
import { noMatchingRelease, type NoReleaseWhy, updateTagNotAVersion } from '../errors/catalog.js';

export interface UpdateOptions {
  /** Policy for entries whose tag is exact and that have no `update` key. */
  to: UpdateLevel;
  /** Also pin `tag = "latest"` entries (they follow new releases on their own otherwise). */
  pinLatest: boolean;
  os: string;
  arches: string[];
  github: ReleaseSource;
  lookupToken: TokenLookup;
  download: DownloadFn;
}

export type UpdateStatus = 'updated' | 'current' | 'skipped';

export interface EntryUpdate {
  index: number;
  entry: string;
  repo: string;
  status: UpdateStatus;
  from: string;
  to: string;
  /** What limited the move, as the user would write it: "minor", "~1.4", "latest". */
  policy: string | null;
  /** Why an entry was skipped or stayed. */
  reason?: string;
  /** The `update` value written next to the new tag (a range entry keeps its range there). */
  keeps?: string;
  pins?: ArchPin[];
  notes?: string[];
}

interface Decision {
  spec: AssetSpec;
  report: EntryUpdate;
  /** The release to move to, when the entry moves. */
  target?: Release;
}

/**
 * Decides every entry and pins the moved ones. `plan` holds the edits for pin.ts's applyPlan;
 * an entry that fails is reported in `errors` (and the caller writes nothing).
 */
export async function planUpdates(
  specs: AssetSpec[],
  options: UpdateOptions,
): Promise<{ updates: EntryUpdate[]; plan: PinPlan; errors: BuildpackError[] }> {
  const lists = releaseLists(options.github, options.lookupToken);
  const errors: BuildpackError[] = [];
  // Entries of one repo share the memoised list promise, so deciding them concurrently still costs one request per repo.
  const decided = await mapLimit(specs, 4, async (spec) => {
    try {
      return await decide(spec, options, lists);
    } catch (err) {
      errors.push(toBuildpackError(err).forEntry(entryLabel(spec)));
      return undefined;
    }
  });
  const decisions = decided.filter((d): d is Decision => d !== undefined);
  const moving = decisions.filter((d) => d.target !== undefined);
  const fileTags = new Map(moving.map((d) => [d.spec.index, d.spec.tag] as const));
  const { plan, errors: pinErrors } = await planPins(
    moving.map((d) => ({ ...d.spec, tag: d.target!.tag })),
    {
      os: options.os,
      arches: options.arches,
      github: lists.source,
      lookupToken: options.lookupToken,
      download: options.download,
      fileTags,
    },
  );
  errors.push(...pinErrors);
  for (const d of moving) {
    const pinned = plan.entries.find((e) => e.index === d.spec.index);
    if (pinned) {
      d.report.pins = pinned.pins;
      if (pinned.notes.length > 0) d.report.notes = pinned.notes;
    }
    if (d.report.keeps !== undefined) {
      const edit = plan.edits.find((e) => e.index === d.spec.index);
      if (edit) edit.update = d.report.keeps;
      else plan.edits.push({ index: d.spec.index, update: d.report.keeps });
    }
  }
  errors.sort((a, b) => indexOf(a) - indexOf(b));
  return { updates: decisions.map((d) => d.report), plan, errors };
}

function indexOf(err: BuildpackError): number {
  return Number(/^githubassets\[(\d+)\]/.exec(err.entry ?? '')?.[1] ?? 0);
}

async function decide(spec: AssetSpec, options: UpdateOptions, lists: ReleaseLists): Promise<Decision> {
  const base = { index: spec.index, entry: entryLabel(spec), repo: spec.repo, from: spec.tag, to: spec.tag };
  const stay = (status: UpdateStatus, policy: string | null, reason: string): Decision => ({
    spec,
    report: { ...base, status, policy, reason },
  });
  if (spec.update === false) return stay('skipped', null, 'update = false');

  const own = spec.update === undefined ? undefined : parseUpdateValue(spec.update);
  const query = parseTagSpec(spec.tag);

  if (query.kind === 'latest') {
    if (!options.pinLatest) {
      return stay(
        'skipped',
        'latest',
        'tag = "latest" already follows new releases at build time; run with --pin-latest to pin it to the exact newest tag (update = "latest" keeps it moving)',
      );
    }
    const releases = await lists.forSpec(spec);
    // An own range (update = "~1.4") bounds the pick; a level has no current version to be relative to.
    const range = own?.kind === 'range' ? own.range : '*';
    const pick = newestAllowed(releases, range, spec.prerelease);
    if (!pick) throw noRelease(spec, own?.kind === 'range' ? { kind: 'update', range: own.text } : { kind: 'no-semver' });
    return move(spec, base, pick.release, { policy: own?.kind === 'range' ? own.text : 'latest', keeps: spec.update ?? 'latest' });
  }

  if (query.kind === 'range') {
    const releases = await lists.forSpec(spec);
    // "1.4" is a tag when a release has exactly that tag (as in the build); then it cannot be ordered.
    if (!(query.exactFirst && releases.some((r) => r.tag === spec.tag))) {
      const pick = newestAllowed(releases, query.range, spec.prerelease);
      if (!pick) throw noRelease(spec, { kind: 'tag', tag: spec.tag });
      // The range moves into `update` so the next update stays inside it (an own `update` is kept instead).
      return move(spec, base, pick.release, { policy: spec.tag, keeps: spec.update ?? spec.tag });
    }
  }

  // An exact tag: move within the entry's own policy, else --to, never backwards.
  const current = currentVersion(spec.tag);
  if (!current) {
    throw updateTagNotAVersion(entryLabel(spec), spec.tag);
  }
  const policy: UpdatePolicy = own ?? { kind: 'level', level: options.to };
  const range = policy.kind === 'level' ? rangeForLevel(policy.level, current) : policy.range;
  const releases = await lists.forSpec(spec);
  const pick = newestAllowed(releases, range, spec.prerelease || /-/.test(current), current);
  const text = policyText(policy);
  if (!pick || pick.release.tag === spec.tag || pick.version === current) {
    return stay('current', text, `${spec.tag} is the newest release ${describePolicy(policy)} allows (update never moves an entry back)`);
  }
  return move(spec, base, pick.release, { policy: text, keeps: undefined });
}

function move(
  spec: AssetSpec,
  base: Omit<EntryUpdate, 'status' | 'policy'>,
  release: Release,
  { policy, keeps }: { policy: string; keeps: string | undefined },
): Decision {
  const report: EntryUpdate = { ...base, status: 'updated', to: release.tag, policy };
  // Write `update` only when the file does not already say it.
  if (keeps !== undefined && spec.update === undefined) report.keeps = keeps;
  return { spec, report, target: release };
}

function policyText(policy: UpdatePolicy): string {
  return policy.kind === 'level' ? policy.level : policy.text;
}

function describePolicy(policy: UpdatePolicy): string {
  return policy.kind === 'level' ? `"${policy.level}"` : `update = "${policy.text}"`;
}

function noRelease(spec: AssetSpec, why: NoReleaseWhy): BuildpackError {
  return noMatchingRelease({ entry: entryLabel(spec), prerelease: spec.prerelease, why });
}

interface ReleaseLists {
  /** The repo's full release list for this entry's credentials (fetched once per repo and token). */
  forSpec(spec: AssetSpec): Promise<Release[]>;
  /** A ReleaseSource for pin.ts that answers from the same lists: exact tags cost no extra request. */
  source: ReleaseSource;
}

function releaseLists(github: ReleaseSource, lookupToken: TokenLookup): ReleaseLists {
  const memo = new Map<string, Promise<Release[]>>();
  const list = (query: RepoQuery) => {
    // Keyed by the token itself: another token may see other (private or draft) releases. Never printed.
    const key = `${query.owner}/${query.repo}#${query.token ?? ''}`;
    let hit = memo.get(key);
    if (!hit) {
      hit = github.listReleases(query);
      memo.set(key, hit);
    }
    return hit;
  };
  return {
    async forSpec(spec) {
      const creds = credentialsFor(spec, lookupToken);
      return explainedLookup(
        () => list(repoQueryFor(spec, creds)),
        spec,
        creds,
        (name) => `${name} is not set; export ${name}=<token> before running github-assets update`,
      );
    },
    source: {
      listReleases: list,
      async getRelease(query, tag) {
        const found = (await list(query)).find((r) => r.tag === tag && !r.draft);
        return found ?? github.getRelease(query, tag);
      },
    },
  };
}
