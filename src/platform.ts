// Pure platform facts shared by every stage: how releases spell each OS and CNB architecture,
// version prefixes on tags, and the layer directories the CNB lifecycle interprets. Facts only:
// no selection policy (select/) and no I/O.

/**
 * Every way releases spell each architecture, the one table of them. Each entry is a regex source
 * for one whole token (or two tokens joined by a separator), matched case-insensitively by
 * automatic selection (select/asset-name.ts); `64` alone is never an architecture, and `x86`/`arm`
 * do not match the start of `x86_64`/`arm64` because a token must end at a separator. Besides the
 * CNB architectures it names `universal` and `wasm`, so a name that says them is not taken as unstated.
 */
export const ARCH_SPELLINGS: Record<string, string[]> = {
  amd64: ['amd64', 'x86[_-]64', 'x64', 'x86[_-]?64bit', '64[_-]?bit', 'linux64', 'win64', 'amd64v[1-4]', 'x86[_-]64[_-]v[1-4]'],
  arm64: ['arm64', 'aarch64', 'aarch[_-]64', 'armv8(?:[_-]?a)?', 'arm64v8', 'arm64[_-]v8a?', 'aarch64be'],
  arm: [
    'arm',
    'armv[5-7]l?',
    'armv[5-7](?:hf|el)?',
    'armhf',
    'armel',
    'arm32',
    'arm32v[5-7]',
    'armv7a',
    'armeabi(?:[_-]v7a)?',
    'arm[_-]?v[5-7]',
  ],
  '386': ['386', 'i[3-6]86', 'x86(?![_-]?64)', '32[_-]?bit', 'linux32', 'win32', 'ia32'],
  ppc64le: ['ppc64le', 'powerpc64le', 'ppc64el'],
  ppc64: ['ppc64', 'powerpc64'],
  s390x: ['s390x'],
  riscv64: ['riscv64(?:gc)?'],
  loong64: ['loong64', 'loongarch64'],
  mips: ['mips', 'mipsle', 'mips64', 'mips64le', 'mipsel', 'mips64el'],
  wasm: ['wasm', 'wasm32', 'wasi'],
  universal: ['universal', 'universal2'],
};

/** Every way releases spell each operating system, as ARCH_SPELLINGS; `android` names are not Linux programs even when they say `linux`. */
export const OS_SPELLINGS: Record<string, string[]> = {
  linux: ['linux', 'linux64', 'linux32', 'linuxstatic', 'alpine', 'musllinux', 'manylinux\\w*'],
  darwin: ['darwin', 'macos', 'macosx', 'osx', 'mac', 'apple'],
  windows: ['windows', 'win', 'win32', 'win64', 'msvc', 'mingw(?:32|64)?', 'pc[_-]windows'],
  freebsd: ['freebsd(?:32|64)?'],
  netbsd: ['netbsd(?:32|64)?'],
  openbsd: ['openbsd(?:32|64)?'],
  dragonfly: ['dragonfly', 'dragonflybsd'],
  solaris: ['solaris', 'sunos'],
  illumos: ['illumos'],
  aix: ['aix'],
  android: ['android', 'androideabi'],
  ios: ['ios'],
  plan9: ['plan9'],
  js: ['js'],
};

/**
 * The literal spellings `{arch}` in an asset pattern expands to, and `[…arch.<name>]` keys accept:
 * a named subset of ARCH_SPELLINGS (each word is one of its spellings), kept narrow because the
 * full table would widen what existing patterns match (`{arch}` would also match `armv6`, `i586`).
 */
export const ARCH_PATTERN_WORDS: Record<string, string[]> = {
  amd64: ['amd64', 'x86_64', 'x86-64', 'x64', '64bit'],
  arm64: ['arm64', 'aarch64', 'armv8', 'arm64v8'],
  arm: ['armv7', 'armv7l', 'armhf', 'arm'],
  '386': ['386', 'i386', 'i686', 'x86', '32bit'],
  ppc64le: ['ppc64le'],
  s390x: ['s390x'],
  riscv64: ['riscv64'],
};

/** The literal spellings `{os}` expands to: a named subset of OS_SPELLINGS, narrow for the same reason as ARCH_PATTERN_WORDS. */
export const OS_PATTERN_WORDS: Record<string, string[]> = {
  linux: ['linux'],
  darwin: ['darwin', 'macos', 'osx', 'apple-darwin'],
  windows: ['windows', 'win64', 'win'],
};

/** Canonical CNB arch for a name users may write in `[…arch.<name>]` tables (x86_64 -> amd64). */
export function canonicalArch(name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [arch, words] of Object.entries(ARCH_PATTERN_WORDS)) if (words.includes(lower)) return arch;
  return undefined;
}

/** A tag without its leading "v" (`v1.2.3` -> `1.2.3`); other tags as they are. */
export function stripV(tag: string): string {
  return tag.replace(/^v(?=\d)/, '');
}

/** Top-level names inside a layer that the lifecycle interprets; installing there would change the image's environment. */
export const RESERVED_LAYER_DIRS = ['env', 'env.launch', 'env.build', 'exec.d', 'profile.d'];
