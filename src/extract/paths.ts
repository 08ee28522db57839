// Pure path rules for archive entries: strip_components, `..` resolution and link targets, all
// on POSIX strings relative to the layer root. Says "refused, because ..." and never touches disk.

export type Placement =
  | { action: 'skip' } // fewer components than stripped (like GNU tar), or nothing left
  | { action: 'refuse'; reason: string }
  | { action: 'place'; segments: string[] }; // path below the extraction root

/** Splits an entry path; absolute paths and NUL bytes are refused, `.` and empty parts dropped. */
function splitEntryPath(raw: string): string[] | { refuse: string } {
  if (raw.includes('\0')) return { refuse: 'its path contains a NUL byte' };
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\\\')) return { refuse: 'its path is absolute' };
  return raw.split('/').filter((part) => part !== '' && part !== '.');
}

/** Resolves `..` lexically; null when it climbs above the start. */
function resolveDots(base: string[], parts: string[]): string[] | null {
  const out = [...base];
  for (const part of parts) {
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out;
}

/** Where an entry goes below the extraction root, after strip_components. */
export function placeEntryPath(raw: string, stripComponents: number): Placement {
  const parts = splitEntryPath(raw);
  if (!Array.isArray(parts)) return { action: 'refuse', reason: parts.refuse };
  if (parts.length <= stripComponents) return { action: 'skip' };
  const kept = resolveDots([], parts.slice(stripComponents));
  if (kept === null) return { action: 'refuse', reason: "its path contains '..' that escapes the destination" };
  if (kept.length === 0) return { action: 'skip' };
  return { action: 'place', segments: kept };
}

/**
 * Whether a symlink at `linkAt` (segments from the layer root) with `target` stays inside the
 * layer. Absolute targets point outside by definition: the layer is mounted elsewhere at run time.
 */
export function symlinkTargetInside(linkAt: string[], target: string): { ok: true } | { ok: false; reason: string } {
  if (target === '') return { ok: false, reason: 'its link target is empty' };
  if (target.includes('\0')) return { ok: false, reason: 'its link target contains a NUL byte' };
  if (target.startsWith('/')) return { ok: false, reason: `it is a symlink to the absolute path ${target}, outside the layer` };
  const resolved = resolveDots(
    linkAt.slice(0, -1),
    target.split('/').filter((p) => p !== '' && p !== '.'),
  );
  if (resolved === null) return { ok: false, reason: `it is a symlink to ${target}, which points outside the layer` };
  return { ok: true };
}

export const posixJoin = (segments: string[]) => segments.join('/');

/** What a tree lookup knows about one path (layer-relative, `/`-joined). */
export type TreeNode = { kind: 'file' | 'directory' } | { kind: 'symlink'; target: string };

/** Link hops allowed while resolving one path (Linux's MAXSYMLINKS). */
export const MAX_LINK_HOPS = 40;

/**
 * Follows `target` from the directory `from` through a tree, the way the kernel would with
 * the layer root as the top: a symlink met on the way is replaced by its own target (so `..`
 * after it climbs from where the link points, not from where it sits). Parts that do not
 * exist (yet) are taken as plain names. Refuses anything that climbs above the root, an
 * absolute target met anywhere in the chain, and loops or chains longer than MAX_LINK_HOPS.
 */
export function resolveInTree(
  from: string[],
  target: string,
  lookup: (path: string) => TreeNode | undefined,
): { ok: true; segments: string[] } | { ok: false; reason: string } {
  if (target.startsWith('/')) return { ok: false, reason: `${target} is absolute` };
  const current = [...from];
  const pending = linkParts(target);
  let hops = 0;
  while (pending.length > 0) {
    const part = pending.shift()!;
    if (part === '..') {
      if (current.length === 0)
        return {
          ok: false,
          reason: `'..' climbs above the layer root${hops > 0 ? ` after following ${hops} link${hops > 1 ? 's' : ''}` : ''}`,
        };
      current.pop();
      continue;
    }
    current.push(part);
    const node = lookup(posixJoin(current));
    if (node?.kind === 'symlink') {
      if (++hops > MAX_LINK_HOPS) return { ok: false, reason: `it follows more than ${MAX_LINK_HOPS} links (a loop?)` };
      if (node.target.startsWith('/'))
        return { ok: false, reason: `it passes through ${posixJoin(current)}, a link to the absolute path ${node.target}` };
      current.pop();
      pending.unshift(...linkParts(node.target));
    } else if (node?.kind === 'file' && pending.length > 0) {
      // A file in the middle of a path: the kernel stops with ENOTDIR, nothing is reached.
      return { ok: true, segments: current };
    }
  }
  return { ok: true, segments: current };
}

const linkParts = (target: string) => target.split('/').filter((p) => p !== '' && p !== '.');
