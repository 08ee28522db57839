// Automatic asset selection (src/select/auto.ts, src/select/asset-name.ts) and its errors
// (select/index.ts selectAssetFor): each documented step, the refusals, and property-based checks
// that no generated asset list can make it pick another OS or architecture.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { autoSelect, nonProgramReason, toolNameOf, type AutoResult } from '../../src/select/auto.js';
import { archesIn, libcOf, osesIn } from '../../src/select/asset-name.js';
import { selectAssetFor } from '../../src/select/index.js';
import { parseDescriptor, specForTarget } from '../../src/descriptor/parse.js';
import type { BuildpackError } from '../../src/errors.js';
import type { AssetSpec, Release, ReleaseAsset, Target } from '../../src/model.js';

const AMD64: Target = { os: 'linux', arch: 'amd64' };
const ARM64: Target = { os: 'linux', arch: 'arm64' };

function assets(names: string[]): ReleaseAsset[] {
  return names.map((name, i) => ({
    id: i + 1,
    name,
    size: 1,
    url: `https://api.invalid/${i}`,
    browserDownloadUrl: `https://web.invalid/${name}`,
  }));
}

function pick(names: string[], target: Target = AMD64, request: Partial<Parameters<typeof autoSelect>[2]> = {}): string {
  const result = autoSelect(assets(names), target, { repoName: 'tool', tag: 'v1.2.3', ...request });
  return result.kind === 'picked' ? result.asset.name : `refused:${result.problem}`;
}

function result(names: string[], target: Target = AMD64, request: Partial<Parameters<typeof autoSelect>[2]> = {}): AutoResult {
  return autoSelect(assets(names), target, { repoName: 'tool', tag: 'v1.2.3', ...request });
}

describe('platform tokens', () => {
  it.each([
    ['tool-linux-x86_64.tar.gz', ['amd64']],
    ['tool-linux-amd64', ['amd64']],
    ['tool-linux-x64.zip', ['amd64']],
    ['tool_Linux-64bit.tar.gz', ['amd64']],
    ['tool-linux64.tar.gz', ['amd64']],
    ['tool-aarch64-unknown-linux-gnu.tar.gz', ['arm64']],
    ['protoc-1-linux-aarch_64.zip', ['arm64']],
    ['tool-linux-armv8.tar.gz', ['arm64']],
    ['tool-linux-arm.tar.gz', ['arm']],
    ['tool-linux-armv7.tar.gz', ['arm']],
    ['tool-linux-x86.tar.gz', ['386']],
    ['tool_Linux_32-bit.tar.gz', ['386']],
    ['tool-linux-i686.tar.gz', ['386']],
    ['tool-64.tar.gz', []],
    ['tool-v1.2.3.tar.gz', []],
    ['armadillo-linux.tar.gz', []],
    ['tool-powerpc64le-unknown-linux-gnu.tar.gz', ['ppc64le']],
  ])('%s names %j', (name, arches) => {
    expect([...archesIn(name)].sort()).toEqual(arches);
  });

  it('never reads arm in arm64, x86 in x86_64 or 64 alone as an architecture', () => {
    expect(archesIn('tool-arm64').has('arm')).toBe(false);
    expect(archesIn('tool-x86_64').has('386')).toBe(false);
    expect(archesIn('tool-aarch64').has('arm')).toBe(false);
    expect(archesIn('tool-win-64').size).toBe(0);
  });

  it('reads Android out of linux-android, and fused OS spellings', () => {
    expect([...osesIn('tool-aarch64-linux-android.tar.gz')]).toEqual(['android']);
    expect([...osesIn('jq-win64.exe')]).toEqual(['windows']);
    expect([...osesIn('micro-2.0-freebsd64.tar.gz')]).toEqual(['freebsd']);
    expect([...osesIn('tool-x86_64-apple-darwin.tar.gz')]).toEqual(['darwin']);
  });

  it('tells libc from the name', () => {
    expect(libcOf('tool-x86_64-unknown-linux-musl.tar.gz')).toBe('musl');
    expect(libcOf('tool-armv7-unknown-linux-musleabihf.tar.gz')).toBe('musl');
    expect(libcOf('tool_linux_amd64_static')).toBe('static');
    expect(libcOf('pnpm-linuxstatic-x64')).toBe('static');
    expect(libcOf('tool-x86_64-unknown-linux-gnu.tar.gz')).toBe('gnu');
    expect(libcOf('tool_linux_amd64.tar.gz')).toBe('unstated');
  });
});

describe('step 1: never a program', () => {
  it.each([
    ['checksums.txt', 'checksum file'],
    ['tool_1.2.3_SHA256SUMS', 'checksum file'],
    ['tool-linux-amd64.sha256', 'checksum file'],
    ['tool-linux-amd64.tar.gz.sig', 'signature'],
    ['tool-linux-amd64.sigstore.json', 'signature'],
    ['tool-linux-amd64-keyless.pem', 'certificate or key'],
    ['multiple.intoto.jsonl', 'attestation'],
    ['buildkit.linux-amd64.provenance.json', 'attestation'],
    ['tool_linux_amd64.tar.gz.sbom.json', 'SBOM'],
    ['tool_1.2.3_linux_amd64.deb', 'package or installer'],
    ['tool-1.2.3.x86_64.rpm', 'package or installer'],
    ['tool_linux_amd64.apk', 'package or installer'],
    ['tool-x86_64.AppImage', 'package or installer'],
    ['tool-1-1-x86_64.pkg.tar.zst', 'package or installer'],
    ['tool_1.2.3.arm64_monterey.bottle.tar.gz', 'package or installer'],
    ['tool-1.2.3.monterey.bottle.1.tar.gz', 'package or installer'],
    ['Tool-Setup-1.2.3.exe.blockmap', 'text or metadata file'],
    ['tool-windows-amd64.exe', 'Windows program'],
    ['tool-1.2.3.tar.gz', 'source archive (names no OS or architecture)'],
    ['tool-3.5a.tar.gz', 'source archive (names no OS or architecture)'],
    ['tool_src.tar.gz', 'source archive'],
    ['completions-1.2.3.tar.gz', 'shell completions'],
    ['tool_man_page_only.tar.gz', 'man pages or documentation'],
    ['install.sh', 'script or bytecode for another runtime'],
    ['tool-linux-amd64.7z', 'format the extractor cannot unpack'],
  ])('%s: %s', (name, why) => {
    expect(nonProgramReason(name, 'linux')).toBe(why);
  });

  it.each(['tool_linux_amd64.tar.gz', 'tool-linux-amd64', 'tool-x86_64-unknown-linux-musl.tgz', 'tool-linux-x64.gz', 'runc.amd64', 'tool'])(
    '%s may be a program',
    (name) => {
      expect(nonProgramReason(name, 'linux')).toBeUndefined();
    },
  );

  it('keeps .exe for a Windows target', () => {
    expect(nonProgramReason('tool-windows-amd64.exe', 'windows')).toBeUndefined();
  });

  it('refuses a release of nothing but signatures and checksums', () => {
    expect(pick(['tool-linux-amd64.tar.gz.asc', 'SHA256SUMS'])).toBe('refused:none');
  });
});

describe('steps 2 and 3: OS and architecture', () => {
  const release = [
    'tool_linux_amd64.tar.gz',
    'tool_linux_arm64.tar.gz',
    'tool_linux_arm.tar.gz',
    'tool_darwin_arm64.tar.gz',
    'tool_freebsd_amd64.tar.gz',
  ];

  it('picks the target build and never another OS or arch', () => {
    expect(pick(release, AMD64)).toBe('tool_linux_amd64.tar.gz');
    expect(pick(release, ARM64)).toBe('tool_linux_arm64.tar.gz');
    expect(pick(release, { os: 'linux', arch: 'arm' })).toBe('tool_linux_arm.tar.gz');
  });

  it('refuses when the target arch has no build, listing what there is', () => {
    const r = result(['tool_linux_amd64.tar.gz', 'tool_linux_arm.tar.gz'], ARM64);
    expect(r).toMatchObject({ kind: 'refused', problem: 'none' });
    expect(r.kind === 'refused' && r.why).toBe('no asset is built for linux/arm64 (the release has linux builds for amd64, arm)');
  });

  it('says when the only builds for the target OS are packages, instead of "no asset is built"', () => {
    const onlyPackages = result(['Tool-1.0.AppImage', 'tool_1.0_amd64.deb', 'tool-1.0-darwin-arm64.tar.gz', 'tool-1.0.dmg'], AMD64);
    expect(onlyPackages).toMatchObject({ kind: 'refused', problem: 'none' });
    expect(onlyPackages.kind === 'refused' && onlyPackages.why).toBe(
      'no asset is built for linux (its linux builds are packages or installers, which the buildpack does not install: Tool-1.0.AppImage, tool_1.0_amd64.deb)',
    );
    const nothingElse = result(['tool-linux-amd64.rpm', 'SHA256SUMS'], AMD64);
    expect(nothingElse.kind === 'refused' && nothingElse.why).toMatch(
      /no program files.*its linux builds are packages.*tool-linux-amd64\.rpm\)$/,
    );
    // A macOS installer is no linux build: the plain message stays.
    const macOnly = result(['tool.dmg', 'tool-darwin-arm64.tar.gz'], AMD64);
    expect(macOnly.kind === 'refused' && macOnly.why).toBe('no asset is built for linux');
  });

  it('takes an asset naming no arch for amd64 only, and only when nothing names an arch', () => {
    expect(pick(['tool-linux.tar.gz', 'tool-darwin.tar.gz'], AMD64)).toBe('tool-linux.tar.gz');
    expect(result(['tool-linux.tar.gz'], AMD64)).toMatchObject({ rule: 'arch-fallback' });
    expect(pick(['tool-linux.tar.gz'], ARM64)).toBe('refused:none');
    expect(pick(['tool-linux.zip', 'tool-linux-aarch64.zip'], AMD64)).toBe('refused:none');
    expect(pick(['tool-linux.zip', 'tool-linux-aarch64.zip'], ARM64)).toBe('tool-linux-aarch64.zip');
  });

  it('considers assets naming no OS only when none names the target OS', () => {
    expect(pick(['runc.amd64', 'runc.arm64', 'runc.amd64.asc'], ARM64)).toBe('runc.arm64');
    expect(pick(['tool-linux-amd64', 'tool-amd64-extra'], AMD64)).toBe('tool-linux-amd64');
  });

  it('drops the Android build that says linux', () => {
    expect(pick(['t-aarch64-linux-android.tar.gz', 't-aarch64-unknown-linux-musl.tar.gz'], ARM64)).toBe(
      't-aarch64-unknown-linux-musl.tar.gz',
    );
    expect(pick(['t-aarch64-linux-android.tar.gz'], ARM64)).toBe('refused:none');
  });

  it('prefers the spelled-out arch over a legacy fused copy (linux64)', () => {
    expect(pick(['jq-linux64', 'jq-linux-amd64', 'jq-linux-arm64'], AMD64)).toBe('jq-linux-amd64');
    expect(pick(['jq-linux64', 'jq-linux32'], AMD64)).toBe('jq-linux64');
  });
});

describe('step 4: libc policy', () => {
  const pair = ['t-x86_64-unknown-linux-gnu.tar.gz', 't-x86_64-unknown-linux-musl.tar.gz', 't-aarch64-unknown-linux-gnu.tar.gz'];

  it('prefers static and musl builds by default and says so', () => {
    const r = result(pair, AMD64);
    expect(r).toMatchObject({ kind: 'picked', rule: 'libc' });
    if (r.kind !== 'picked') throw new Error('picked');
    expect(r.asset.name).toBe('t-x86_64-unknown-linux-musl.tar.gz');
    expect(r.reason).toMatch(
      /^libc: the musl build \(static or musl builds preferred: the run image may differ from the build image; set libc = "gnu"/,
    );
    expect(pick(['t_linux_amd64', 't_linux_amd64_static'])).toBe('t_linux_amd64_static');
  });

  it('takes a glibc build when it is the only one, and says the run image needs glibc', () => {
    const r = result(pair, ARM64);
    expect(r).toMatchObject({ kind: 'picked', rule: 'only-candidate' });
    expect(r.kind === 'picked' && r.reason).toMatch(/glibc build \(no static or musl build exists\), so the run image needs glibc$/);
  });

  it('libc = "gnu" prefers glibc builds; libc = "musl" never takes one', () => {
    expect(pick(pair, AMD64, { libc: 'gnu' })).toBe('t-x86_64-unknown-linux-gnu.tar.gz');
    expect(pick(pair, ARM64, { libc: 'musl' })).toBe('refused:none');
    expect(result(pair, AMD64, { libc: 'gnu' })).toMatchObject({ libcPolicy: 'libc = "gnu" (set in the entry)' });
  });

  it('never takes a glibc build for a musl run image (CNB_TARGET_DISTRO_NAME=alpine)', () => {
    const alpine = { ...ARM64, distro: { name: 'alpine', version: '3.20' } };
    const r = result(pair, alpine);
    expect(r).toMatchObject({ kind: 'refused', problem: 'none' });
    expect(r.kind === 'refused' && r.why).toBe('only glibc builds exist for linux/arm64, and the run image (alpine 3.20) has no glibc');
    expect(pick(pair, { ...AMD64, distro: { name: 'alpine' } })).toBe('t-x86_64-unknown-linux-musl.tar.gz');
    expect(pick(pair, alpine, { libc: 'gnu' })).toBe('t-aarch64-unknown-linux-gnu.tar.gz');
  });

  it('never lets libc decide between two different programs', () => {
    expect(pick(['a_linux_amd64_musl.tar.gz', 'b_linux_amd64_gnu.tar.gz'], AMD64, { repoName: 'x' })).toBe('refused:ambiguous');
  });
});

describe('steps 5 to 7: variants, formats, names', () => {
  it('drops debug, profiling and baseline builds unless nothing else fits', () => {
    expect(pick(['bun-linux-x64.zip', 'bun-linux-x64-baseline.zip', 'bun-linux-x64-profile.zip'], AMD64, { repoName: 'bun' })).toBe(
      'bun-linux-x64.zip',
    );
    expect(pick(['t-linux-amd64-debug.tar.gz'], AMD64)).toBe('t-linux-amd64-debug.tar.gz');
    expect(result(['t-linux-amd64.tar.gz', 't-linux-amd64-dbg.tar.gz'])).toMatchObject({ rule: 'variant' });
  });

  it('prefers tar.gz, then other archives, over raw and single compressed files of the same build', () => {
    expect(pick(['t_linux_amd64', 't_linux_amd64.tar.gz'])).toBe('t_linux_amd64.tar.gz');
    expect(pick(['t_linux_amd64.zip', 't_linux_amd64.tar.xz'])).toBe('t_linux_amd64.tar.xz');
    expect(pick(['t_linux_amd64.gz', 't_linux_amd64'])).toBe('t_linux_amd64');
    expect(result(['t_linux_amd64.zip', 't_linux_amd64.tar.gz'])).toMatchObject({
      rule: 'format',
      reason: 'the .tar.gz over other formats of the same build',
    });
  });

  it('takes the build named like the repository over variants of it, and refuses unrelated programs', () => {
    expect(result(['hugo_1.2.3_linux-amd64.tar.gz', 'hugo_extended_1.2.3_linux-amd64.tar.gz'], AMD64, { repoName: 'hugo' })).toMatchObject({
      kind: 'picked',
      rule: 'name',
      reason: 'named like the repository (hugo) rather than its variants (hugo-extended)',
    });
    const multi = result(['kubectx_v1.2.3_linux_x86_64.tar.gz', 'kubens_v1.2.3_linux_x86_64.tar.gz'], AMD64, { repoName: 'kubectx' });
    expect(multi).toMatchObject({
      kind: 'refused',
      problem: 'ambiguous',
      candidates: ['kubectx_v1.2.3_linux_x86_64.tar.gz', 'kubens_v1.2.3_linux_x86_64.tar.gz'],
    });
  });

  it('lets the destination file name choose among programs', () => {
    expect(
      pick(['kubectx_v1.2.3_linux_x86_64.tar.gz', 'kubens_v1.2.3_linux_x86_64.tar.gz'], AMD64, {
        repoName: 'kubectx',
        binaryName: 'kubens',
      }),
    ).toBe('kubens_v1.2.3_linux_x86_64.tar.gz');
  });

  it('names the tool without version, platform and build words', () => {
    expect(toolNameOf('ripgrep-14.1.0-x86_64-unknown-linux-musl.tar.gz', '14.1.0')).toBe('ripgrep');
    expect(toolNameOf('kubens_v0.9.5_linux_x86_64.tar.gz', 'v0.9.5')).toBe('kubens');
    expect(toolNameOf('grpc_health_probe-linux-amd64', 'v0.4.35')).toBe('grpc-health-probe');
    expect(toolNameOf('bun-linux-x64-musl-baseline.zip', 'bun-v1.1.38')).toBe('bun');
  });
});

describe('matching', () => {
  const names = ['kubectx_v1.2.3_linux_x86_64.tar.gz', 'kubens_v1.2.3_linux_x86_64.tar.gz', 'kubens_v1.2.3_linux_arm64.tar.gz'];

  it('filters by substring (any case) or glob before selection', () => {
    expect(pick(names, AMD64, { matching: 'KUBENS' })).toBe('kubens_v1.2.3_linux_x86_64.tar.gz');
    expect(pick(names, ARM64, { matching: 'kubens_*' })).toBe('kubens_v1.2.3_linux_arm64.tar.gz');
    expect(pick(names, AMD64, { matching: 'kubectx_*.tar.gz' })).toBe('kubectx_v1.2.3_linux_x86_64.tar.gz');
  });

  it('refuses when matching leaves nothing, still never another platform', () => {
    expect(pick(names, AMD64, { matching: 'nope' })).toBe('refused:none');
    expect(pick(names, ARM64, { matching: 'kubectx' })).toBe('refused:none');
  });
});

describe('selectAssetFor errors', () => {
  const release = (names: string[], tag = 'v0.9.5'): Release => ({ id: 1, tag, draft: false, prerelease: false, assets: assets(names) });
  const spec = (toml = ''): AssetSpec => parseDescriptor(`[[metadata.githubassets]]\nrepo = "ahmetb/kubectx"\n${toml}`).specs[0]!;
  const failure = (fn: () => unknown): BuildpackError => {
    try {
      fn();
    } catch (err) {
      return err as BuildpackError;
    }
    throw new Error('expected an error');
  };
  const kubectx = [
    'kubectx',
    'kubens',
    'checksums.txt',
    'kubectx_v0.9.5_linux_x86_64.tar.gz',
    'kubectx_v0.9.5_linux_arm64.tar.gz',
    'kubens_v0.9.5_linux_x86_64.tar.gz',
    'kubens_v0.9.5_linux_arm64.tar.gz',
  ];

  it('GHA015 lists the candidates and both ways to choose, with a pattern and a filter that work', () => {
    const err = failure(() => selectAssetFor(release(kubectx), spec(), AMD64));
    expect(err.code).toBe('GHA015');
    expect(err.entry).toBe('githubassets[1] (ahmetb/kubectx)');
    expect(err.message).toBe(
      'cannot choose an asset for linux/amd64 automatically in release v0.9.5: the release has 2 linux/amd64 builds of different programs (kubectx, kubens); candidates: kubectx_v0.9.5_linux_x86_64.tar.gz, kubens_v0.9.5_linux_x86_64.tar.gz',
    );
    expect(err.hint).toBe(
      'choose one: asset = "kubectx_v{version}_{os}_{arch}.tar.gz" (a pattern, or an exact name) or matching = "kubectx" (filters the names before automatic selection); `github-assets check` shows what each would pick',
    );
    // Both suggestions really choose, on both arches.
    for (const target of [AMD64, ARM64]) {
      expect(selectAssetFor(release(kubectx), spec('asset = "kubectx_v{version}_{os}_{arch}.tar.gz"'), target).asset.name).toMatch(
        /^kubectx_/,
      );
      expect(selectAssetFor(release(kubectx), spec('matching = "kubectx"'), target).asset.name).toMatch(/^kubectx_/);
    }
  });

  it('GHA018 when nothing fits the target, with the libc hint when glibc was ruled out', () => {
    const err = failure(() => selectAssetFor(release(['t-aarch64-unknown-linux-gnu.tar.gz']), spec('libc = "musl"'), ARM64));
    expect(err.code).toBe('GHA018');
    expect(err.message).toBe(
      'automatic selection found no asset for linux/arm64 in release v0.9.5: only glibc builds exist for linux/arm64, and the entry sets libc = "musl"; the release has: t-aarch64-unknown-linux-gnu.tar.gz',
    );
    expect(err.hint).toMatch(
      /^set libc = "gnu" if the run image has glibc, or name the asset with asset = "\.\.\." \(or in \[metadata\.githubassets\.arch\.arm64\] for this architecture only\)/,
    );
    const none = failure(() => selectAssetFor(release(['t_linux_amd64.tar.gz']), spec(), ARM64));
    expect(none.code).toBe('GHA018');
    expect(none.hint).toContain('nothing for another platform is ever installed');
  });

  it('reports the rule that decided, and the named-asset rules', () => {
    expect(selectAssetFor(release(kubectx), spec('matching = "kubens"'), ARM64)).toMatchObject({
      rule: 'auto:only-candidate',
      asset: { name: 'kubens_v0.9.5_linux_arm64.tar.gz' },
    });
    expect(selectAssetFor(release(kubectx), spec('asset = "kubens"'), ARM64)).toMatchObject({ rule: 'asset', reason: 'asset = "kubens"' });
    expect(selectAssetFor(release(kubectx), spec('asset = "kubens_{tag}_{os}_{arch}.tar.gz"'), ARM64)).toMatchObject({ rule: 'pattern' });
  });
});

describe('config: asset, libc and matching', () => {
  const errorOf = (body: string): BuildpackError => {
    try {
      parseDescriptor(`[[metadata.githubassets]]\nrepo = "a/b"\n${body}\n`);
    } catch (err) {
      return err as BuildpackError;
    }
    throw new Error('expected an error');
  };

  it.each([
    ['libc = "glibc"', 'libc = "glibc" must be "gnu" or "musl"'],
    ['libc = true', 'libc = true must be "gnu" or "musl"'],
    ['matching = ""', 'matching must be a non-empty string, got string ""'],
    ['matching = "a/b"', 'matching = "a/b" is not part of a file name'],
    ['asset = "x"\nmatching = "x"', 'matching = "x" has no effect next to asset = "x"'],
    ['asset = "x"\n[metadata.githubassets.arch.arm64]\nmatching = "y"', 'arch.arm64.matching = "y" has no effect next to asset = "x"'],
    ['[metadata.githubassets.arch.arm64]\nlibc = "x"', 'arch.arm64.libc = "x" must be "gnu" or "musl"'],
  ])('%s is GHA003', (body, message) => {
    const err = errorOf(body);
    expect(err.code).toBe('GHA003');
    expect(err.message).toBe(message);
    expect(err.entry).toBe('githubassets[1] (a/b)');
  });

  it('merges libc and matching from arch tables', () => {
    const [entry] = parseDescriptor(
      '[[metadata.githubassets]]\nrepo = "a/b"\nlibc = "musl"\n[metadata.githubassets.arch.arm64]\nlibc = "gnu"\nmatching = "x"\n',
    ).specs;
    expect(specForTarget(entry!, AMD64)).toMatchObject({ asset: '', libc: 'musl' });
    expect(specForTarget(entry!, AMD64).matching).toBeUndefined();
    expect(specForTarget(entry!, ARM64)).toMatchObject({ asset: '', libc: 'gnu', matching: 'x' });
  });
});

describe('invariants (generated releases)', () => {
  const osWords = ['linux', 'Linux', 'darwin', 'macos', 'windows', 'win64', 'freebsd', 'android', 'linux64', 'linux32', 'linuxstatic', ''];
  const archWords = [
    'amd64',
    'x86_64',
    'x64',
    '64bit',
    'aarch64',
    'arm64',
    'aarch_64',
    'armv8',
    'arm',
    'armv7',
    'armhf',
    'x86',
    '386',
    'i686',
    '32-bit',
    'ppc64le',
    's390x',
    'riscv64',
    '64',
    '',
  ];
  const extra = ['', 'musl', 'gnu', 'static', 'debug', 'baseline', 'unknown', 'pc', 'v1.2.3', '1.2.3', 'src', 'extended'];
  const exts = ['', '.tar.gz', '.zip', '.tgz', '.tar.xz', '.gz', '.exe', '.deb', '.sha256', '.sig', '.txt', '.json', '.AppImage'];
  const tools = ['tool', 'other', 'tool_extended'];
  const seps = ['-', '_', '.'];
  const assetName = fc
    .tuple(
      fc.constantFrom(...tools),
      fc.constantFrom(...osWords),
      fc.constantFrom(...archWords),
      fc.constantFrom(...extra),
      fc.constantFrom(...exts),
      fc.constantFrom(...seps),
      fc.boolean(),
    )
    .map(
      ([tool, os, arch, more, ext, sep, archFirst]) =>
        [tool, ...(archFirst ? [arch, os] : [os, arch]), more].filter(Boolean).join(sep) + ext,
    );
  const release = fc.uniqueArray(assetName, { minLength: 0, maxLength: 14 });
  const target = fc.record({ os: fc.constant('linux'), arch: fc.constantFrom('amd64', 'arm64', 'arm', '386') });
  const request = fc.record({
    libc: fc.constantFrom(undefined, 'gnu', 'musl'),
    matching: fc.constantFrom(undefined, 'tool', 'tool*', 'x'),
  });

  it('a pick names the target arch (or, for amd64 only, no arch at all) and never another OS or arch', () => {
    fc.assert(
      fc.property(release, target, request, (names, t, req) => {
        const r = autoSelect(assets(names), t, {
          repoName: 'tool',
          tag: 'v1.2.3',
          ...(req.libc ? { libc: req.libc as 'gnu' } : {}),
          ...(req.matching ? { matching: req.matching } : {}),
        });
        if (r.kind !== 'picked') return true;
        const arches = archesIn(r.asset.name);
        const oses = osesIn(r.asset.name);
        expect([...oses].every((o) => o === 'linux')).toBe(true);
        if (arches.size === 0) {
          expect(t.arch).toBe('amd64');
          // The fallback: no program for the OS (after matching) names any arch.
          const matches = (n: string) =>
            !req.matching ||
            (req.matching.includes('*')
              ? n.toLowerCase().startsWith(req.matching.replace('*', '').toLowerCase())
              : n.toLowerCase().includes(req.matching.toLowerCase()));
          const programs = names.filter((n) => matches(n) && !nonProgramReason(n, 'linux'));
          const linux = programs.filter((n) => osesIn(n).has('linux'));
          const osPool = linux.length > 0 ? linux : programs.filter((n) => osesIn(n).size === 0);
          expect(osPool.filter((n) => archesIn(n).size > 0)).toEqual([]);
        } else {
          expect([...arches]).toEqual([t.arch]);
        }
        expect(nonProgramReason(r.asset.name, 'linux')).toBeUndefined();
        if (req.libc === 'musl') expect(libcOf(r.asset.name)).not.toBe('gnu');
        return true;
      }),
      { numRuns: 3000 },
    );
  });

  it('the answer does not depend on the order of the asset list', () => {
    fc.assert(
      fc.property(release, target, fc.integer(), (names, t, seed) => {
        const shuffled = [...names].sort((a, b) => ((a.length * 31 + seed) % 7) - ((b.length * 31 + seed) % 7));
        const a = autoSelect(assets(names), t, { repoName: 'tool', tag: 'v1.2.3' });
        const b = autoSelect(assets(shuffled), t, { repoName: 'tool', tag: 'v1.2.3' });
        expect(b.kind === 'picked' ? b.asset.name : b.problem).toBe(a.kind === 'picked' ? a.asset.name : a.problem);
      }),
      { numRuns: 1000 },
    );
  });

  it('survives hostile names without throwing', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ maxLength: 300 }), { maxLength: 20 }), target, (names, t) => {
        const r = autoSelect(assets(names), t, { repoName: 'tool', tag: 'v1.2.3', matching: '*?*' });
        expect(['picked', 'refused']).toContain(r.kind);
      }),
      { numRuns: 500 },
    );
  });
});
