// Pure: picks the asset for a target from a release's asset list when an entry names none,
// in documented steps (README "Automatic asset selection"), or refuses with the candidates
// left. No I/O and no knowledge of particular projects: only names, target and policy.

import type { ReleaseAsset, Target } from '../model.js';
import { stripV } from '../platform.js';
import { archesIn, archOnlyFused, canonicalTargetArch, isMuslDistro, libcOf, osesIn, type LibcKind } from './asset-name.js';

export interface AutoTarget extends Target {
  /** The run image's distribution (CNB_TARGET_DISTRO_NAME / _VERSION), when the platform knows it. */
  distro?: { name: string; version?: string };
}

export interface AutoRequest {
  /** The repository's name (`ripgrep` of `BurntSushi/ripgrep`): names that equal it win over variants of it. */
  repoName: string;
  /** A binary name the entry implies (its destination's file name), preferred like the repository name. */
  binaryName?: string;
  /** The release tag, so `1.2.3`/`v1.2.3` is not mistaken for part of a tool's name. */
  tag: string;
  /** `libc = "gnu" | "musl"` from the entry; the default prefers static and musl builds. */
  libc?: 'gnu' | 'musl';
  /** `matching`: a substring, or a glob with * and ?, applied to the names before anything else. */
  matching?: string;
}

/** Which step settled the pick: stable ids for metadata and JSON, with a sentence for humans. */
export type AutoRule = 'only-candidate' | 'arch-fallback' | 'arch-spelling' | 'libc' | 'variant' | 'format' | 'name';

export interface AutoPick {
  kind: 'picked';
  asset: ReleaseAsset;
  rule: AutoRule;
  /** One sentence: why this asset, e.g. `libc: static/musl build preferred (default policy …)`. */
  reason: string;
  /** The libc policy that applied (Linux), for the log even when it did not decide. */
  libcPolicy?: string;
  /** What each step did, for the debug log. */
  steps: string[];
}

export interface AutoRefusal {
  kind: 'refused';
  /** `none`: nothing fits the target; `ambiguous`: more than one candidate is left. */
  problem: 'none' | 'ambiguous';
  /** What is left (ambiguous) or what came closest (none): names only. */
  candidates: string[];
  why: string;
  steps: string[];
}

export type AutoResult = AutoPick | AutoRefusal;

/** Why a package or installer is not a program to install: the buildpack unpacks archives and binaries, not packages. */
const PACKAGE = 'package or installer';

/** Package formats that are Linux builds whatever their name says. */
const LINUX_PACKAGE = /\.(?:deb|rpm|snap|flatpak|flatpakref|appimage|ipk|opk|pkg\.tar\.(?:zst|xz))$/i;

/**
 * When the only builds for `os` among the dropped names are packages (a `.deb`, an AppImage),
 * says so: "no asset is built for linux" would be wrong, and naming the package would not help.
 */
function packagesNote(packages: readonly string[], os: string): string {
  const ours = packages.filter((n) => osesIn(n).has(os) || (os === 'linux' && LINUX_PACKAGE.test(n)));
  if (ours.length === 0) return '';
  return ` (its ${os} builds are packages or installers, which the buildpack does not install: ${ours.join(', ')})`;
}

/** Why a name is never a program to install, or undefined when it may be one. Order matters: first match names the category. */
export function nonProgramReason(name: string, targetOs: string): string | undefined {
  const lower = name.toLowerCase();
  const ends = (...suffixes: string[]) => suffixes.some((s) => lower.endsWith(s));
  const token = (re: string) => new RegExp(`(?:^|[^a-z0-9])(?:${re})(?=$|[^a-z0-9])`).test(lower);
  if (
    ends(
      '.sha1',
      '.sha224',
      '.sha256',
      '.sha384',
      '.sha512',
      '.sha256sum',
      '.sha512sum',
      '.sha1sum',
      '.md5',
      '.md5sum',
      '.sum',
      '.b2',
      '.b3',
      '.checksum',
      '.hash',
      '.digest',
    ) ||
    token('(?:sha(?:1|224|256|384|512)?|md5|b2|blake2b?|b3)?sums?|checksums?|hashes|digests?')
  )
    return 'checksum file';
  if (ends('.sig', '.asc', '.gpg', '.minisig', '.sigstore', '.sigstore.json', '.bundle', '.signature', '.p7s', '.cosign', '.rekor'))
    return 'signature';
  if (ends('.pem', '.crt', '.cert', '.cer', '.pub', '.key', '.der')) return 'certificate or key';
  if (
    ends('.intoto.jsonl', '.intoto.json', '.att', '.attestation', '.provenance', '.slsa') ||
    token('attestations?|provenance|intoto|multiple\\.intoto')
  )
    return 'attestation';
  if (
    ends(
      '.sbom',
      '.spdx',
      '.cdx',
      '.bom',
      '.cyclonedx',
      '.sbom.json',
      '.spdx.json',
      '.cdx.json',
      '.bom.json',
      '.cyclonedx.json',
      '.cyclonedx.xml',
      '.spdx.xml',
      '.cdx.xml',
      '.bom.xml',
    ) ||
    token('sbom|spdx|cyclonedx|cdx|bom')
  )
    return 'SBOM';
  if (
    ends(
      '.deb',
      '.rpm',
      '.apk',
      '.msi',
      '.msix',
      '.appx',
      '.dmg',
      '.pkg',
      '.snap',
      '.flatpak',
      '.flatpakref',
      '.appimage',
      '.nupkg',
      '.vsix',
      '.whl',
      '.gem',
      '.ipk',
      '.opk',
      '.pkg.tar.zst',
      '.pkg.tar.xz',
      '.crx',
      '.xpi',
      '.aab',
      '.ipa',
    ) ||
    // Homebrew bottles (`name-1.2.arm64_sonoma.bottle.tar.gz`) are packages named by macOS codename, not by OS.
    /\.bottle(?:\.\d+)?\.tar\.gz$/.test(lower)
  )
    return PACKAGE;
  if (targetOs !== 'windows' && ends('.exe', '.bat', '.cmd', '.ps1', '.dll', '.msu')) return 'Windows program';
  if (
    ends(
      '.7z',
      '.rar',
      '.lz',
      '.lz4',
      '.lzma',
      '.tar.lz',
      '.tar.lz4',
      '.tar.lzma',
      '.cab',
      '.iso',
      '.img',
      '.qcow2',
      '.vmdk',
      '.ova',
      '.wim',
    )
  )
    return 'format the extractor cannot unpack';
  if (token('completions?|autocomplete|bash[_-]completion|zsh[_-]completion|fish[_-]completion|shell[_-]completions?'))
    return 'shell completions';
  if (token('man|manpages?|man[1-9]|docs?|documentation|manual') || ends('.1', '.5', '.8', '.1.gz', '.5.gz', '.8.gz'))
    return 'man pages or documentation';
  if (token('src|source|sources|vendor|vendored|dist[_-]?src') && !archesIn(name).size) return 'source archive';
  if (
    /[-_]v?\d+(?:\.\d+)+[a-z]?\d*(?:[-_.+][a-z0-9]+)*\.(?:tar\.(?:gz|xz|bz2|zst)|tgz|txz|tbz2?|zip)$/.test(lower) &&
    !osesIn(name).size &&
    !archesIn(name).size
  )
    return 'source archive (names no OS or architecture)';
  if (
    ends(
      '.txt',
      '.md',
      '.json',
      '.jsonl',
      '.yaml',
      '.yml',
      '.toml',
      '.xml',
      '.html',
      '.htm',
      '.pdf',
      '.csv',
      '.ini',
      '.cfg',
      '.conf',
      '.log',
      '.zsync',
      // electron-builder's delta-update maps (`App-Setup-1.2.3.exe.blockmap`) name no OS or architecture.
      '.blockmap',
      '.rst',
    )
  )
    return 'text or metadata file';
  if (/^(license|licence|copying|notice|readme|changelog|changes|authors|third[_-]?party[_-]?notices?)(?:[._-]|$)/.test(lower))
    return 'text or metadata file';
  if (ends('.sh', '.bash', '.zsh', '.fish', '.py', '.rb', '.pl', '.js', '.mjs', '.cjs', '.ts', '.wasm', '.jar', '.war', '.phar', '.pyz'))
    return 'script or bytecode for another runtime';
  if (ends('.pdb', '.dsym', '.dsym.zip', '.debug', '.dbg', '.sym', '.syms', '.map', '.tar.gz.map')) return 'debug symbols';
  if (token('docker[_-]?images?|airgap(?:[_-]images?)?|images') && /\.tar(?:\.(?:gz|xz|zst|bz2))?$/.test(lower))
    return 'container image archive';
  return undefined;
}

/** Archive formats the extractor handles, best first; anything else is a raw file. */
const FORMATS: Array<{ ext: string; rank: number }> = [
  { ext: '.tar.gz', rank: 0 },
  { ext: '.tgz', rank: 0 },
  { ext: '.tar.xz', rank: 1 },
  { ext: '.txz', rank: 1 },
  { ext: '.tar.zst', rank: 2 },
  { ext: '.tzst', rank: 2 },
  { ext: '.tar.bz2', rank: 3 },
  { ext: '.tbz2', rank: 3 },
  { ext: '.tbz', rank: 3 },
  { ext: '.tar', rank: 4 },
  { ext: '.zip', rank: 5 },
  { ext: '.gz', rank: 7 },
  { ext: '.xz', rank: 7 },
  { ext: '.zst', rank: 7 },
  { ext: '.bz2', rank: 7 },
];
const RAW_RANK = 6;

function formatOf(name: string): { ext: string; rank: number } {
  const lower = name.toLowerCase();
  return FORMATS.find((f) => lower.endsWith(f.ext)) ?? { ext: '', rank: RAW_RANK };
}

const VARIANT =
  /(?:^|[^a-z0-9])(debug|dbg|debuginfo|symbols|syms|unstripped|profile|profiling|pprof|baseline|asan|tsan|msan|coverage|instrumented|nolto|no[_-]lto|noavx2?)(?=$|[^a-z0-9])|(?:amd64|x86[_-]64)[_-]?v[2-4](?=$|[^a-z0-9])/i;

/** Words in a name that describe the build, not the tool: vendors, ABIs, libc, build variants. */
const BUILD_WORDS = new Set([
  'unknown',
  'pc',
  'none',
  'apple',
  'eabi',
  'eabihf',
  'gnu',
  'glibc',
  'musl',
  'static',
  'gnueabihf',
  'gnueabi',
  'musleabihf',
  'musleabi',
  'msvc',
  'gnullvm',
  'elf',
  'bin',
  'binary',
  'release',
  'portable',
  'standalone',
  'cli',
  'debug',
  'dbg',
  'debuginfo',
  'symbols',
  'syms',
  'unstripped',
  'profile',
  'profiling',
  'pprof',
  'baseline',
  'asan',
  'tsan',
  'msan',
  'coverage',
  'instrumented',
  'nolto',
  'lto',
  'v1',
  'v2',
  'v3',
  'v4',
  'v8',
  'v8a',
  'hf',
  'el',
  'le',
]);

/**
 * What a name says the tool is, with the version, OS, architecture, libc and variant taken out:
 * `ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz` -> `ripgrep`. Two assets with different
 * tool names are two programs.
 */
export function toolNameOf(name: string, tag: string): string {
  let text = name.toLowerCase();
  const fmt = formatOf(text);
  if (fmt.ext) text = text.slice(0, -fmt.ext.length);
  text = text.replace(/\.(?:exe|bin|run|elf)$/, '');
  for (const version of [tag.toLowerCase(), stripV(tag.toLowerCase())]) {
    if (version) text = text.split(version).join('-');
  }
  text = text.replace(/(?:^|[-_.])v?\d+(?:\.\d+)+(?:-(?:rc|beta|alpha|pre|dev)\.?\d*)?(?=$|[-_.])/g, '-');
  const tokens = text
    .replace(/x86[_-]64|aarch[_-]64|arm64[_-]v8a?|64[_-]bit|32[_-]bit|pc[_-]windows/g, '-')
    .split(/[-_.+\s]+/)
    .filter(
      (t) =>
        t !== '' && !BUILD_WORDS.has(t) && !/^\d+$/.test(t) && archesIn(t).size === 0 && osesIn(t).size === 0 && libcOf(t) === 'unstated',
    );
  return tokens.join('-');
}

function normaliseName(name: string): string {
  return name.toLowerCase().replace(/[_.\s]+/g, '-');
}

function globOrSubstring(matching: string): (name: string) => boolean {
  if (!/[*?]/.test(matching)) {
    const needle = matching.toLowerCase();
    return (name) => name.toLowerCase().includes(needle);
  }
  const source = matching
    .split(/([*?])/)
    .map((part) => (part === '*' ? '.*' : part === '?' ? '.' : part.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')))
    .join('');
  const re = new RegExp(`^${source}$`, 'i');
  return (name) => re.test(name);
}

interface Candidate {
  asset: ReleaseAsset;
  tool: string;
  libc: LibcKind;
  format: { ext: string; rank: number };
  variant: boolean;
}

export function autoSelect(assets: ReleaseAsset[], target: AutoTarget, request: AutoRequest): AutoResult {
  const steps: string[] = [];
  const arch = canonicalTargetArch(target.arch);
  const os = target.os.toLowerCase();
  const platform = `${os}/${arch}`;
  // Sorted by name so the outcome never depends on the order the API listed the assets in.
  let pool = [...assets].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.id - b.id));
  const refuse = (problem: AutoRefusal['problem'], why: string, candidates: string[]): AutoRefusal => ({
    kind: 'refused',
    problem,
    why,
    candidates,
    steps,
  });

  if (pool.length === 0) return refuse('none', 'the release has no assets', []);

  if (request.matching !== undefined) {
    const test = globOrSubstring(request.matching);
    const kept = pool.filter((a) => test(a.name));
    steps.push(`matching = "${request.matching}" kept ${kept.length} of ${pool.length}`);
    if (kept.length === 0)
      return refuse(
        'none',
        `no asset matches matching = "${request.matching}"`,
        pool.map((a) => a.name),
      );
    pool = kept;
  }

  // 1. Never a program: checksums, signatures, packages, sources, docs.
  const dropped = new Map<string, string[]>();
  pool = pool.filter((a) => {
    const why = nonProgramReason(a.name, os);
    if (why) dropped.set(why, [...(dropped.get(why) ?? []), a.name]);
    return !why;
  });
  for (const [why, names] of dropped) steps.push(`dropped ${names.length} (${why}): ${names.join(', ')}`);
  const onlyPackages = packagesNote(dropped.get(PACKAGE) ?? [], os);
  if (pool.length === 0)
    return refuse(
      'none',
      `the release has no program files: only checksums, signatures, packages, sources or documentation${onlyPackages}`,
      [],
    );

  // 2. Operating system: names for another OS go; a name that says no OS counts only when none says ours.
  const forOs = pool.filter((a) => osesIn(a.name).has(os));
  const noOs = pool.filter((a) => osesIn(a.name).size === 0);
  const otherOs = pool.length - forOs.length - noOs.length;
  steps.push(`${forOs.length} name ${os}, ${noOs.length} name no OS, ${otherOs} name another OS`);
  const osPool = forOs.length > 0 ? forOs : noOs;
  if (osPool.length === 0)
    return refuse(
      'none',
      `no asset is built for ${os}${onlyPackages}`,
      pool.map((a) => a.name),
    );

  // 3. Architecture, as a whole token; an asset naming no arch is amd64's fallback when nothing names one.
  // Exactly the target arch: a name that also spells another one is not a build to trust for this target.
  const forArch = osPool.filter((a) => {
    const named = archesIn(a.name);
    return named.size === 1 && named.has(arch);
  });
  let archPool = forArch;
  let archFallback = false;
  if (forArch.length === 0) {
    const anyArch = osPool.some((a) => archesIn(a.name).size > 0);
    if (arch === 'amd64' && !anyArch) {
      archPool = osPool;
      archFallback = true;
      steps.push(`no asset names an architecture: taking the unlabelled ones as amd64 builds`);
    } else {
      const other = [...new Set(osPool.flatMap((a) => [...archesIn(a.name)]))].sort();
      return refuse(
        'none',
        `no asset is built for ${platform}${other.length ? ` (the release has ${os} builds for ${other.join(', ')})` : ''}`,
        osPool.map((a) => a.name),
      );
    }
  } else {
    steps.push(`${forArch.length} built for ${arch}`);
  }

  let candidates: Candidate[] = archPool.map((asset) => ({
    asset,
    tool: toolNameOf(asset.name, request.tag),
    libc: os === 'linux' ? libcOf(asset.name) : 'unstated',
    format: formatOf(asset.name),
    variant: VARIANT.test(asset.name),
  }));
  let lastRule: { rule: AutoRule; reason: string } = archFallback
    ? { rule: 'arch-fallback', reason: `no asset names an architecture, so the unlabelled build counts as amd64` }
    : { rule: 'only-candidate', reason: `the only ${platform} build among the release's program files` };
  const narrowed = (before: number, rule: AutoRule, reason: string) => {
    if (candidates.length < before) lastRule = { rule, reason };
  };

  // A legacy fused spelling (`linux64`) next to the same build spelled out (`linux-amd64`) is a copy.
  {
    const before = candidates.length;
    candidates = keepBestPerTool(candidates, (c) => (archOnlyFused(c.asset.name) ? 1 : 0));
    narrowed(
      before,
      'arch-spelling',
      'the architecture spelled out (not fused with the OS, as in linux64), the current name of the same build',
    );
  }

  // 4. libc (Linux): one policy per tool name, so it never decides between two different tools.
  let libcPolicy: string | undefined;
  if (os === 'linux') {
    const musl = isMuslDistro(target.distro?.name);
    const distro = target.distro ? `${target.distro.name}${target.distro.version ? ` ${target.distro.version}` : ''}` : undefined;
    libcPolicy = request.libc
      ? `libc = "${request.libc}" (set in the entry)`
      : musl
        ? `static or musl builds only: the run image is ${distro}, which has no glibc`
        : `static or musl builds preferred: the run image${distro ? ` (${distro})` : ''} may differ from the build image; set libc = "gnu" to prefer glibc builds`;
    const rank = (kind: LibcKind): number => {
      if (request.libc === 'gnu') return kind === 'gnu' ? 0 : kind === 'unstated' ? 1 : 2;
      return kind === 'static' || kind === 'musl' ? 0 : kind === 'unstated' ? 1 : 2;
    };
    const before = candidates.length;
    const droppedGnu = candidates.filter((c) => c.libc === 'gnu');
    if (request.libc === 'musl' || (musl && request.libc === undefined)) candidates = candidates.filter((c) => c.libc !== 'gnu');
    if (candidates.length === 0) {
      return refuse(
        'none',
        `only glibc builds exist for ${platform}, and ${request.libc === 'musl' ? 'the entry sets libc = "musl"' : `the run image (${distro}) has no glibc`}`,
        droppedGnu.map((c) => c.asset.name),
      );
    }
    candidates = keepBestPerTool(candidates, (c) => rank(c.libc));
    const kinds = [...new Set(candidates.map((c) => c.libc))];
    steps.push(`libc policy: ${libcPolicy}; kept ${kinds.join('/')}`);
    const decided = kinds.includes('gnu')
      ? `libc: the glibc build (${libcPolicy})`
      : `libc: the ${kinds.filter((k) => k !== 'unstated').join('/') || 'unlabelled'} build (${libcPolicy})`;
    narrowed(before, 'libc', decided);
    if (candidates.length === 1 && candidates[0]!.libc === 'gnu' && before === 1 && !request.libc) {
      lastRule = {
        ...lastRule,
        reason: `${lastRule.reason}; it is a glibc build (no static or musl build exists), so the run image needs glibc`,
      };
    }
  }

  // 5. Debug, profiling and "baseline" builds only when nothing else fits.
  {
    const before = candidates.length;
    candidates = keepBestPerTool(candidates, (c) => (c.variant ? 1 : 0));
    narrowed(before, 'variant', 'the regular build over debug, profiling or baseline variants');
  }

  // 6. The archive format the extractor handles best, per tool.
  {
    const before = candidates.length;
    candidates = keepBestPerTool(candidates, (c) => c.format.rank);
    const ext = candidates[0]?.format.ext || 'raw binary';
    narrowed(before, 'format', `the ${ext} over other formats of the same build`);
  }

  // 7. Several tool names: the one named for the repository (or binary) wins over variants of it; otherwise refuse.
  const tools = [...new Set(candidates.map((c) => c.tool))];
  if (tools.length > 1) {
    const wanted = [request.binaryName, request.repoName].filter((n): n is string => !!n).map(normaliseName);
    let chosen: string | undefined;
    const byBinary = request.binaryName ? tools.filter((t) => t === normaliseName(request.binaryName!)) : [];
    if (byBinary.length === 1) chosen = byBinary[0];
    else {
      const repo = normaliseName(request.repoName);
      const exact = tools.filter((t) => t === repo);
      if (exact.length === 1 && tools.every((t) => t === repo || t.includes(repo))) chosen = exact[0];
    }
    steps.push(`tool names: ${tools.join(', ')} (wanted ${wanted.join(' or ')})`);
    if (chosen === undefined) {
      return refuse(
        'ambiguous',
        `the release has ${candidates.length} ${platform} builds of different programs (${tools.join(', ')})`,
        candidates.map((c) => c.asset.name),
      );
    }
    candidates = candidates.filter((c) => c.tool === chosen);
    lastRule = {
      rule: 'name',
      reason: `named like the ${request.binaryName && chosen === normaliseName(request.binaryName) ? 'destination' : 'repository'} (${chosen}) rather than its variants (${tools.filter((t) => t !== chosen).join(', ')})`,
    };
  }
  if (candidates.length > 1) {
    return refuse(
      'ambiguous',
      `${candidates.length} ${platform} builds are left that no rule tells apart`,
      candidates.map((c) => c.asset.name),
    );
  }
  const picked = candidates[0]!;
  return {
    kind: 'picked',
    asset: picked.asset,
    rule: lastRule.rule,
    reason: lastRule.reason,
    ...(libcPolicy ? { libcPolicy } : {}),
    steps,
  };
}

/** Per tool name, keeps the candidates with the lowest rank. */
function keepBestPerTool(candidates: Candidate[], rank: (c: Candidate) => number): Candidate[] {
  const best = new Map<string, number>();
  for (const c of candidates) best.set(c.tool, Math.min(best.get(c.tool) ?? Infinity, rank(c)));
  return candidates.filter((c) => rank(c) === best.get(c.tool));
}
