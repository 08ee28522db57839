// Tokens written into project.toml as [[build.env]] values (as the original buildpack's docs
// showed) would be copied into the image with the app dir. This finds such values so the
// build can blank them in the app dir's copy of the descriptor. Pure: text in, text out.

const ENV_TABLE_PATHS = [
  ['build', 'env'],
  ['io', 'buildpacks', 'build', 'env'],
  ['io', 'buildpacks', 'env', 'build'],
];

/** Values of build-env entries whose name is one of `tokenNames`. */
export function secretBuildEnvValues(document: Record<string, unknown>, tokenNames: Set<string>): string[] {
  const values: string[] = [];
  for (const path of ENV_TABLE_PATHS) {
    let cur: unknown = document;
    for (const key of path) cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    if (!Array.isArray(cur)) continue;
    for (const item of cur) {
      const { name, value } = (item ?? {}) as { name?: unknown; value?: unknown };
      if (typeof name === 'string' && tokenNames.has(name) && typeof value === 'string' && value.trim().length >= 4) values.push(value);
    }
  }
  return values;
}

/** The descriptor text with every occurrence of the given values blanked out. */
export function blankValues(text: string, values: string[]): string {
  let out = text;
  for (const value of values) out = out.split(value).join('');
  return out;
}
