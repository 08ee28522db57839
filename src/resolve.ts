// Resolves an entry's `tag` to a release through the GitHub client: `latest`, an exact tag,
// or a semver range over the repo's releases. Each distinct (repo, tag, credential) is looked
// up once per build, however many entries share it, and a repo's release list is fetched once.

import { BuildpackError, isBuildpackError } from './errors.js';
import type { LookupContext } from './github.js';
import { entryLabel, type AssetSpec, type Release } from './model.js';
import { parseTagSpec, pickInRange, pickNewest, versionOfTag } from './tags.js';

export interface ReleaseSource {
  getRelease(owner: string, repo: string, tag: string, token?: string, ctx?: LookupContext): Promise<Release>;
  listReleases(owner: string, repo: string, token?: string, ctx?: LookupContext): Promise<Release[]>;
}

export interface Credentials {
  token: string | undefined;
  /** The env var the token came from (for messages and cache keys), never the value. */
  source: string | undefined;
}

export type ReleaseResolver = (spec: AssetSpec, creds: Credentials) => Promise<Release>;

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

  return async (spec, creds) => {
    const who = `#${creds.source ?? ''}`;
    const ctx: LookupContext = { entry: entryLabel(spec), ...(creds.source ? { tokenEnv: creds.source } : {}) };
    const get = (tag: string) => once(`get:${spec.repo}@${tag}${who}`, () => source.getRelease(spec.owner, spec.name, tag, creds.token, ctx));
    const list = () => once(`list:${spec.repo}${who}`, () => source.listReleases(spec.owner, spec.name, creds.token, ctx));

    const query = parseTagSpec(spec.tag);
    if (query.kind === 'latest') {
      if (!spec.prerelease) return get('latest');
      const newest = pickNewest(await list());
      if (!newest) throw noRelease(spec, 'the repository has no releases', []);
      return newest;
    }
    if (query.kind === 'exact') return get(query.tag);
    if (query.exactFirst) {
      try {
        return await get(spec.tag);
      } catch (err) {
        // Only "this tag does not exist" falls through to the range; a missing repo stays an error.
        if (!isBuildpackError(err) || err.code !== 'GHA010' || !err.message.startsWith('release tag')) throw err;
      }
    }
    const releases = await list();
    const picked = pickInRange(releases, query.range, spec.prerelease);
    if (!picked) throw noRelease(spec, `no release satisfies tag = "${spec.tag}"${spec.prerelease ? '' : ' (prereleases excluded)'}`, releases);
    return picked;
  };
}

function noRelease(spec: AssetSpec, message: string, releases: Release[]): BuildpackError {
  const versions = releases.filter((r) => !r.draft && versionOfTag(r.tag)).map((r) => r.tag + (r.prerelease ? ' (prerelease)' : ''));
  const shown = versions.slice(0, 15).join(', ') || '(none with a semantic version tag)';
  return new BuildpackError('GHA016', `${message}; releases: ${shown}${versions.length > 15 ? ` … and ${versions.length - 15} more` : ''}`, {
    entry: entryLabel(spec),
    hint: spec.prerelease ? 'widen the range or use an exact tag' : 'widen the range, use an exact tag, or set prerelease = true to allow prereleases',
  });
}
