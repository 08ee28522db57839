// The automation recipes stay correct: the Renovate preset's regex finds exactly the pinned
// repo/tag pairs of every sample and README example (with the flags Renovate uses), the GitHub
// Actions workflows have the triggers, permissions and steps they rely on, and the kpack and
// Tekton manifests use the real API shapes and pass the token only by reference.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import TOML from '@iarna/toml';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, parseAllDocuments } from 'yaml';
import { parseDescriptor } from '../../src/descriptor/parse.js';
import { strictModeFromEnv } from '../../src/verify/digest.js';
import { repoRoot } from '../support/cnb.js';

const read = (path: string) => readFileSync(join(repoRoot, path), 'utf8');
const pkg = JSON.parse(read('package.json')) as { name: string; version: string; engines: { node: string } };
const buildpackVersion = (TOML.parse(read('buildpack.toml')) as { buildpack: { version: string } }).buildpack.version;
const BUILDPACK_ID = 'github-assets/buildpack';

// ---------------------------------------------------------------------------------------------
// Renovate preset

interface Preset {
  customManagers: { customType: string; managerFilePatterns: string[]; matchStrings: string[]; datasourceTemplate: string }[];
  packageRules: { postUpgradeTasks?: { commands: string[]; fileFilters: string[] } }[];
}
const preset = JSON.parse(read('renovate/github-assets.json')) as Preset;
const manager = preset.customManagers[0]!;

/** What Renovate extracts: every match of every matchString (it compiles them with the g flag), in file order. */
function extract(text: string, flags = 'g'): [string, string][] {
  const found: { at: number; pair: [string, string] }[] = [];
  for (const source of manager.matchStrings) {
    for (const m of text.matchAll(new RegExp(source, flags)))
      found.push({ at: m.index, pair: [m.groups!.depName!, m.groups!.currentValue!] });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.pair);
}

/** What should be extracted: the buildpack's own reading of the file, entries with an exact version tag. */
function expectedPairs(text: string): [string, string][] {
  return parseDescriptor(text)
    .specs.filter((s) => /^v?\d/.test(s.tag))
    .map((s) => [s.repo, s.tag]);
}

function tomlBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```toml\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((t) => /githubassets\s*\]\]/.test(t));
}

describe('renovate/github-assets.json', () => {
  it('is a regex custom manager on project.toml files with the github-releases datasource', () => {
    expect(manager.customType).toBe('regex');
    expect(manager.datasourceTemplate).toBe('github-releases');
    const [pattern] = manager.managerFilePatterns;
    const fileRegex = new RegExp(/^\/(.*)\/$/.exec(pattern!)![1]!);
    expect(['project.toml', 'apps/api/project.toml'].every((f) => fileRegex.test(f))).toBe(true);
    expect(['project.toml.bak', 'myproject.toml', 'pyproject.toml'].some((f) => fileRegex.test(f))).toBe(false);
  });

  it('uses only what RE2 supports (no lookaround, no backreferences) and compiles with the g, gm and gu flags', () => {
    for (const source of manager.matchStrings) {
      expect(source).not.toMatch(/\(\?[=!]|\(\?<[=!]|\\[1-9]/);
      for (const flags of ['g', 'gm', 'gu']) expect(() => new RegExp(source, flags)).not.toThrow();
      expect(source).toContain('(?<depName>');
      expect(source).toContain('(?<currentValue>');
    }
  });

  const samples = ['samples/grpc-probe/project.toml', 'samples/three-assets/project.toml'];
  it.each(samples)('finds exactly the pinned entries of %s', (path) => {
    const text = read(path);
    expect(extract(text)).toEqual(expectedPairs(text));
    expect(extract(text, 'gm')).toEqual(expectedPairs(text));
  });

  it("finds exactly the pinned entries of the README's TOML examples", () => {
    const blocks = tomlBlocks(read('README.md'));
    expect(blocks.length).toBeGreaterThan(3);
    let pinned = 0;
    for (const block of blocks) {
      let expected: [string, string][];
      try {
        expected = expectedPairs(block);
      } catch {
        continue; // a fragment that is not a whole descriptor
      }
      pinned += expected.length;
      expect(extract(block), block).toEqual(expected);
    }
    expect(pinned).toBeGreaterThan(0);
  });

  it('keeps each match inside its own entry, in either key order, with CRLF and comments', () => {
    const text = [
      '# a project',
      '[[metadata.githubassets]]',
      'repo = "acme/floating"          # tag defaults to latest: nothing to bump',
      'asset = "x"',
      '',
      '[[metadata.githubassets]]',
      "tag = 'v2.0.1'",
      '  # tag before repo',
      'repo = "acme/tag-first"',
      'asset = "y"',
      '',
      '[metadata.githubassets.arch.arm64]',
      'sha256 = "00"',
      '',
      '[[metadata.githubassets]]',
      'repo = "acme/range"',
      'tag = "~1.4"',
      'asset = "z"',
      '',
      '[tool.other]',
      'repo = "not/an-entry"',
      'tag = "v9.9.9"',
      '',
      '[[ metadata.githubassets ]]  # spaced header',
      'repo = "acme/last"',
      'asset = "w"',
      'tag = "1.2.3"',
    ].join('\r\n');
    expect(extract(text)).toEqual([
      ['acme/tag-first', 'v2.0.1'],
      ['acme/last', '1.2.3'],
    ]);
    expect(extract(text.replaceAll('\r\n', '\n'))).toEqual(extract(text));
  });

  it('documents the limit: a bumped tag is re-pinned by `github-assets pin` after the upgrade', () => {
    const tasks = preset.packageRules.flatMap((r) => (r.postUpgradeTasks ? [r.postUpgradeTasks] : []));
    expect(tasks).toHaveLength(1);
    expect(tasks[0]!.commands).toEqual([`npx --yes ${pkg.name}@${pkg.version} pin {{{packageFile}}}`]);
    expect(tasks[0]!.fileFilters).toEqual(['**/project.toml']);
    expect(read('README.md')).toContain('postUpgradeTasks');
  });
});

// ---------------------------------------------------------------------------------------------
// GitHub Actions workflows

interface Step {
  name?: string;
  id?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  with?: Record<string, string | number | boolean>;
}
interface Job {
  'runs-on': string;
  needs?: string | string[];
  permissions?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const CRON_FIELD = /^(\*|\d+(-\d+)?(,\d+(-\d+)?)*)(\/\d+)?$/;

describe('samples/github-actions/update-assets.yml', () => {
  const workflow = parseYaml(read('samples/github-actions/update-assets.yml')) as Workflow;
  const steps = Object.values(workflow.jobs).flatMap((j) => j.steps);
  const updateIndex = steps.findIndex((s) => /\bgithub-assets-buildpack@\S+ update\b/.test(s.run ?? ''));
  const prIndex = steps.findIndex((s) => /^peter-evans\/create-pull-request@v\d+$/.test(s.uses ?? ''));

  it('runs on a schedule (a valid five-field cron) and by hand', () => {
    const schedule = workflow.on.schedule as { cron: string }[];
    expect(schedule.length).toBeGreaterThan(0);
    for (const { cron } of schedule) {
      const fields = cron.split(/\s+/);
      expect(fields).toHaveLength(5);
      for (const field of fields) expect(field).toMatch(CRON_FIELD);
    }
    expect(workflow.on).toHaveProperty('workflow_dispatch');
  });

  it('may write the branch and open the pull request, and nothing more', () => {
    expect(workflow.permissions).toEqual({ contents: 'write', 'pull-requests': 'write' });
  });

  it('checks out, sets up the Node.js the CLI needs, runs update from npm at this version, then opens the PR', () => {
    expect(steps[0]!.uses).toMatch(/^actions\/checkout@v\d+$/);
    const node = steps.find((s) => /^actions\/setup-node@v\d+$/.test(s.uses ?? ''));
    expect(Number(node?.with?.['node-version'])).toBeGreaterThanOrEqual(Number(/\d+/.exec(pkg.engines.node)![0]));
    expect(updateIndex).toBeGreaterThan(0);
    const update = steps[updateIndex]!;
    expect(update.run).toContain(`npx --yes ${pkg.name}@${pkg.version} update project.toml --json`);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, written literally in the workflow
    expect(update.env?.GITHUB_TOKEN).toBe('${{ github.token }}');
    expect(prIndex).toBeGreaterThan(updateIndex);
    const pr = steps[prIndex]!.with!;
    expect(pr['add-paths']).toBe('project.toml');
    expect(pr.branch).toBeTruthy();
    expect(String(pr['body-path'])).toContain('pr-body.md');
    expect(update.run).toContain('pr-body.md');
  });

  it('never puts a secret into a script', () => {
    for (const s of steps) expect(s.run ?? '').not.toMatch(/secrets\.|github\.token/);
  });
});

describe('samples/github-actions/release.yml', () => {
  const workflow = parseYaml(read('samples/github-actions/release.yml')) as Workflow;
  const jobs = Object.entries(workflow.jobs);
  const jobWith = (pattern: RegExp) => jobs.find(([, j]) => j.steps.some((s) => pattern.test(s.run ?? '')));

  it('runs on version tags, with read-only defaults', () => {
    expect((workflow.on.push as { tags: string[] }).tags).toEqual(['v*']);
    expect(workflow.permissions).toEqual({ contents: 'read' });
  });

  it('publishes only after the tests (which check the npm file list and the .cnb layout) pass', () => {
    const [testName, test] = jobWith(/\.ci\/run/)!;
    expect(test.steps.some((s) => /check-version\.mjs/.test(s.run ?? ''))).toBe(true);
    for (const [name, job] of jobs) if (name !== testName) expect([job.needs].flat()).toContain(testName);
  });

  it('publishes the CLI to npm with provenance', () => {
    const [, npm] = jobWith(/npm publish/)!;
    expect(npm.permissions?.['id-token']).toBe('write');
    const publish = npm.steps.find((s) => /npm publish/.test(s.run ?? ''))!;
    expect(publish.run).toMatch(/npm publish --provenance\b/);
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, written literally in the workflow
    expect(publish.env?.NODE_AUTH_TOKEN).toBe('${{ secrets.NPM_TOKEN }}');
    const node = npm.steps.find((s) => /^actions\/setup-node@v\d+$/.test(s.uses ?? ''))!;
    expect(node.with?.['registry-url']).toBe('https://registry.npmjs.org');
  });

  it('packages the buildpack to .cnb with pack, attests the files and the image, and attaches them to the release', () => {
    const [, bp] = jobWith(/pack buildpack package/)!;
    expect(bp.permissions).toMatchObject({ 'id-token': 'write', attestations: 'write', contents: 'write' });
    expect(bp.steps.some((s) => /^buildpacks\/github-actions\/setup-pack@v\d+\.\d+\.\d+$/.test(s.uses ?? ''))).toBe(true);
    const runs = bp.steps.map((s) => s.run ?? '').join('\n');
    expect(runs).toContain('npm run package');
    expect(runs).toMatch(/pack buildpack package \S+\.cnb" --config package\.toml --format file/);
    expect(runs).toMatch(/gh release upload .*\.cnb/);
    const attestations = bp.steps.filter((s) => /^actions\/attest-build-provenance@v\d+$/.test(s.uses ?? ''));
    expect(attestations.map((s) => s.with?.['subject-path'] ?? s.with?.['subject-name'])).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, written literally in the workflow
      '${{ runner.temp }}/cnb/*.cnb',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, written literally in the workflow
      '${{ env.IMAGE }}',
    ]);
    const packIndex = bp.steps.findIndex((s) => /--format file/.test(s.run ?? ''));
    expect(bp.steps.indexOf(attestations[0]!)).toBeGreaterThan(packIndex);
  });
});

// ---------------------------------------------------------------------------------------------
// kpack and Tekton

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  secrets?: { name: string }[];
}

function manifests(path: string): K8sObject[] {
  return parseAllDocuments(read(path)).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as K8sObject;
  });
}

/** Spec fields of kpack's v1alpha2 types (pkg/apis/build/v1alpha2): anything else is rejected by the webhook. */
const KPACK_SPEC_KEYS: Record<string, string[]> = {
  ClusterStore: ['sources', 'serviceAccountRef'],
  ClusterStack: ['id', 'buildImage', 'runImage', 'serviceAccountRef'],
  ClusterBuilder: ['tag', 'stack', 'store', 'order', 'serviceAccountRef', 'lifecycle'],
  Image: [
    'tag',
    'additionalTags',
    'builder',
    'serviceAccountName',
    'source',
    'cache',
    'failedBuildHistoryLimit',
    'successBuildHistoryLimit',
    'imageTaggingStrategy',
    'projectDescriptorPath',
    'build',
    'notary',
    'cosign',
    'defaultProcess',
  ],
};

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

const TOKEN_LIKE = /gh[pousr]_[A-Za-z0-9]{20,}|github_pat_/;

describe('samples/kpack', () => {
  const all = ['cluster-store.yaml', 'cluster-stack.yaml', 'cluster-builder.yaml', 'image.yaml'].flatMap((f) =>
    manifests(`samples/kpack/${f}`),
  );
  const one = (kind: string) => {
    const found = all.filter((o) => o.kind === kind);
    expect(found, kind).toHaveLength(1);
    return found[0]!;
  };

  it('uses kpack.io/v1alpha2 for the kpack kinds, with only the fields kpack defines', () => {
    expect(all.map((o) => o.kind).sort()).toEqual([
      'ClusterBuilder',
      'ClusterStack',
      'ClusterStore',
      'ConfigMap',
      'Image',
      'ServiceAccount',
    ]);
    for (const o of all) {
      expect(o.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
      if (o.kind in KPACK_SPEC_KEYS) {
        expect(o.apiVersion).toBe('kpack.io/v1alpha2');
        expect(
          Object.keys(o.spec ?? {}).filter((k) => !KPACK_SPEC_KEYS[o.kind]!.includes(k)),
          o.kind,
        ).toEqual([]);
      } else {
        expect(o.apiVersion).toBe('v1');
      }
    }
    for (const kind of ['ClusterStore', 'ClusterStack', 'ClusterBuilder']) expect(one(kind).metadata.namespace).toBeUndefined();
  });

  it('stores this buildpack at the version buildpack.toml declares', () => {
    const sources = (one('ClusterStore').spec!.sources as { image: string }[]).map((s) => s.image);
    expect(sources).toContain(`ghcr.io/${BUILDPACK_ID}:${buildpackVersion}`);
  });

  it('builds with this buildpack optional after a language buildpack, from the store and stack defined here', () => {
    const builder = one('ClusterBuilder').spec as {
      stack: { name: string; kind: string };
      store: { name: string; kind: string };
      order: { group: { id: string; version?: string; optional?: boolean }[] }[];
      serviceAccountRef: { name: string; namespace: string };
    };
    expect(builder.stack).toEqual({ name: one('ClusterStack').metadata.name, kind: 'ClusterStack' });
    expect(builder.store).toEqual({ name: one('ClusterStore').metadata.name, kind: 'ClusterStore' });
    expect(builder.serviceAccountRef.name && builder.serviceAccountRef.namespace).toBeTruthy();
    expect(builder.order.length).toBeGreaterThan(0);
    for (const { group } of builder.order) {
      const ours = group.findIndex((e) => e.id === BUILDPACK_ID);
      expect(ours).toBeGreaterThan(0);
      expect(group[ours]).toEqual({ id: BUILDPACK_ID, version: buildpackVersion, optional: true });
      expect(group.slice(0, ours).some((e) => e.id.startsWith('paketo-buildpacks/') && e.optional !== true)).toBe(true);
    }
  });

  it('gives the Image the token from a Secret as a build env var, never as a value', () => {
    const image = one('Image');
    const spec = image.spec as { builder: { name: string; kind: string }; serviceAccountName: string; build: { env: EnvVar[] } };
    expect(spec.builder).toEqual({ name: one('ClusterBuilder').metadata.name, kind: 'ClusterBuilder' });
    const sa = one('ServiceAccount');
    expect(spec.serviceAccountName).toBe(sa.metadata.name);
    expect(sa.metadata.namespace).toBe(image.metadata.namespace);
    const token = spec.build.env.find((e) => e.name === 'GITHUB_TOKEN')!;
    expect(token.value).toBeUndefined();
    expect(token.valueFrom?.secretKeyRef).toEqual({ name: expect.stringMatching(/\S/), key: 'token' });
    expect(read('samples/kpack/image.yaml')).not.toMatch(TOKEN_LIKE);
  });

  it('points GITHUB_ASSETS_MIRROR at a URL template from a ConfigMap, and turns on strict mode', () => {
    const env = (one('Image').spec as { build: { env: EnvVar[] } }).build.env;
    const mirror = env.find((e) => e.name === 'GITHUB_ASSETS_MIRROR')!.valueFrom!.configMapKeyRef!;
    const map = one('ConfigMap');
    expect(map.metadata.name).toBe(mirror.name);
    expect(map.data![mirror.key]).toMatch(/^https:\/\/\S+\{owner\}\S*\{repo\}\S*\{tag\}\S*\{asset\}$/);
    expect(strictModeFromEnv(env.find((e) => e.name === 'GITHUB_ASSETS_STRICT')?.value)).toBe(true);
  });
});

/** The catalog's buildpacks task 0.7 (tektoncd/catalog task/buildpacks/0.7/buildpacks.yaml). */
const BUILDPACKS_TASK = {
  params: [
    'APP_IMAGE',
    'BUILDER_IMAGE',
    'SOURCE_SUBPATH',
    'ENV_VARS',
    'PROCESS_TYPE',
    'RUN_IMAGE',
    'CACHE_IMAGE',
    'SKIP_RESTORE',
    'USER_ID',
    'GROUP_ID',
    'PLATFORM_DIR',
  ],
  required: ['APP_IMAGE', 'BUILDER_IMAGE'],
  workspaces: ['source', 'cache', 'dockerconfig'],
};

describe('samples/tekton/pipelinerun.yaml', () => {
  const docs = manifests('samples/tekton/pipelinerun.yaml');
  const run = docs.find((d) => d.kind === 'PipelineRun')!;
  interface PipelineTask {
    name: string;
    taskRef: { name: string };
    params?: { name: string; value: unknown }[];
    workspaces?: { name: string; workspace: string }[];
    runAfter?: string[];
  }
  const spec = run.spec as {
    pipelineSpec: { workspaces: { name: string }[]; tasks: PipelineTask[] };
    taskRunSpecs: {
      pipelineTaskName: string;
      podTemplate: {
        volumes: {
          name: string;
          projected?: {
            sources: {
              secret?: { name: string; items: { key: string; path: string }[] };
              configMap?: { name: string; items: { key: string; path: string }[] };
            }[];
          };
        }[];
      };
    }[];
    workspaces: { name: string }[];
  };
  const build = spec.pipelineSpec.tasks.find((t) => t.taskRef.name === 'buildpacks')!;
  const param = (name: string) => build.params?.find((p) => p.name === name)?.value;

  it('is a tekton.dev/v1 PipelineRun: git-clone, then the catalog buildpacks task', () => {
    expect(run.apiVersion).toBe('tekton.dev/v1');
    const clone = spec.pipelineSpec.tasks.find((t) => t.taskRef.name === 'git-clone')!;
    expect(build.runAfter).toEqual([clone.name]);
    expect(clone.workspaces?.map((w) => w.name)).toEqual(['output']);
  });

  it("passes only the task's own params and workspaces, all bound", () => {
    const names = build.params!.map((p) => p.name);
    expect(names.filter((n) => !BUILDPACKS_TASK.params.includes(n))).toEqual([]);
    for (const required of BUILDPACKS_TASK.required) expect(names).toContain(required);
    expect(build.workspaces!.map((w) => w.name).filter((n) => !BUILDPACKS_TASK.workspaces.includes(n))).toEqual([]);
    const declared = spec.pipelineSpec.workspaces.map((w) => w.name).sort();
    expect(spec.workspaces.map((w) => w.name).sort()).toEqual(declared);
  });

  it('projects the token Secret to /platform/env/GITHUB_TOKEN through PLATFORM_DIR, not through ENV_VARS', () => {
    expect(param('ENV_VARS')).toBeUndefined();
    const runSpec = spec.taskRunSpecs.find((t) => t.pipelineTaskName === build.name)!;
    const volume = runSpec.podTemplate.volumes.find((v) => v.name === param('PLATFORM_DIR'))!;
    const items = volume.projected!.sources.flatMap((s) =>
      (s.secret ?? s.configMap)!.items.map((i) => [s.secret ? 'secret' : 'configMap', i.path] as const),
    );
    expect(items).toContainEqual(['secret', 'env/GITHUB_TOKEN']);
    expect(items).toContainEqual(['configMap', 'env/GITHUB_ASSETS_MIRROR']);
    const settings = docs.find((d) => d.kind === 'ConfigMap')!;
    expect(settings.data!.mirror).toMatch(/\{owner\}.*\{repo\}.*\{tag\}.*\{asset\}/);
    expect(strictModeFromEnv(settings.data!.strict)).toBe(true);
    expect(read('samples/tekton/pipelinerun.yaml')).not.toMatch(TOKEN_LIKE);
  });
});
