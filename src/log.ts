// The build log: a header, a block per entry, warnings and opt-in debug lines.
// Every line passes through redact() so a token can never reach the log, and through
// printable() so a name from outside can never break a line or colour the terminal.
// Colours only on a TTY and never with NO_COLOR.

import { printable, printableLines } from './util/printable.js';
import { redact } from './util/secrets.js';
import type { BuildpackError } from './errors.js';

export interface Logger {
  /** Top-level header, e.g. the buildpack name and version. */
  title(text: string): void;
  /** A block heading, e.g. one per entry. */
  section(text: string): void;
  /** An indented line under the current section. */
  detail(text: string): void;
  info(text: string): void;
  warn(text: string): void;
  debug(text: string): void;
  readonly debugEnabled: boolean;
}

export interface LoggerOptions {
  write?: (text: string) => void;
  debug?: boolean;
  color?: boolean;
}

const codes = { bold: '\x1b[1m', dim: '\x1b[2m', yellow: '\x1b[33m', red: '\x1b[31m', blue: '\x1b[34m', reset: '\x1b[0m' };

/** Colours only on a terminal, and never when NO_COLOR is set (settings.ts OutputSettings.noColor). */
export function colorEnabled(noColor: boolean, isTTY: boolean | undefined): boolean {
  return Boolean(isTTY) && !noColor;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
  const color = options.color ?? false;
  // Each call is one line: whatever the caller passed (file names, tags, asset names from
  // archives and API answers) is made printable before the logger adds its own colour codes.
  const safe = (text: string) => printable(redact(text));
  const paint = (style: keyof typeof codes, text: string) => (color ? `${codes[style]}${text}${codes.reset}` : text);
  const line = (text: string) => write(`${text}\n`);
  return {
    debugEnabled: options.debug ?? false,
    title: (text) => line(paint('bold', safe(text))),
    section: (text) => line(`  ${paint('blue', safe(text))}`),
    detail: (text) => line(`    ${safe(text)}`),
    info: (text) => line(`  ${safe(text)}`),
    warn: (text) => line(`  ${paint('yellow', `WARNING: ${safe(text)}`)}`),
    debug(text) {
      if (this.debugEnabled) line(`    ${paint('dim', `[debug] ${safe(text)}`)}`);
    },
  };
}

/** The one place a user-facing error is rendered: entry, message and hint each stay on their line. */
export function formatError(err: BuildpackError, color = false): string {
  const safe = (text: string) => printable(redact(text));
  const red = (t: string) => (color ? `${codes.red}${t}${codes.reset}` : t);
  const where = err.entry ? `${safe(err.entry)}: ` : '';
  const lines = [red(`ERROR [${err.code}] ${where}${safe(err.message)}`)];
  if (err.hint) lines.push(`  hint: ${safe(err.hint)}`);
  return lines.join('\n');
}

/** A stack trace for debug output: its lines kept, anything unsafe inside them escaped. */
function formatStack(text: string): string {
  return printableLines(redact(text));
}

/**
 * An error's stack for debug output. Its first line repeats the message, which may hold
 * names from outside (a file name with a newline): that part is escaped as one line, so it
 * cannot add lines that look like the buildpack's own; the frames keep their line breaks.
 */
export function debugStack(err: unknown): string {
  if (!(err instanceof Error) || !err.stack) return formatStack(printable(String(err)));
  // The header is "<name at construction>: <message>"; the name may differ from err.name now.
  const at = err.message === '' ? -1 : err.stack.indexOf(err.message);
  const stack =
    at >= 0 && at <= 100 ? err.stack.slice(0, at) + printable(err.message) + err.stack.slice(at + err.message.length) : err.stack;
  return formatStack(stack);
}

/** A logger that records lines, for tests and for callers that print later. */
export function memoryLogger(debug = false): Logger & { lines: string[] } {
  const lines: string[] = [];
  const logger = createLogger({ write: (t) => lines.push(t.replace(/\n$/, '')), debug });
  return Object.assign(logger, { lines });
}
