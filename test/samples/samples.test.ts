// The samples stay valid: every samples/**/project.toml passes the buildpack's own validator,
// builder.toml matches the schema pack reads (pack rejects unknown keys), and the GitHub
// Actions workflow passes the private-repo token to pack only through the step's env.

import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import TOML from '@iarna/toml';
import { parse as parseYaml } from 'yaml';
import { parseDescriptor } from '../../src/descriptor/parse.js';
import { repoRoot } from '../support/cnb.js';

const SAMPLES = join(repoRoot, 'samples');
const BUILDPACK_ID = 'github-assets/buildpack';
const buildpackVersion = (TOML.parse(readFileSync(join(repoRoot, 'buildpack.toml'), 'utf8')) as { buildpack: { version: string } })
  .buildpack.version;

function filesNamed(dir: string, name: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name === name)
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

function read(path: string): string {
  return readFileSync(join(SAMPLES, path), 'utf8');
}

describe('samples/**/project.toml', () => {
  const descriptors = filesNamed(SAMPLES, 'project.toml');

  it('finds the sample descriptors', () => {
    expect(descriptors.map((p) => relative(SAMPLES, p))).toEqual(
      expect.arrayContaining(['grpc-probe/project.toml', 'three-assets/project.toml']),
    );
  });

  it.each(descriptors.map((p) => [relative(SAMPLES, p), p]))('%s passes the buildpack validator and has entries', (_name, path) => {
    const descriptor = parseDescriptor(readFileSync(path, 'utf8'), 'project.toml');
    expect(descriptor.specs.length).toBeGreaterThan(0);
  });

  it("three-assets: the original buildpack's documented configuration yields its three entries", () => {
    const { specs, table } = parseDescriptor(read('three-assets/project.toml'));
    expect(table).toBe('metadata.githubassets');
    expect(specs.map((s) => [s.repo, s.asset, s.destination, s.tag, s.tokenEnv])).toEqual([
      ['kkdai/youtube', 'youtubedr_2.7.0_linux_arm64.tar.gz', 'bin', 'latest', undefined],
      ['qeek-dev/apitest-toolchain', 'apitest-toolchain-linux-amd64', 'bin/apitest-toolchain', 'v0.1.0', 'APITEST_TOOLCHAIN_TOKEN'],
      ['grpc-ecosystem/grpc-health-probe', 'grpc_health_probe-linux-amd64', 'bin/grpc_health_probe', 'latest', undefined],
    ]);
  });

  it('grpc-probe: one schema-0.2 entry with a per-arch pattern, pinned to the tag the e2e test serves', () => {
    const { specs, table } = parseDescriptor(read('grpc-probe/project.toml'));
    expect(table).toBe('_.metadata.githubassets');
    expect(specs.map((s) => [s.repo, s.asset, s.tag, s.destination])).toEqual([
      ['grpc-ecosystem/grpc-health-probe', 'grpc_health_probe-{os}-{arch}', 'v0.4.41', 'bin/grpc_health_probe'],
    ]);
  });
});

// What pack's builder.Config decodes (pack: builder/config_reader.go, pkg/dist); anything else
// makes `pack builder create` fail with "unknown configuration elements".
const BUILDER_KEYS = [
  'description',
  'buildpacks',
  'extensions',
  'order',
  'order-extensions',
  'stack',
  'lifecycle',
  'run',
  'build',
  'targets',
  'system',
];
const MODULE_INFO_KEYS = ['id', 'name', 'version', 'description', 'homepage', 'keywords', 'licenses'];
const MODULE_KEYS = [...MODULE_INFO_KEYS, 'uri', 'image'];
const GROUP_ENTRY_KEYS = [...MODULE_INFO_KEYS, 'optional'];
const TARGET_KEYS = ['os', 'arch', 'variant', 'distros'];
const LANGUAGE_BUILDPACKS = ['paketo-buildpacks/go', 'paketo-buildpacks/nodejs'];

interface GroupEntry {
  id: string;
  version?: string;
  optional?: boolean;
}
interface BuilderToml {
  buildpacks: Array<{ id?: string; uri?: string; version?: string }>;
  order: Array<{ group: GroupEntry[] }>;
  lifecycle: { version?: string; uri?: string };
  build: { image: string };
  run: { images: Array<{ image: string }> };
  stack?: { 'run-image'?: string; 'build-image'?: string };
  targets: Array<{ os: string; arch: string }>;
}

function keysOutside(table: unknown, allowed: string[]): string[] {
  return Object.keys(table as object).filter((k) => !allowed.includes(k));
}

describe('samples/builder/builder.toml', () => {
  const builder = TOML.parse(read('builder/builder.toml')) as unknown as BuilderToml;

  it('uses only keys pack decodes', () => {
    expect(keysOutside(builder, BUILDER_KEYS)).toEqual([]);
    for (const bp of builder.buildpacks) expect(keysOutside(bp, MODULE_KEYS)).toEqual([]);
    for (const order of builder.order) {
      expect(Object.keys(order)).toEqual(['group']);
      for (const entry of order.group) expect(keysOutside(entry, GROUP_ENTRY_KEYS)).toEqual([]);
    }
    expect(keysOutside(builder.lifecycle, ['uri', 'version'])).toEqual([]);
    expect(keysOutside(builder.build, ['image', 'env'])).toEqual([]);
    expect(keysOutside(builder.run, ['images'])).toEqual([]);
    for (const image of builder.run.images) expect(keysOutside(image, ['image', 'mirrors'])).toEqual([]);
    for (const target of builder.targets) expect(keysOutside(target, TARGET_KEYS)).toEqual([]);
  });

  it('names the build and run images, the lifecycle and the targets in the current schema', () => {
    // pack's ValidateConfig: build.image and at least one run image are required.
    expect(builder.build.image).toMatch(/^[a-z0-9.-]+\/[a-z0-9._/-]+:[\w.-]+$/);
    expect(builder.run.images.length).toBeGreaterThan(0);
    for (const { image } of builder.run.images) expect(image).toMatch(/^[a-z0-9.-]+\/[a-z0-9._/-]+:[\w.-]+$/);
    expect(builder.stack).toBeUndefined(); // deprecated; [build] and [[run.images]] replace it
    expect(builder.lifecycle.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(builder.targets.length).toBeGreaterThan(0);
    for (const t of builder.targets) {
      expect(t.os).toBe('linux');
      expect(['amd64', 'arm64']).toContain(t.arch);
    }
  });

  it('lists every buildpack with a uri, and this buildpack at the version buildpack.toml declares', () => {
    for (const bp of builder.buildpacks) expect(bp.uri).toMatch(/^(docker:\/\/\S+:\S+|\.{0,2}\/?\S+\.cnb)$/);
    const ours = builder.buildpacks.filter((bp) => bp.uri?.includes(BUILDPACK_ID));
    expect(ours).toHaveLength(1);
    expect(ours[0]!.version).toBe(buildpackVersion);
  });

  it('puts this buildpack, optional, after a required language buildpack in every order group', () => {
    expect(builder.order.length).toBeGreaterThan(0);
    const languages = new Set<string>();
    for (const { group } of builder.order) {
      const ours = group.findIndex((e) => e.id === BUILDPACK_ID);
      const language = group.findIndex((e) => LANGUAGE_BUILDPACKS.includes(e.id) && e.optional !== true);
      expect(ours, JSON.stringify(group)).toBeGreaterThan(-1);
      expect(language, JSON.stringify(group)).toBeGreaterThan(-1);
      expect(language).toBeLessThan(ours);
      expect(group[ours]).toEqual({ id: BUILDPACK_ID, version: buildpackVersion, optional: true });
      languages.add(group[language]!.id);
    }
    expect([...languages].sort()).toEqual(LANGUAGE_BUILDPACKS);
  });

  it('refers in its groups only to buildpacks it adds, at the versions it adds', () => {
    // pack resolves each group id@version among the [[buildpacks]] it was given.
    const added = builder.buildpacks.map((bp) => `${/docker:\/\/[^/]+\/(.+):/.exec(bp.uri!)?.[1]}@${bp.version}`);
    const expected = (id: string) =>
      id === BUILDPACK_ID ? 'github-assets/buildpack' : id.replace('paketo-buildpacks/', 'paketobuildpacks/');
    for (const { group } of builder.order) {
      for (const entry of group) expect(added).toContain(`${expected(entry.id)}@${entry.version}`);
    }
  });
});

interface WorkflowStep {
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}

describe('samples/github-actions/build-image.yml', () => {
  const text = read('github-actions/build-image.yml');
  const workflow = parseYaml(text) as {
    on: unknown;
    env?: Record<string, string>;
    jobs: Record<string, { 'runs-on': string; steps: WorkflowStep[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
  const packBuild = steps.filter((s) => /\bpack build\b/.test(s.run ?? ''));

  it('is a workflow that sets up pack with the buildpacks action', () => {
    expect(workflow.on).toBeTruthy();
    expect(Object.keys(workflow.jobs).length).toBeGreaterThan(0);
    for (const job of Object.values(workflow.jobs)) expect(job['runs-on']).toMatch(/^ubuntu-/);
    expect(steps.some((s) => /^buildpacks\/github-actions\/setup-pack@v\d+\.\d+\.\d+$/.test(s.uses ?? ''))).toBe(true);
    expect(packBuild).toHaveLength(1);
  });

  it('passes TOOLCHAIN_TOKEN from secrets through the step env and `--env NAME` only', () => {
    const step = packBuild[0]!;
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, written literally in the workflow
    expect(step.env?.TOOLCHAIN_TOKEN).toBe('${{ secrets.TOOLCHAIN_TOKEN }}');
    expect(step.run).toMatch(/--env TOOLCHAIN_TOKEN(\s|$)/);
    // The value never appears in a script: no expression, no expansion, no NAME=value.
    for (const s of steps) {
      expect(s.run ?? '').not.toMatch(/secrets\./);
      expect(s.run ?? '').not.toMatch(/\$\{?TOOLCHAIN_TOKEN|TOOLCHAIN_TOKEN=|\bset -x\b|\becho\b/);
    }
    // And the token is not handed to anything else.
    const users = steps.filter((s) => JSON.stringify(s).includes('TOOLCHAIN_TOKEN'));
    expect(users).toEqual([step]);
    expect(workflow.env ?? {}).not.toHaveProperty('TOOLCHAIN_TOKEN');
  });

  it('adds this buildpack after the language buildpack and publishes the image', () => {
    const run = packBuild[0]!.run!;
    const buildpacks = [...run.matchAll(/--buildpack\s+(\S+)/g)].map((m) =>
      m[1]!.replace(/^"\$(\w+)"$/, (_m, name: string) => workflow.env?.[name] ?? ''),
    );
    expect(buildpacks).toEqual(['paketo-buildpacks/go', `docker://ghcr.io/${BUILDPACK_ID}:${buildpackVersion}`]);
    expect(run).toMatch(/--builder\s+\S+/);
    expect(run).toMatch(/--publish\b/);
  });
});
