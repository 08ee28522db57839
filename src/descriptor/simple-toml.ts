// A fast path for the TOML that descriptors are almost always written in: [tables], [[arrays of
// tables]] with bare dotted names, `key = "string" | integer | boolean`, comments, blank lines.
// Anything else (escapes, arrays, inline tables, floats, dates, a key defined twice, …) gets
// `undefined`, and the caller hands the text to the full parser, which also owns every error. Pure.

/** Up to the end of a line: spaces or tabs, then an optional comment without control characters (as TOML). */
const REST = String.raw`[ \t]*(?:#[^\x00-\x08\x0a-\x1f\x7f]*)?$`;
const KEY = '[A-Za-z0-9_-]+';
const BLANK = new RegExp(`^${REST}`);
const HEADER = new RegExp(String.raw`^[ \t]*(\[\[?)(${KEY}(?:\.${KEY})*)(\]\]?)${REST}`);
/** A string without escapes or control characters, a whole number of at most 15 digits (never -0), true or false. */
const ASSIGNMENT = new RegExp(
  String.raw`^[ \t]*(${KEY})[ \t]*=[ \t]*(?:"([^"\\\x00-\x1f\x7f]*)"|(true|false)|(0|-?[1-9][0-9]{0,14}))${REST}`,
);

type Table = Record<string, unknown>;

/**
 * The document, equal to what the full parser (@iarna/toml) returns for it, or undefined when the
 * text uses anything beyond the subset above. Never throws: errors are the full parser's to report.
 * (@iarna/toml runs a character-level state machine: ~2.5 ms for 16 entries, most of detect's own work.)
 */
export function parseSimpleToml(text: string): Table | undefined {
  const root: Table = {};
  // Values are strings, numbers and booleans only, so every array here was made by a [[header]].
  let table = root;
  for (const raw of text.split('\n')) {
    const crlf = raw.endsWith('\r');
    // @iarna/toml refuses the CR of a CRLF that ends a comment (a control character in it).
    if (crlf && raw.includes('#')) return undefined;
    const line = crlf ? raw.slice(0, -1) : raw;
    if (BLANK.test(line)) continue;
    const header = HEADER.exec(line);
    if (header) {
      const [, open, path, close] = header as unknown as [string, string, string, string];
      if (open.length !== close.length) return undefined;
      const next = openTable(root, path.split('.'), open.length === 2);
      if (!next) return undefined;
      table = next;
      continue;
    }
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) return undefined;
    const [, key, string, boolean, integer] = assignment as unknown as [string, string, string?, string?, string?];
    if (key in Object.prototype || Object.hasOwn(table, key)) return undefined;
    table[key] = string ?? (boolean !== undefined ? boolean === 'true' : Number(integer));
  }
  return root;
}

/** The table a [path] or [[path]] header opens, created as TOML says; undefined where redefining needs the full parser's rules. */
function openTable(root: Table, path: string[], arrayOfTables: boolean): Table | undefined {
  let at = root;
  for (const [i, key] of path.entries()) {
    // @iarna/toml takes an inherited value for these (`[constructor]` is Object), and __proto__ is special.
    if (key in Object.prototype) return undefined;
    const last = i === path.length - 1;
    const existing = Object.hasOwn(at, key) ? at[key] : undefined;
    if (last) {
      if (!arrayOfTables) {
        if (existing !== undefined) return undefined;
        const table: Table = {};
        at[key] = table;
        return table;
      }
      if (existing !== undefined && !Array.isArray(existing)) return undefined;
      const table: Table = {};
      if (existing) (existing as Table[]).push(table);
      else at[key] = [table];
      return table;
    }
    if (existing === undefined) at = at[key] = {};
    else if (Array.isArray(existing)) at = existing[existing.length - 1] as Table;
    else if (typeof existing === 'object' && existing !== null) at = existing as Table;
    else return undefined;
  }
  return undefined;
}
