// Tokens committed as [[build.env]] values: registered for redaction, and blanked in the app
// dir's copy of the descriptor so they do not ship in the image. Touches only that file.

import { writeFile } from 'node:fs/promises';
import type { BuildContext } from '../../cnb/context.js';
import type { LoadedDescriptor } from '../../descriptor/read.js';
import { blankValues, secretBuildEnvValues } from '../../descriptor/scrub.js';
import type { Logger } from '../../log.js';
import { registerSecret } from '../../util/secrets.js';

export async function scrubCommittedTokens(ctx: BuildContext, descriptor: LoadedDescriptor, log: Logger): Promise<void> {
  const names = new Set(['GITHUB_TOKEN', ...descriptor.specs.flatMap((s) => (s.tokenEnv ? [s.tokenEnv] : []))]);
  const values = secretBuildEnvValues(descriptor.document, names);
  if (values.length === 0) return;
  for (const v of values) registerSecret(v);
  if (!descriptor.path.startsWith(`${ctx.appDir}/`)) return;
  try {
    await writeFile(descriptor.path, blankValues(descriptor.text, values));
    log.warn(
      'a token is written in project.toml ([[build.env]]); it was blanked in the image copy of the file. ' +
        'Keep tokens out of project.toml: pass them with pack build --env NAME instead.',
    );
  } catch {
    log.warn(
      'a token is written in project.toml ([[build.env]]) and could not be blanked; it will be in the image. ' +
        'Pass tokens with pack build --env NAME instead.',
    );
  }
}
