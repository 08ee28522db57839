// A process-wide list of secret values (tokens) that must never be printed. Every token is
// registered here when it is read; the logger and the error printer scrub output through it.
// This is a safety net: code should not put tokens into messages in the first place.

const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** Drops credentials and signed query strings from a URL before it is logged or stored. */
export function safeUrl(raw: string): string {
  try {
    const url = new URL(raw);
    url.username = '';
    url.password = '';
    const hadQuery = url.search !== '';
    url.search = '';
    return url.toString() + (hadQuery ? '?…' : '');
  } catch {
    return '<invalid url>';
  }
}
