// A process-wide list of secret values (tokens) that must never be printed. Every token is
// registered here when it is read; the logger and the error printer scrub output through it,
// which also strips user info and query strings from any URL in the text (messages that undici
// or Node.js build quote URLs as given). A safety net: code should not print secrets at all.

const secrets = new Set<string>();

export function registerSecret(value: string | undefined): void {
  if (value && value.length >= 4) secrets.add(value);
}

/** `scheme://user:pass@` in free text. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@"'<>]*@/gi;
/** A URL's query string in free text (signatures, tokens): kept as "?…". */
const URL_QUERY = /\b((?:https?|wss?|socks5?):\/\/[^\s?#"'<>]*)\?[^\s#"'<>]*/gi;

export function redact(text: string): string {
  let out = text.replace(URL_USERINFO, '$1').replace(URL_QUERY, '$1?…');
  for (const secret of secrets) {
    if (out.includes(secret)) out = out.split(secret).join('***');
  }
  return out;
}

/** The URL without user info, query (signatures, tokens) or fragment; undefined when it is not a URL. */
export function strippedUrl(raw: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return undefined;
  }
  url.username = '';
  url.password = '';
  url.search = '';
  url.hash = '';
  return url;
}

/** Drops credentials and signed query strings from a URL before it is logged; "?…" marks a dropped query. */
export function safeUrl(raw: string): string {
  const url = strippedUrl(raw);
  if (!url) return '<invalid url>';
  return url.toString() + (new URL(raw).search !== '' ? '?…' : '');
}
