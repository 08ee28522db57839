// Pure platform facts read from asset names: which OS, architecture and libc a name claims,
// matched as whole tokens (never as a substring of another spelling). No selection policy
// here: auto.ts decides what to do with these facts; the spellings themselves live in platform.ts.

import { ARCH_SPELLINGS, OS_SPELLINGS } from '../platform.js';

/** A name's characters between separators; `x86_64` and `aarch_64` are matched across one separator. */
const BOUNDARY_BEFORE = '(?:^|[^a-z0-9])';
const BOUNDARY_AFTER = '(?=$|[^a-z0-9])';

function tokenRegex(spellings: string[]): RegExp {
  return new RegExp(`${BOUNDARY_BEFORE}(?:${spellings.join('|')})${BOUNDARY_AFTER}`, 'i');
}

const ARCH_REGEX = Object.entries(ARCH_SPELLINGS).map(([arch, words]) => [arch, tokenRegex(words)] as const);
const OS_REGEX = Object.entries(OS_SPELLINGS).map(([os, words]) => [os, tokenRegex(words)] as const);

/** Every architecture a name spells out (CNB names, plus `universal`, `wasm`). */
export function archesIn(name: string): Set<string> {
  const found = new Set<string>();
  for (const [arch, re] of ARCH_REGEX) if (re.test(name)) found.add(arch);
  return found;
}

/** Every operating system a name spells out; Android wins over the `linux` in `aarch64-linux-android`. */
export function osesIn(name: string): Set<string> {
  const found = new Set<string>();
  for (const [os, re] of OS_REGEX) if (re.test(name)) found.add(os);
  if (found.has('android')) found.delete('linux');
  // `win32`/`win64` name both an OS and an arch; `linux64` likewise.
  return found;
}

/** The libc a Linux build is linked against, as its name says: static and musl builds run on any distribution. */
export type LibcKind = 'static' | 'musl' | 'gnu' | 'unstated';

export function libcOf(name: string): LibcKind {
  const lower = name.toLowerCase();
  if (tokenRegex(['static', 'statically[_-]linked', 'static[_-]pie', 'linuxstatic']).test(lower)) return 'static';
  if (tokenRegex(['musl', 'musleabi', 'musleabihf', 'muslelf', 'alpine', 'musllinux\\w*']).test(lower)) return 'musl';
  if (tokenRegex(['gnu', 'glibc', 'gnueabi', 'gnueabihf', 'gnullvm', 'manylinux\\w*', 'glibc[_-]?\\d[\\d.]*']).test(lower)) return 'gnu';
  return 'unstated';
}

/** Whether a name spells its architecture only fused with an OS (`linux64`, `win64`): the legacy form of a release that also spells it alone. */
export function archOnlyFused(name: string): boolean {
  const fused = /(?:^|[^a-z0-9])(?:linux|win|freebsd|netbsd|openbsd)(?:32|64)(?=$|[^a-z0-9])/i;
  if (!fused.test(name)) return false;
  return archesIn(name.replace(new RegExp(fused.source, 'gi'), '-')).size === 0;
}

/** Distributions whose C library is musl: a glibc build does not run there. */
export function isMuslDistro(name: string | undefined): boolean {
  return name !== undefined && /^(alpine|chimera|void-musl|postmarketos)$/i.test(name.trim());
}

/** Canonical CNB arch for a CNB_TARGET_ARCH value or an `arch.<name>` key (`x86_64` -> `amd64`). */
export function canonicalTargetArch(arch: string): string {
  for (const [canonical, re] of ARCH_REGEX)
    if (re.test(arch) && re.exec(arch)![0].replace(/^[^a-z0-9]/i, '').length === arch.length) return canonical;
  return arch.toLowerCase();
}
