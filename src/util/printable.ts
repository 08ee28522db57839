// Pure: which characters are unsafe in text that came from outside (names, tags, paths, env
// values), and how to show such text on one log line: control, invisible and line-breaking
// characters become visible escapes. No I/O, no knowledge of where the text came from.

/**
 * Control characters (C0, DEL, C1: newline, ESC, …), invisible format characters (bidi
 * overrides and isolates, zero-width characters, BOM), line and paragraph separators, and
 * lone surrogates. Any of them can forge log lines, colour a terminal or hide what a name is.
 */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
const UNSAFE_ALL = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;
/** Printable ASCII only (the download's error-body reader keeps only such text). */
const PLAIN_ASCII = /^[\x20-\x7e]*$/;

/** Whether `text` is printable ASCII only (space to tilde): nothing in it is unsafe or even unusual. */
export function isPlainAscii(text: string): boolean {
  return PLAIN_ASCII.test(text);
}

/**
 * Text made only of these characters is decided safe before UNSAFE is tried: V8 builds UNSAFE's
 * class from ICU's Unicode tables on its first use (~4.5 M instructions, callgrind of bin/detect).
 * Printable ASCII (names, tags and paths almost always are) and the blocks of symbols our own
 * messages use (…, →, ×, –, “”, box drawing): Latin-1's letters and signs without the soft hyphen
 * (U+00AD, a format character), general punctuation without the zero-width and bidi characters and
 * the separators (U+200B-U+200F, U+2028-U+202F, U+205F-), arrows, mathematical operators and box
 * drawing. None of it is in UNSAFE (test/util/printable.test.ts checks every code point against the
 * runtime's Unicode tables); the build's "Verified … matches" line used to pay for UNSAFE.
 */
export const SAFE_TEXT_RANGES: ReadonlyArray<readonly [number, number]> = [
  [0x20, 0x7e],
  [0xa0, 0xac],
  [0xae, 0xff],
  [0x2010, 0x2027],
  [0x2030, 0x205e],
  [0x2190, 0x21ff],
  [0x2200, 0x22ff],
  [0x2500, 0x257f],
];
const hex4 = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const SAFE_TEXT = new RegExp(`^[${SAFE_TEXT_RANGES.map(([from, to]) => `${hex4(from)}-${hex4(to)}`).join('')}]*$`);

/** Whether `text` certainly has no unsafe character, decided without UNSAFE (false: look closer). */
function isSafeText(text: string): boolean {
  return SAFE_TEXT.test(text);
}

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\x1b', '\u0000': '\\0' };

/** The escape shown for one unsafe character: `\n`, `\x1b`, `\u202e`. */
function escapeCharacter(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.codePointAt(0) ?? 0;
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The first unsafe character of `text`, escaped (for messages), or undefined when there is none. */
export function unsafeCharacter(text: string): string | undefined {
  if (isSafeText(text)) return undefined;
  const match = UNSAFE.exec(text);
  return match ? escapeCharacter(match[0]) : undefined;
}

/** `text` with every unsafe character replaced by its escape, so it stays one inert line. */
export function printable(text: string): string {
  return !isSafeText(text) && UNSAFE.test(text) ? text.replace(UNSAFE_ALL, escapeCharacter) : text;
}

/** Like printable(), keeping line breaks: for multi-line text we produce ourselves (stack traces). */
export function printableLines(text: string): string {
  return text.split('\n').map(printable).join('\n');
}
