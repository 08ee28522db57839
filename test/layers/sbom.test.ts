import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { createHash } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import type { EntryRecord } from '../../src/layers/reuse.js';
import { CYCLONEDX_SPEC_VERSION, githubPurl, layerSbom, sbomFileName, serialiseSbom, type SbomInput } from '../../src/layers/sbom.js';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const BUILDPACK = {
  id: 'github-assets/buildpack',
  version: '0.1.0',
  name: 'GitHub Assets',
  homepage: 'https://github.com/github-assets/buildpack',
};

const PROVENANCE = {
  signer_workflow: 'https://github.com/acme/tool/.github/workflows/release.yml@refs/tags/v1.4.7',
  source_repo: 'https://github.com/acme/tool',
  source_commit: '9f2c41a0d3b1e2f4a5b6c7d8e9f0a1b2c3d4e5f6',
  source_ref: 'refs/tags/v1.4.7',
  issuer: 'https://token.actions.githubusercontent.com',
  tlog_index: '123456789',
  predicate_type: 'https://slsa.dev/provenance/v1',
  sha256: 'a'.repeat(64),
  trusted_root: 'Sigstore public-good',
};

function record(over: Partial<EntryRecord> = {}): EntryRecord {
  return {
    repo: 'grpc-ecosystem/grpc-health-probe',
    asset: 'grpc_health_probe-linux-amd64',
    tag: 'v0.4.39',
    asset_id: 250_000_001,
    sha256: sha('probe'),
    size: 12_345_678,
    destination: 'bin/grpc_health_probe',
    strip_components: 0,
    picked: [],
    tag_spec: 'v0.4.39',
    asset_spec: 'grpc_health_probe-linux-amd64',
    prerelease: false,
    etag: '',
    url: 'https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.39/grpc_health_probe-linux-amd64',
    files: ['bin/grpc_health_probe'],
    executables: ['bin/grpc_health_probe'],
    ...over,
  };
}

const archive = record({
  repo: 'grpc-ecosystem/grpc-health-probe',
  asset: 'extras_0.4.39_linux_amd64.tar.gz',
  asset_id: 250_000_002,
  sha256: sha('extras'),
  size: 4096,
  destination: 'share/extras',
  strip_components: 1,
  url: 'https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.39/extras_0.4.39_linux_amd64.tar.gz',
  files: ['share/extras/LICENSE', 'share/extras/bin/helper', 'share/extras/bin/helper-link'],
  executables: ['share/extras/bin/helper'],
});

function input(over: Partial<SbomInput> = {}): SbomInput {
  return { layer: 'grpc-ecosystem_grpc-health-probe', records: [record(), archive], buildpack: BUILDPACK, ...over };
}

async function schemaErrors(document: unknown): Promise<unknown> {
  const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
  return validator.validate(JSON.stringify(document));
}

describe('layerSbom: validity', () => {
  it('targets CycloneDX 1.6', () => {
    expect(CYCLONEDX_SPEC_VERSION).toBe(Spec.Version.v1dot6);
    expect(sbomFileName('acme_tool')).toBe('acme_tool.sbom.cdx.json');
  });

  it('produces a document the CycloneDX 1.6 strict JSON schema accepts', async () => {
    expect(await schemaErrors(layerSbom(input()))).toBeNull();
    expect(await schemaErrors(layerSbom(input({ timestamp: '2026-11-23T09:30:00Z' })))).toBeNull();
    expect(await schemaErrors(layerSbom(input({ records: [] })))).toBeNull();
    expect(await schemaErrors(layerSbom(input({ records: [record({ provenance: PROVENANCE })] })))).toBeNull();
  });

  it('carries the verified provenance as properties and a vcs reference to the source repository', () => {
    const [component] = layerSbom(input({ records: [record({ provenance: PROVENANCE })] })).components;
    const props = Object.fromEntries(component!.properties!.map((p) => [p.name, p.value]));
    expect(props).toMatchObject({
      'github-assets:provenance:signer-workflow': PROVENANCE.signer_workflow,
      'github-assets:provenance:source-repo': 'https://github.com/acme/tool',
      'github-assets:provenance:source-commit': PROVENANCE.source_commit,
      'github-assets:provenance:tlog-index': '123456789',
      'github-assets:provenance:predicate-type': 'https://slsa.dev/provenance/v1',
    });
    expect(component!.externalReferences).toContainEqual({ type: 'vcs', url: 'https://github.com/acme/tool' });
    // Without provenance, nothing about it is claimed.
    const [plain] = layerSbom(input({ records: [record()] })).components;
    expect(plain!.properties!.some((p) => p.name.includes(':provenance:'))).toBe(false);
  });

  it('the validator does reject a broken document (so the test above can fail)', async () => {
    const bom = layerSbom(input()) as unknown as { components: Array<{ hashes: Array<{ alg: string }> }> };
    bom.components[0]!.hashes[0]!.alg = 'SHA256';
    expect(await schemaErrors(bom)).not.toBeNull();
    const dated = layerSbom(input({ timestamp: 'yesterday' }));
    expect(await schemaErrors(dated)).toMatchObject([{ instancePath: '/metadata/timestamp', keyword: 'format' }]);
  });

  it('writes two-space JSON with a final newline that parses back to the same document', () => {
    const bom = layerSbom(input());
    const text = serialiseSbom(bom);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.split('\n')[1]).toBe('  "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",');
    expect(JSON.parse(text)).toEqual(bom);
  });
});

describe('layerSbom: content', () => {
  const bom = layerSbom(input({ timestamp: '2026-11-23T09:30:00Z' }));

  it('has the BOM header fields and this buildpack as the tool', () => {
    expect(bom.bomFormat).toBe('CycloneDX');
    expect(bom.specVersion).toBe('1.6');
    expect(bom.version).toBe(1);
    expect(bom.serialNumber).toMatch(/^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(bom.metadata.timestamp).toBe('2026-11-23T09:30:00Z');
    expect(bom.metadata.tools.components).toEqual([
      {
        type: 'application',
        'bom-ref': 'tool:github-assets/buildpack@0.1.0',
        name: 'github-assets/buildpack',
        version: '0.1.0',
        description: 'GitHub Assets',
        externalReferences: [{ type: 'website', url: 'https://github.com/github-assets/buildpack' }],
      },
    ]);
    expect(bom.metadata.component).toMatchObject({
      type: 'file',
      'bom-ref': 'layer:grpc-ecosystem_grpc-health-probe',
      name: 'grpc-ecosystem_grpc-health-probe',
    });
  });

  it('describes each installed asset: name, version, purl, SHA-256, download URL, files', () => {
    expect(bom.components).toHaveLength(2);
    expect(bom.components[0]).toEqual({
      type: 'application',
      'bom-ref': 'asset:grpc-ecosystem/grpc-health-probe@v0.4.39:grpc_health_probe-linux-amd64',
      group: 'grpc-ecosystem',
      name: 'grpc-health-probe',
      version: 'v0.4.39',
      description: 'grpc_health_probe-linux-amd64 from the v0.4.39 release of grpc-ecosystem/grpc-health-probe on GitHub',
      hashes: [{ alg: 'SHA-256', content: sha('probe') }],
      purl: 'pkg:github/grpc-ecosystem/grpc-health-probe@v0.4.39',
      externalReferences: [
        {
          type: 'distribution',
          url: 'https://github.com/grpc-ecosystem/grpc-health-probe/releases/download/v0.4.39/grpc_health_probe-linux-amd64',
        },
      ],
      properties: [
        { name: 'github-assets:asset', value: 'grpc_health_probe-linux-amd64' },
        { name: 'github-assets:asset-id', value: '250000001' },
        { name: 'github-assets:size', value: '12345678' },
        { name: 'github-assets:destination', value: 'bin/grpc_health_probe' },
        { name: 'github-assets:file', value: 'bin/grpc_health_probe' },
        { name: 'github-assets:executable', value: 'bin/grpc_health_probe' },
      ],
    });
    const files = bom.components[1]!.properties!.filter((p) => p.name === 'github-assets:file').map((p) => p.value);
    expect(files).toEqual(['share/extras/LICENSE', 'share/extras/bin/helper', 'share/extras/bin/helper-link']);
  });

  it('links the layer to every asset in dependencies', () => {
    expect(bom.dependencies).toEqual([
      { ref: 'layer:grpc-ecosystem_grpc-health-probe', dependsOn: bom.components.map((c) => c['bom-ref']) },
      { ref: bom.components[0]!['bom-ref'], dependsOn: [] },
      { ref: bom.components[1]!['bom-ref'], dependsOn: [] },
    ]);
  });

  it('keeps bom-refs unique when one asset is installed twice', () => {
    const twice = layerSbom(input({ records: [record(), record({ destination: 'other/probe', files: ['other/probe'] })] }));
    const refs = twice.components.map((c) => c['bom-ref']);
    expect(new Set(refs).size).toBe(2);
    expect(refs[1]).toBe(`${refs[0]}-2`);
  });

  it('omits the destination property when the asset went to the layer root, and a hash that is not SHA-256', () => {
    const doc = layerSbom(input({ records: [record({ destination: '', sha256: 'not-a-hash' })] }));
    expect(doc.components[0]!.properties!.some((p) => p.name === 'github-assets:destination')).toBe(false);
    expect(doc.components[0]!.hashes).toBeUndefined();
  });
});

describe('layerSbom: reproducibility', () => {
  it('identical content gives identical bytes; any change gives another serial number', () => {
    const first = serialiseSbom(layerSbom(input()));
    expect(serialiseSbom(layerSbom(input()))).toBe(first);
    expect(first).not.toContain('timestamp');
    const changed = layerSbom(input({ records: [record({ sha256: sha('other build') }), archive] }));
    expect(changed.serialNumber).not.toBe(layerSbom(input()).serialNumber);
    expect(layerSbom(input({ buildpack: { ...BUILDPACK, version: '0.2.0' } })).serialNumber).not.toBe(layerSbom(input()).serialNumber);
  });
});

describe('layerSbom: no secrets', () => {
  it('a serialised SBOM of a normal record set mentions no token or authorization', () => {
    const text = serialiseSbom(layerSbom(input({ timestamp: '2026-11-23T09:30:00Z' }))).toLowerCase();
    expect(text).not.toContain('token');
    expect(text).not.toContain('authorization');
    expect(text).not.toContain('bearer');
  });

  it('strips credentials, query strings and fragments from URLs, and drops non-http URLs', () => {
    const doc = layerSbom(
      input({
        records: [
          record({
            url: 'https://x-access-token:ghs_abcdefSECRET@github.example.com/o/r/releases/download/v1/a?X-Amz-Signature=SIG&token=T#frag',
          }),
          record({ asset: 'b', url: 'file:///etc/passwd' }),
          record({ asset: 'c', url: 'not a url' }),
        ],
      }),
    );
    const text = serialiseSbom(doc);
    for (const secret of ['ghs_abcdefSECRET', 'x-access-token', 'X-Amz-Signature', 'SIG', 'token=T', '#frag', '/etc/passwd'])
      expect(text).not.toContain(secret);
    expect(doc.components[0]!.externalReferences).toEqual([
      { type: 'distribution', url: 'https://github.example.com/o/r/releases/download/v1/a' },
    ]);
    expect(doc.components[1]!.externalReferences).toBeUndefined();
    expect(doc.components[2]!.externalReferences).toBeUndefined();
  });
});

describe('githubPurl', () => {
  it('matches the purl reference implementation and round-trips', () => {
    const cases: Array<[string, string, string]> = [
      ['grpc-ecosystem', 'grpc-health-probe', 'v0.4.39'],
      ['Acme-Org', 'My.Tool', 'v1.0.0+build.1'],
      ['acme', 'tool', 'release/1.2'],
      ['acme', 'tool', 'v1 beta'],
      ['acme', 'tool_x', 'nightly@2026-11-23#1?x=%'],
      ['acme', 'tool', 'ü:1'],
    ];
    for (const [owner, repo, tag] of cases) {
      const ours = githubPurl(owner, repo, tag);
      expect(ours).toBe(new PackageURL('github', owner, repo, tag, undefined, undefined).toString());
      const parsed = PackageURL.fromString(ours);
      expect([parsed.type, parsed.namespace, parsed.name, parsed.version]).toEqual([
        'github',
        owner.toLowerCase(),
        repo.toLowerCase(),
        tag,
      ]);
    }
    expect(githubPurl('acme', 'tool', 'release/1.2')).toBe('pkg:github/acme/tool@release%2F1.2');
  });
});
