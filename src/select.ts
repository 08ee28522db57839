// Pure: picks the release asset an entry asks for. Today an exact name; when it is missing,
// the error lists the assets the release does have, so the fix is a copy-paste away.

import { BuildpackError } from './errors.js';
import { entryLabel, type AssetSpec, type Release, type ReleaseAsset } from './model.js';

export function selectAsset(release: Release, spec: AssetSpec): ReleaseAsset {
  const exact = release.assets.find((a) => a.name === spec.asset);
  if (exact) return exact;
  const folded = release.assets.filter((a) => a.name.toLowerCase() === spec.asset.toLowerCase());
  const names = release.assets.map((a) => a.name);
  const hint =
    folded.length === 1
      ? `asset names are case-sensitive: did you mean asset = "${folded[0]!.name}"?`
      : names.length === 0
        ? `release ${release.tag} has no assets; pick another tag`
        : `use one of the names above exactly as written`;
  throw new BuildpackError('GHA014', `release ${release.tag} has no asset named "${spec.asset}"; it has: ${listNames(names)}`, {
    entry: entryLabel(spec),
    hint,
  });
}

export function listNames(names: string[], max = 30): string {
  if (names.length === 0) return '(none)';
  const shown = names.slice(0, max).join(', ');
  return names.length > max ? `${shown} … and ${names.length - max} more` : shown;
}
