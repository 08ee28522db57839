// Pure: rewrites the `tag`, `sha256` and `asset` lines of `[[metadata.githubassets]]` entries in
// project.toml text (and appends arch tables), so comments, blank lines, key order, quoting and line
// endings stay. It does not validate the result: the caller re-parses it and compares.

import { canonicalArch } from '../platform.js';

export interface EntryEdit {
  /** 1-based position of the entry, as in `githubassets[N]`. */
  index: number;
  /** New `tag` value; undefined leaves the tag alone. */
  tag?: string;
  /** New top-level `sha256`; `null` removes the line; undefined leaves it alone. */
  sha256?: string | null;
  /** `sha256` to write into `[….arch.<arch>]` tables (canonical arch names), created when missing. */
  arch?: Record<string, string>;
  /** New `update` value (`github-assets update` keeps a range here when it pins the tag); undefined leaves it alone. */
  update?: string;
  /** New top-level `asset` (a pinned automatic pick); `matching` lines of the entry and its arch tables go, as they no longer apply. */
  asset?: string;
  /** Remove the entry's own `matching` line (set with `asset`). */
  removeMatching?: boolean;
  /** `asset` to write into `[….arch.<arch>]` tables, created when missing; their `matching` lines go. */
  archAsset?: Record<string, string>;
  /** New `signer_workflow` value (pin --signer); undefined leaves it alone. */
  signerWorkflow?: string;
}

/** The text cannot be edited line by line (e.g. entries written as inline tables). */
export class TomlEditError extends Error {
  override readonly name = 'TomlEditError';
}

interface Line {
  content: string;
  /** The line's own ending ('\n', '\r\n' or '' for a last line without one). */
  eol: string;
}

interface Section {
  /** Index of the header line. */
  header: number;
  /** First line after the section (the next header, or the end of the file). */
  end: number;
}

interface EntryBlock extends Section {
  /** `metadata.githubassets` or `_.metadata.githubassets`, as the header spells it (whitespace removed). */
  table: string;
  arches: Map<string, Section>;
}

const ENTRY_HEADER = /^\s*\[\[\s*((?:_\s*\.\s*)?metadata\s*\.\s*githubassets)\s*\]\]\s*(?:#.*)?$/;
const ARCH_HEADER =
  /^\s*\[\s*((?:_\s*\.\s*)?metadata\s*\.\s*githubassets)\s*\.\s*arch\s*\.\s*(?:"([^"]+)"|'([^']+)'|([A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$/;
const ANY_HEADER = /^\s*\[/;

export function applyEdits(text: string, edits: EntryEdit[]): string {
  const lines = splitLines(text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const blocks = findEntryBlocks(lines);
  // Work as if the file ended with a newline; put back its absence at the end.
  const last = lines[lines.length - 1]!;
  const noFinalNewline = last.eol === '' && last.content !== '';
  if (noFinalNewline) last.eol = eol;
  // Edit from the last entry up, so earlier line numbers stay valid.
  for (const edit of [...edits].sort((a, b) => b.index - a.index)) {
    const block = blocks[edit.index - 1];
    if (!block) throw new TomlEditError(`entry ${edit.index} is not written as a [[metadata.githubassets]] table header`);
    editEntry(lines, block, edit, eol);
  }
  if (noFinalNewline) lines[lines.length - 1]!.eol = '';
  return lines.map((l) => l.content + l.eol).join('');
}

function splitLines(text: string): Line[] {
  const parts = text.split(/(?<=\n)/);
  return parts.map((part) => {
    const eol = part.endsWith('\r\n') ? '\r\n' : part.endsWith('\n') ? '\n' : '';
    return { content: part.slice(0, part.length - eol.length), eol };
  });
}

/** Entry headers and their arch tables, in file order; lines inside multi-line strings are skipped. */
function findEntryBlocks(lines: Line[]): EntryBlock[] {
  const blocks: EntryBlock[] = [];
  let current: EntryBlock | undefined;
  let currentArch: Section | undefined;
  let inMultiline: string | undefined;
  const close = (at: number) => {
    if (currentArch) currentArch.end = at;
    else if (current && current.end === -1) current.end = at;
    currentArch = undefined;
  };
  lines.forEach((line, i) => {
    const content = line.content;
    if (inMultiline) {
      if (countDelimiters(content, inMultiline) % 2 === 1) inMultiline = undefined;
      return;
    }
    for (const delimiter of ['"""', "'''"]) {
      if (countDelimiters(content, delimiter) % 2 === 1) inMultiline = delimiter;
    }
    const entry = ENTRY_HEADER.exec(content);
    if (entry) {
      close(i);
      current = { header: i, end: -1, table: entry[1]!.replace(/\s+/g, ''), arches: new Map() };
      blocks.push(current);
      return;
    }
    const arch = ARCH_HEADER.exec(content);
    if (arch && current && arch[1]!.replace(/\s+/g, '') === current.table) {
      close(i);
      const name = arch[2] ?? arch[3] ?? arch[4]!;
      currentArch = { header: i, end: -1 };
      current.arches.set(canonicalArch(name) ?? name, currentArch);
      return;
    }
    if (ANY_HEADER.test(content) && !/^\s*\[[^\]]*$/.test(content)) {
      close(i);
      current = undefined;
    }
  });
  close(lines.length);
  return blocks;
}

function countDelimiters(content: string, delimiter: string): number {
  return content.split(delimiter).length - 1;
}

function editEntry(lines: Line[], block: EntryBlock, edit: EntryEdit, eol: string): void {
  // Work from the bottom of the entry up, so the line numbers found above stay valid:
  // new arch tables at the end, then existing arch tables, then the entry's own lines.
  const archNames = [...new Set([...Object.keys(edit.arch ?? {}), ...Object.keys(edit.archAsset ?? {})])].sort((a, b) =>
    a.localeCompare(b),
  );
  const missing = archNames.filter((arch) => !block.arches.has(arch));
  if (missing.length > 0) {
    if (archDefinedInline(lines, block))
      throw new TomlEditError(`the entry's arch overrides are written inline; add sha256 and asset to them by hand`);
    const appended = missing.flatMap((arch) => [
      { content: '', eol },
      { content: `[${block.table}.arch.${arch}]`, eol },
      ...(edit.archAsset?.[arch] !== undefined ? [{ content: `asset = ${quoteValue(edit.archAsset[arch]!, '"')}`, eol }] : []),
      ...(edit.arch?.[arch] !== undefined ? [{ content: `sha256 = "${edit.arch[arch]}"`, eol }] : []),
    ]);
    const wholeEnd = Math.max(block.end, ...[...block.arches.values()].map((s) => s.end));
    lines.splice(lastContentLine(lines, block.header, wholeEnd) + 1, 0, ...appended);
  }
  // Existing arch tables, bottom first; a new top-level asset also retires every arch table's matching.
  const existing = [...block.arches.entries()].sort(([, a], [, b]) => b.header - a.header);
  for (const [arch, section] of existing) {
    const sha = edit.arch?.[arch];
    const asset = edit.archAsset?.[arch];
    if (sha !== undefined) setKey(lines, section, { key: 'sha256', value: sha, anchors: ['asset'] }, eol);
    if (asset !== undefined) setKey(lines, section, { key: 'asset', value: asset, anchors: [] }, eol);
    if (asset !== undefined || edit.asset !== undefined) removeKey(lines, section, 'matching');
  }

  const main: Section = { header: block.header, end: block.end };
  if (edit.removeMatching || edit.asset !== undefined) removeKey(lines, main, 'matching');
  if (edit.asset !== undefined) setKey(lines, main, { key: 'asset', value: edit.asset, anchors: ['repo'] }, eol);
  if (edit.sha256 === null) removeKey(lines, main, 'sha256');
  else if (edit.sha256 !== undefined) setKey(lines, main, { key: 'sha256', value: edit.sha256, anchors: ['repo', 'asset', 'tag'] }, eol);
  if (edit.tag !== undefined) setKey(lines, main, { key: 'tag', value: edit.tag, anchors: ['repo', 'asset'] }, eol);
  // setKey and removeKey keep main.end in step with the lines they add or remove.
  if (edit.update !== undefined) setKey(lines, main, { key: 'update', value: edit.update, anchors: ['tag'] }, eol);
  if (edit.signerWorkflow !== undefined)
    setKey(
      lines,
      main,
      { key: 'signer_workflow', value: edit.signerWorkflow, anchors: ['repo', 'asset', 'tag', 'sha256', 'signer_repo'] },
      eol,
    );
}

function archDefinedInline(lines: Line[], block: EntryBlock): boolean {
  for (let i = block.header + 1; i < block.end; i++) if (/^\s*arch\s*[.=]/.test(lines[i]!.content)) return true;
  return false;
}

/** Index of the last line in [from, to) that is neither blank nor only a comment. */
function lastContentLine(lines: Line[], from: number, to: number): number {
  for (let i = to - 1; i > from; i--) {
    const content = lines[i]!.content.trim();
    if (content !== '' && !content.startsWith('#')) return i;
  }
  return from;
}

function keyPattern(key: string): RegExp {
  return new RegExp(`^(\\s*(?:${key}|"${key}"|'${key}')\\s*=\\s*)(.*)$`);
}

function findKey(lines: Line[], section: Section, key: string): { at: number; prefix: string; rest: string } | undefined {
  const pattern = keyPattern(key);
  for (let i = section.header + 1; i < section.end; i++) {
    const m = pattern.exec(lines[i]!.content);
    if (m) return { at: i, prefix: m[1]!, rest: m[2]! };
  }
  return undefined;
}

/** Replaces `key = "…"` in the section, keeping its quoting and trailing comment, or inserts it after the last anchor key. */
function setKey(
  lines: Line[],
  section: Section,
  { key, value, anchors }: { key: string; value: string; anchors: string[] },
  eol: string,
): void {
  const found = findKey(lines, section, key);
  if (found) {
    const { quote, suffix } = splitStringValue(found.rest, key);
    const line = lines[found.at]!;
    line.content = found.prefix + quoteValue(value, quote) + suffix;
    return;
  }
  let anchor = section.header;
  let indent = '';
  for (const name of anchors) {
    const hit = findKey(lines, section, name);
    if (hit && hit.at > anchor) {
      anchor = hit.at;
      indent = /^\s*/.exec(hit.prefix)![0];
    }
  }
  if (anchor === section.header) {
    const firstKey = lines.slice(section.header + 1, section.end).find((l) => /^\s*[A-Za-z0-9_"'-]+\s*[=.]/.test(l.content));
    indent = firstKey ? /^\s*/.exec(firstKey.content)![0] : '';
  }
  lines.splice(anchor + 1, 0, { content: `${indent}${key} = ${quoteValue(value, '"')}`, eol: lines[anchor]!.eol || eol });
  section.end++;
}

function removeKey(lines: Line[], section: Section, key: string): void {
  const found = findKey(lines, section, key);
  if (!found) return;
  // Only a one-line value can go with its line; a multi-line one would leave its tail behind.
  splitStringValue(found.rest, key);
  lines.splice(found.at, 1);
  section.end--;
}

/** The quote character of a one-line string value and what follows it (spaces, a comment). */
function splitStringValue(rest: string, key: string): { quote: '"' | "'"; suffix: string } {
  const quote = rest[0];
  if ((quote !== '"' && quote !== "'") || rest.startsWith('"""') || rest.startsWith("'''")) {
    throw new TomlEditError(`${key} is not written as a one-line string`);
  }
  for (let i = 1; i < rest.length; i++) {
    if (quote === '"' && rest[i] === '\\') {
      i++;
      continue;
    }
    if (rest[i] === quote) return { quote, suffix: rest.slice(i + 1) };
  }
  throw new TomlEditError(`${key}'s string value is not closed on its line`);
}

function quoteValue(value: string, quote: '"' | "'"): string {
  if (quote === "'" && !/['\n\r]/.test(value)) return `'${value}'`;
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}
