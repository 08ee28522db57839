import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/cli/diff.js';

const opts = { fromFile: 'a/project.toml', toFile: 'b/project.toml' };

describe('unifiedDiff', () => {
  it('is empty for equal texts, and ignores CRLF versus LF', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', opts)).toBe('');
    expect(unifiedDiff('a\r\nb\r\n', 'a\nb\n', opts)).toBe('');
  });

  it('prints a replaced line with three lines of context', () => {
    const before = `${['1', '2', '3', '4', 'tag = "latest"', '6', '7', '8', '9'].join('\n')}\n`;
    const after = before.replace('tag = "latest"', 'tag = "v1"');
    expect(unifiedDiff(before, after, opts)).toBe(
      [
        '--- a/project.toml',
        '+++ b/project.toml',
        '@@ -2,7 +2,7 @@',
        ' 2',
        ' 3',
        ' 4',
        '-tag = "latest"',
        '+tag = "v1"',
        ' 6',
        ' 7',
        ' 8',
        '',
      ].join('\n'),
    );
  });

  it('numbers pure insertions and splits distant changes into hunks', () => {
    const lines = Array.from({ length: 20 }, (_, i) => `line ${i + 1}`);
    const after = [...lines.slice(0, 2), 'new A', ...lines.slice(2, 17), 'new B', ...lines.slice(17)];
    const diff = unifiedDiff(`${lines.join('\n')}\n`, `${after.join('\n')}\n`, opts);
    expect(diff.match(/^@@.*@@$/gm)).toEqual(['@@ -1,5 +1,6 @@', '@@ -15,6 +16,7 @@']);
    expect(diff).toContain('\n line 2\n+new A\n line 3\n');
  });

  it('agrees with diff -u on a multi-change edit', () => {
    const before =
      '# c\n[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ntag = "latest"\nsha256 = "old"\n\n[[metadata.githubassets]]\nrepo = "c/d"\nasset = "y"\n';
    const after =
      '# c\n[[metadata.githubassets]]\nrepo = "a/b"\nasset = "x"\ntag = "v1"\n\n[[metadata.githubassets]]\nrepo = "c/d"\nasset = "y"\ntag = "v2"\nsha256 = "new"\n';
    const dir = mkdtempSync(join(tmpdir(), 'gha-diff-'));
    try {
      writeFileSync(join(dir, 'a'), before);
      writeFileSync(join(dir, 'b'), after);
      let expected = '';
      try {
        execFileSync('diff', ['-u', '--label', 'a/project.toml', '--label', 'b/project.toml', join(dir, 'a'), join(dir, 'b')], {
          encoding: 'utf8',
        });
      } catch (err) {
        expected = (err as { stdout: string }).stdout;
      }
      expect(expected).not.toBe('');
      expect(unifiedDiff(before, after, opts)).toBe(expected);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
