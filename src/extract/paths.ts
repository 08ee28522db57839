// Pure path rules for archive entries: strip_components, `..` resolution and link targets, all
// on POSIX strings relative to the layer root. Says "refused, because ..." and never touches disk.

export type Placement =
  | { action: 'skip' } // fewer components than stripped (like GNU tar), or nothing left
  | { action: 'refuse'; reason: string }
  | { action: 'place'; segments: string[] }; // path below the extraction root

/** Splits an entry path; absolute paths and NUL bytes are refused, `.` and empty parts dropped. */
export function splitEntryPath(raw: string): string[] | { refuse: string } {
  if (raw.includes('\0')) return { refuse: 'its path contains a NUL byte' };
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw) || raw.startsWith('\\\\')) return { refuse: 'its path is absolute' };
  return raw.split('/').filter((part) => part !== '' && part !== '.');
}

/** Resolves `..` lexically; null when it climbs above the start. */
export function resolveDots(base: string[], parts: string[]): string[] | null {
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
  const resolved = resolveDots(linkAt.slice(0, -1), target.split('/').filter((p) => p !== '' && p !== '.'));
  if (resolved === null) return { ok: false, reason: `it is a symlink to ${target}, which points outside the layer` };
  return { ok: true };
}

export const posixJoin = (segments: string[]) => segments.join('/');
