// A tiny shell buildpack for proving the lifecycle harness: detect passes when the app has
// fixture.txt; build writes a launch+cache layer `tool` and a launch-only layer `meta` that
// it reuses by metadata when the lifecycle restored it. Knows nothing of the real buildpack.

import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostOciArch } from './oci-layout.js';

export const FIXTURE_ID = 'test/fixture';
const FIXTURE_VERSION = '1.0.0';

const DETECT = `#!/bin/sh
[ -f fixture.txt ] || exit 100
printf '[[provides]]\\nname = "fixture"\\n\\n[[requires]]\\nname = "fixture"\\n' > "$CNB_BUILD_PLAN_PATH"
`;

const BUILD = `#!/bin/sh
set -eu
tool="$CNB_LAYERS_DIR/tool"
meta="$CNB_LAYERS_DIR/meta"
echo "restored tool.toml: $(if [ -f "$tool.toml" ]; then tr '\\n' ' ' < "$tool.toml"; else echo none; fi)"
echo "restored tool/count: $(cat "$tool/count" 2>/dev/null || echo none)"
echo "restored meta.toml: $(if [ -f "$meta.toml" ]; then tr '\\n' ' ' < "$meta.toml"; else echo none; fi)"
count=$(( $(cat "$tool/count" 2>/dev/null || echo 0) + 1 ))
mkdir -p "$tool/bin"
echo "$count" > "$tool/count"
printf '#!/bin/sh\\necho fixture tool\\n' > "$tool/bin/tool"
chmod 755 "$tool/bin/tool"
printf '[types]\\nlaunch = true\\ncache = true\\n\\n[metadata]\\nbuild = %s\\nfoo = "%s"\\n' "$count" "\${FOO:-}" > "$tool.toml"
if [ -f "$meta.toml" ]; then
  # Launch-only layer restored as metadata: keep it by rewriting the TOML, create no dir.
  printf '[types]\\nlaunch = true\\n\\n[metadata]\\nfirst = true\\n' > "$meta.toml"
else
  mkdir -p "$meta"
  echo "meta contents" > "$meta/data.txt"
  printf '[types]\\nlaunch = true\\n\\n[metadata]\\nfirst = true\\n' > "$meta.toml"
fi
echo "fixture build #$count arch=$CNB_TARGET_ARCH node=$(command -v node || echo none)"
`;

/** Writes the fixture buildpack into a new temp dir and returns that dir. */
export function writeFixtureBuildpack(arch: string = hostOciArch()): string {
  const dir = mkdtempSync(join(tmpdir(), 'gha-fixture-bp-'));
  mkdirSync(join(dir, 'bin'));
  writeFileSync(
    join(dir, 'buildpack.toml'),
    `api = "0.10"\n\n[buildpack]\nid = "${FIXTURE_ID}"\nversion = "${FIXTURE_VERSION}"\n\n[[targets]]\nos = "linux"\narch = "${arch}"\n`,
  );
  writeFileSync(join(dir, 'bin', 'detect'), DETECT);
  writeFileSync(join(dir, 'bin', 'build'), BUILD);
  chmodSync(join(dir, 'bin', 'detect'), 0o755);
  chmodSync(join(dir, 'bin', 'build'), 0o755);
  return dir;
}
