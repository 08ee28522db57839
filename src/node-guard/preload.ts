// The bin shims' runtime guard, preloaded before any bundle is read (node -r lib/node-guard.cjs
// lib/boot.cjs build): an older Node.js would die on the bundles' syntax with a screen of minified
// code, so it is refused here in one line. Runs inside the one node the shim starts anyway (no
// extra `node --version`); owns nothing else and must stay parseable by Node >= 12.

import { refusal } from './refusal.ts';

/** The Node.js version the bundles are built for (runtime.json), set by scripts/compile.ts. */
declare const BUILT_FOR: string;

const message = refusal(process.versions.node, process.execPath, BUILT_FOR, process.argv[1]);
if (message !== undefined) {
  process.stderr.write(`${message}\n`);
  process.exit(1);
}
