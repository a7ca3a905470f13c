/**
 * Stack traces of a rank's uncaught error name the program's sources, as
 * the CLI's do (there, Node applies the compiled modules' source maps): a
 * browser's Error.stack names the compiled module's blob: URL and lines,
 * so the page maps each frame back with the source map esbuild-wasm made
 * (compile.ts). Source map v3, as far as esbuild writes it: one section,
 * `mappings` in base64 VLQ.
 */

/** One mapped position: generated column -> source index, line and column (all 0-based). */
type Segment = readonly [column: number, source: number, line: number, sourceColumn: number];

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const DIGIT = new Map([...BASE64].map((c, i) => [c, i]));

/** The VLQ numbers of one segment's text. */
function decodeVLQ(text: string): number[] {
  const out: number[] = [];
  let value = 0;
  let shift = 0;
  for (const c of text) {
    const d = DIGIT.get(c);
    if (d === undefined) return out;
    value += (d & 31) << shift;
    if (d & 32) {
      shift += 5;
    } else {
      out.push(value & 1 ? -(value >>> 1) : value >>> 1);
      value = 0;
      shift = 0;
    }
  }
  return out;
}

export class SourceMap {
  readonly #sources: string[];
  readonly #lines: Segment[][] = [];
  readonly #shifts: Readonly<Record<string, number>>;

  /**
   * `map`: the source map's JSON; `root`: the folder its relative source
   * names are in; `shifts`: by source, columns of its first line that are
   * not the source's (a line the compiler put before it, compile.ts).
   */
  constructor(map: string, root = '/', shifts: Readonly<Record<string, number>> = {}) {
    this.#shifts = shifts;
    const m = JSON.parse(map) as { sources: string[]; mappings: string };
    this.#sources = m.sources.map((s) => (s.startsWith('/') ? s : `${root}${s}`));
    let source = 0;
    let line = 0;
    let column = 0;
    for (const text of m.mappings.split(';')) {
      const segments: Segment[] = [];
      let generated = 0;
      for (const part of text.split(',')) {
        if (part === '') continue;
        const v = decodeVLQ(part);
        generated += v[0] ?? 0;
        if (v.length < 4) continue;
        source += v[1]!;
        line += v[2]!;
        column += v[3]!;
        segments.push([generated, source, line, column]);
      }
      this.#lines.push(segments);
    }
  }

  /** The source position of generated `line` and `column` (1-based, as in stacks), or null. */
  lookup(line: number, column: number): { source: string; line: number; column: number } | null {
    const segments = this.#lines[line - 1];
    if (!segments || segments.length === 0) return null;
    let found: Segment | undefined;
    for (const s of segments) {
      if (s[0] > column - 1) break;
      found = s;
    }
    found ??= segments[0]!;
    const source = this.#sources[found[1]] ?? '?';
    const shift = found[2] === 0 ? this.#shifts[source] ?? 0 : 0;
    return { source, line: found[2] + 1, column: Math.max(1, found[3] + 1 - shift) };
  }
}

/** `stack` with every frame in a module of `maps` (by URL) named by its source position. */
export function mapStack(stack: string, maps: ReadonlyMap<string, SourceMap>): string {
  if (maps.size === 0) return stack;
  return stack.replace(/(blob:[^\s()]+?):(\d+):(\d+)/g, (whole: string, url: string, line: string, column: string) => {
    const p = maps.get(url)?.lookup(Number(line), Number(column));
    return p ? `${p.source}:${p.line}:${p.column}` : whole;
  });
}
