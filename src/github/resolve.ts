// Resolves an entry's `tag` to a release through the GitHub client: `latest`, an exact tag,
// or a semver range over the repo's releases. Each distinct (repo, tag, credential) is looked
// up once per build, however many entries share it, and a repo's release list is fetched once.

import { type BuildpackError, isTagNotFound } from '../errors.js';
import type { LookupContext, RepoQuery } from './client.js';
import type { Credentials } from './credentials.js';
import { entryLabel, type AssetSpec, type Release } from '../model.js';
import { parseTagSpec, pickInRange, pickNewest, versionOfTag } from '../select/tags.js';
import { noMatchingRelease, type NoReleaseWhy } from '../errors/catalog.js';

export interface ReleaseSource {
  getRelease(query: RepoQuery, tag: string): Promise<Release>;
  listReleases(query: RepoQuery): Promise<Release[]>;
  /** Conditional forms (see client.ts): undefined when unchanged since `etag`. */
  getReleaseIfChanged?(query: RepoQuery, tag: string, etag: string): Promise<Release | undefined>;
  listReleasesIfChanged?(query: RepoQuery, etag: string): Promise<Release[] | undefined>;
}

/** Who asks GitHub about an entry's repository: the entry's owner/name, token and label for messages. */
export function repoQueryFor(spec: AssetSpec, creds: Credentials): RepoQuery {
  const ctx: LookupContext = { entry: entryLabel(spec), ...(creds.source ? { tokenEnv: creds.source } : {}) };
  return { owner: spec.owner, repo: spec.name, token: creds.token, ctx };
}

/** The answer to "did the resolution change since the last build?" when GitHub says it did not. */
export const UNCHANGED = 'unchanged';

export interface ReleaseResolver {
  /** The release an entry's `tag` stands for. */
  resolve(spec: AssetSpec, creds: Credentials): Promise<Release>;
  /** Same, asked conditionally with the ETag the last build recorded: UNCHANGED on a 304, which costs no rate limit. */
  resolveIfChanged(spec: AssetSpec, creds: Credentials, previousEtag: string): Promise<Release | typeof UNCHANGED>;
}

export function createReleaseResolver(source: ReleaseSource): ReleaseResolver {
  const memo = new Map<string, Promise<unknown>>();
  const once = <T>(key: string, load: () => Promise<T>): Promise<T> => {
    let hit = memo.get(key) as Promise<T> | undefined;
    if (!hit) {
      hit = load();
      memo.set(key, hit);
    }
    return hit;
  };

  const run = async (spec: AssetSpec, creds: Credentials, previousEtag?: string): Promise<Release | typeof UNCHANGED> => {
    const who = `#${creds.source ?? ''}`;
    const repo = repoQueryFor(spec, creds);
    const get = (tag: string) => once(`get:${spec.repo}@${tag}${who}`, () => source.getRelease(repo, tag));
    const list = () => once(`list:${spec.repo}${who}`, () => source.listReleases(repo));

    const query = parseTagSpec(spec.tag);
    const byList = query.kind === 'range' || (query.kind === 'latest' && spec.prerelease);
    // A text that is both a tag and a range ("1.4") is settled by the unconditional path.
    if (previousEtag && !(query.kind === 'range' && query.exactFirst)) {
      const tag = query.kind === 'exact' ? query.tag : 'latest';
      const plainKey = byList ? `list:${spec.repo}${who}` : `get:${spec.repo}@${tag}${who}`;
      // Another entry may already have fetched this release in full: answer from that, at no cost.
      const known = memo.get(plainKey) as Promise<Release | Release[]> | undefined;
      const fresh = known
        ? await known
        : await once(`${plainKey}?${previousEtag}`, async () => {
            const answer = byList
              ? await (source.listReleasesIfChanged?.(repo, previousEtag) ?? list())
              : await (source.getReleaseIfChanged?.(repo, tag, previousEtag) ?? get(tag));
            // A full answer serves later plain lookups of the same release too.
            if (answer !== undefined && !memo.has(plainKey)) memo.set(plainKey, Promise.resolve(answer));
            return answer;
          });
      const etagOf = (answer: Release | Release[]) => (Array.isArray(answer) ? answer[0]?.etag : answer.etag);
      if (fresh === undefined || (known && etagOf(fresh) === previousEtag)) return UNCHANGED;
      if (!Array.isArray(fresh)) return fresh;
      return pickFrom(spec, fresh, query);
    }
    if (query.kind === 'latest') {
      if (!spec.prerelease) return get('latest');
      return pickFrom(spec, await list(), query);
    }
    if (query.kind === 'exact') return get(query.tag);
    if (query.exactFirst) {
      try {
        return await get(spec.tag);
      } catch (err) {
        // Only "this tag does not exist" falls through to the range; a missing repo stays an error.
        if (!isTagNotFound(err)) throw err;
      }
    }
    return pickFrom(spec, await list(), query);
  };
  return {
    resolve: (spec, creds) => run(spec, creds) as Promise<Release>,
    resolveIfChanged: (spec, creds, etag) => run(spec, creds, etag),
  };
}

/** Picks from a full release list (newest first) for `latest` with prereleases, or a range. */
function pickFrom(spec: AssetSpec, releases: Release[], query: ReturnType<typeof parseTagSpec>): Release {
  // The list's ETag rides on its first release; carry it to the pick so the next build can ask conditionally.
  const etag = releases[0]?.etag;
  const withListEtag = (r: Release) => (etag ? { ...r, etag } : r);
  if (query.kind !== 'range') {
    const newest = pickNewest(releases);
    if (!newest) throw noRelease(spec, { kind: 'no-releases' }, []);
    return withListEtag(newest);
  }
  const picked = pickInRange(releases, query.range, spec.prerelease);
  if (!picked) throw noRelease(spec, { kind: 'tag', tag: spec.tag }, releases);
  return withListEtag(picked);
}

function noRelease(spec: AssetSpec, why: NoReleaseWhy, releases: Release[]): BuildpackError {
  const versions = releases.filter((r) => !r.draft && versionOfTag(r.tag)).map((r) => r.tag + (r.prerelease ? ' (prerelease)' : ''));
  return noMatchingRelease({ entry: entryLabel(spec), prerelease: spec.prerelease, why, versions });
}
