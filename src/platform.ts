// Pure platform facts shared by every stage: how releases spell each OS and CNB architecture,
// version prefixes on tags, and the layer directories the CNB lifecycle interprets. Facts only:
// no selection policy (select/) and no I/O.

/** How releases spell each CNB architecture (matched case-insensitively). */
export const ARCH_ALIASES: Record<string, string[]> = {
  amd64: ['amd64', 'x86_64', 'x86-64', 'x64', '64bit'],
  arm64: ['arm64', 'aarch64', 'armv8', 'arm64v8'],
  arm: ['armv7', 'armv7l', 'armhf', 'arm'],
  '386': ['386', 'i386', 'i686', 'x86', '32bit'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
};

/** How releases spell each OS (matched case-insensitively). */
export const OS_ALIASES: Record<string, string[]> = {
  linux: ['linux'],
  darwin: ['darwin', 'macos', 'osx', 'apple-darwin'],
  windows: ['windows', 'win64', 'win'],
};

/** Canonical CNB arch for a name users may write in `[…arch.<name>]` tables (x86_64 -> amd64). */
export function canonicalArch(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [arch, aliases] of Object.entries(ARCH_ALIASES)) if (aliases.includes(lower)) return arch;
  return undefined;
}

/** A tag without its leading "v" (`v1.2.3` -> `1.2.3`); other tags as they are. */
export function stripV(tag: string): string {
  return tag.replace(/^v(?=\d)/, '');
}

/** Top-level names inside a layer that the lifecycle interprets; installing there would change the image's environment. */
export const RESERVED_LAYER_DIRS = ['env', 'env.launch', 'env.build', 'exec.d', 'profile.d'];
