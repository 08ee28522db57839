// Pure: a unified diff of two texts, line by line, as `diff -u` prints it, for `pin --dry-run`.
// Sized for project.toml files (common prefix and suffix are trimmed, the rest is an LCS table);
// it is not a general-purpose diff for large inputs.

export interface DiffOptions {
  fromFile: string;
  toFile: string;
  /** Unchanged lines shown around each change. */
  context?: number;
}

type Op = { kind: ' ' | '-' | '+'; text: string; oldLine: number; newLine: number };

/** `''` when the texts are equal. Line endings are not compared (a CR is dropped before diffing). */
export function unifiedDiff(oldText: string, newText: string, options: DiffOptions): string {
  const a = toLines(oldText);
  const b = toLines(newText);
  const ops = editScript(a, b);
  if (ops.every((op) => op.kind === ' ')) return '';
  const context = options.context ?? 3;
  const out = [`--- ${options.fromFile}`, `+++ ${options.toFile}`];
  for (const hunk of hunks(ops, context)) {
    const first = hunk[0]!;
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    const oldStart = oldCount === 0 ? first.oldLine - 1 : first.oldLine;
    const newStart = newCount === 0 ? first.newLine - 1 : first.newLine;
    out.push(`@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`);
    for (const op of hunk) out.push(op.kind + op.text);
  }
  return `${out.join('\n')}\n`;
}

function range(start: number, count: number): string {
  return count === 1 ? String(start) : `${start},${count}`;
}

function toLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Every line of both texts in order, marked kept, removed or added; line numbers are 1-based. */
function editScript(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);

  // lcs[i][j]: length of the longest common subsequence of midA[i..] and midB[j..].
  const lcs = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
  for (let i = midA.length - 1; i >= 0; i--) {
    for (let j = midB.length - 1; j >= 0; j--) {
      lcs[i]![j] = midA[i] === midB[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }

  const ops: Op[] = [];
  let oldLine = 1;
  let newLine = 1;
  const push = (kind: Op['kind'], text: string) => {
    ops.push({ kind, text, oldLine, newLine });
    if (kind !== '+') oldLine++;
    if (kind !== '-') newLine++;
  };
  for (let k = 0; k < prefix; k++) push(' ', a[k]!);
  let i = 0;
  let j = 0;
  while (i < midA.length || j < midB.length) {
    if (i < midA.length && j < midB.length && midA[i] === midB[j]) {
      push(' ', midA[i]!);
      i++;
      j++;
    } else if (j === midB.length || (i < midA.length && lcs[i + 1]![j]! >= lcs[i]![j + 1]!)) {
      // On a tie, removals come before additions, as in diff -u.
      push('-', midA[i]!);
      i++;
    } else {
      push('+', midB[j]!);
      j++;
    }
  }
  for (let k = a.length - suffix; k < a.length; k++) push(' ', a[k]!);
  return ops;
}

/** Groups changes with up to `context` kept lines around them; changes closer than 2×context share a hunk. */
function hunks(ops: Op[], context: number): Op[][] {
  const changed = ops.map((op, i) => (op.kind === ' ' ? -1 : i)).filter((i) => i >= 0);
  const groups: Op[][] = [];
  let start = -1;
  let end = -1;
  for (const i of changed) {
    if (start === -1) {
      start = Math.max(0, i - context);
      end = Math.min(ops.length - 1, i + context);
    } else if (i - context <= end + 1) {
      end = Math.min(ops.length - 1, i + context);
    } else {
      groups.push(ops.slice(start, end + 1));
      start = Math.max(0, i - context);
      end = Math.min(ops.length - 1, i + context);
    }
  }
  if (start !== -1) groups.push(ops.slice(start, end + 1));
  return groups;
}
