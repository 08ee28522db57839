// Names from outside (asset names, tags, archive file names, repo names) cannot forge log
// lines or colour the terminal: the logger, the error printer and the phase runner escape
// control and invisible characters in everything they print. Property-based: whatever the
// text, one call is one line, with no control character but the logger's own colours.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runPhase } from '../../src/cnb/run.js';
import { BuildpackError } from '../../src/errors.js';
import { renderTable } from '../../src/cli/table.js';
import { createLogger, formatError, memoryLogger } from '../../src/log.js';
import { printable, SAFE_TEXT_RANGES, unsafeCharacter } from '../../src/util/printable.js';

const EVIL = 'tool\n    Installed /usr/bin/evil\u001b[31m RED\u001b[0m\r\u202egnp.exe\u2028x\u0000';

describe('printable', () => {
  it('escapes controls, bidi overrides, separators and zero-width characters, and nothing else', () => {
    expect(printable(EVIL)).toBe('tool\\n    Installed /usr/bin/evil\\x1b[31m RED\\x1b[0m\\r\\u202egnp.exe\\u2028x\\0');
    expect(printable('tool_1.4.7_linux_x86-64.tar.gz (é, 𝕏, 日本)')).toBe('tool_1.4.7_linux_x86-64.tar.gz (é, 𝕏, 日本)');
    expect(printable('a\u0085b\u009bc\u200bd\ufeffe\ud800')).toBe('a\\x85b\\x9bc\\u200bd\\ufeffe\\ud800');
    expect(unsafeCharacter('plain')).toBeUndefined();
    expect(unsafeCharacter('a\tb')).toBe('\\t');
  });

  it('finds exactly what the Unicode classes find, plain ASCII or not (property)', () => {
    // The ASCII fast path must never hide a character the full class would catch.
    const reference = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
    const ascii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((c) => String.fromCharCode(c)), maxLength: 40 });
    fc.assert(
      fc.property(fc.oneof(ascii, fc.string({ unit: 'binary', maxLength: 40 })), (text) => {
        expect(unsafeCharacter(text) === undefined).toBe(!reference.test(text));
        expect(printable(text) === text).toBe(!reference.test(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('takes the fast path only for characters the Unicode classes call safe (every code point of its ranges)', () => {
    const reference = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
    let checked = 0;
    for (const [from, to] of SAFE_TEXT_RANGES) {
      for (let code = from; code <= to; code++) {
        const ch = String.fromCodePoint(code);
        expect(reference.test(ch), `U+${code.toString(16)}`).toBe(false);
        expect(printable(`x${ch}y`)).toBe(`x${ch}y`);
        checked++;
      }
    }
    expect(checked).toBe(757);
    // Right beside the ranges: the soft hyphen, zero-width space, line separator, bidi override.
    expect(printable('a\u00adb\u200bc\u2028d\u202ee\u2060')).toBe('a\\xadb\\u200bc\\u2028d\\u202ee\\u2060');
  });

  it("finds the unsafe character in text that is otherwise made of the fast path's symbols (property)", () => {
    const reference = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/u;
    const safe = fc.constantFrom('a', ' ', '…', '→', '×', '–', '“', 'é', '─');
    const any = fc.oneof(safe, safe, safe, fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(fc.array(any, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        expect(unsafeCharacter(text) === undefined).toBe(!reference.test(text));
        expect(printable(text) === text).toBe(!reference.test(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('leaves no unsafe character in any text (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        expect(unsafeCharacter(printable(text))).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });
});

describe('the build log', () => {
  it('prints a name with a newline and escape sequences as one inert line', () => {
    const log = memoryLogger(true);
    log.detail(`Installed ${EVIL}`);
    log.warn(EVIL);
    log.debug(EVIL);
    expect(log.lines).toHaveLength(3);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the test looks for control characters in log lines
    for (const line of log.lines) expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(log.lines[0]).toBe('    Installed tool\\n    Installed /usr/bin/evil\\x1b[31m RED\\x1b[0m\\r\\u202egnp.exe\\u2028x\\0');
  });

  it('keeps its own colours, and only those (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        let out = '';
        const log = createLogger({ write: (t) => (out += t), color: true, debug: true });
        log.title(text);
        log.section(text);
        log.detail(text);
        log.info(text);
        log.warn(text);
        log.debug(text);
        const lines = out.split('\n');
        expect(lines).toHaveLength(7); // six lines and the final newline
        // biome-ignore lint/suspicious/noControlCharactersInRegex: strips the ESC sequences of our own colours
        const withoutOwnColours = out.replace(/\u001b\[(?:0|1|2|31|33|34)m/g, '');
        expect(
          withoutOwnColours
            .slice(0, -1)
            .split('\n')
            .every((line) => unsafeCharacter(line) === undefined),
        ).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('errors', () => {
  it('prints the message, entry and hint of an error escaped, on their own lines', () => {
    const err = new BuildpackError('GHA014', `release v1 has no asset named "${EVIL}"`, {
      entry: 'githubassets[1] (acme/t\u001bool)',
      hint: `use\n${EVIL}`,
    });
    const text = formatError(err);
    expect(text.split('\n')).toHaveLength(2);
    expect(text).toContain('ERROR [GHA014] githubassets[1] (acme/t\\x1bool): release v1 has no asset named "tool\\n    Installed');
    expect(unsafeCharacter(text.replace('\n', ' '))).toBeUndefined();
  });

  it('escapes unexpected errors and, with debug, the message inside the stack trace', async () => {
    let out = '';
    const code = await runPhase(
      async () => {
        throw new TypeError(`bad name ${EVIL}`);
      },
      { debug: true, color: false, writeErr: (t) => (out += t) },
    );
    expect(code).toBe(1);
    expect(out).toContain('ERROR [GHA099] unexpected failure: bad name tool\\n    Installed /usr/bin/evil\\x1b[31m');
    expect(out).toContain('TypeError: bad name tool\\n    Installed');
    // Every line of output is either ours (ERROR/hint), the stack header or a stack frame: no forged line.
    for (const line of out.trimEnd().split('\n')) {
      expect(unsafeCharacter(line)).toBeUndefined();
      expect(line).toMatch(/^(ERROR \[GHA099\]| {2}hint: |TypeError: bad name| {4}at )/);
    }
  });
});

describe('the CLI table', () => {
  it('keeps a row with a hostile asset name on one line', () => {
    const text = renderTable(
      ['REPO', 'ASSET'],
      [
        ['acme/tool', EVIL],
        ['acme/other', 'plain'],
      ],
    );
    expect(text.trimEnd().split('\n')).toHaveLength(3);
    expect(unsafeCharacter(text.replace(/\n/g, ''))).toBeUndefined();
  });
});
