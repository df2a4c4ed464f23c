/**
 * Maps a position in the script a cell ran as (what V8's stack traces name) back to the cell the user wrote:
 * through the rewrite's edits (rewrite.ts), then through TypeScript's source map from its emit. A position
 * inside the kernel's wrapper maps to nothing, so its frame is left out of tracebacks.
 */

export interface CellPositionData {
  script: string;
  js: string;
  /** TypeScript's source map (version 3 JSON), "" if none. */
  map: string;
  passes: [number, number, number][][];
}

interface Segment {
  genCol: number;
  line: number;
  col: number;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Source map "mappings" as, per generated line, its segments (0-based columns and lines). */
export function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let line = 0;
  let col = 0;
  for (const text of mappings.split(";")) {
    const segs: Segment[] = [];
    let genCol = 0;
    for (const part of text.split(",")) {
      if (!part) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of part) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      genCol += values[0]!;
      // [column, source index, line, column]: one source (the cell) per map, so the index is not needed.
      if (values.length >= 4) {
        line += values[2]!;
        col += values[3]!;
        segs.push({ genCol, line, col });
      }
    }
    lines.push(segs);
  }
  return lines;
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Maps an output offset of one pass back to its input; null when it falls in the kernel's own text. */
function throughPass(offset: number, edits: [number, number, number][], wrapper: boolean): number | null {
  let delta = 0;
  for (const [start, end, length] of edits) {
    const outStart = start + delta;
    if (offset < outStart) return offset - delta;
    if (offset < outStart + length) return wrapper ? null : start;
    delta += length - (end - start);
  }
  return offset - delta;
}

export class CellPositions {
  private decoded: Segment[][] | undefined;
  private scriptLines: number[] | undefined;
  private jsLines: number[] | undefined;

  constructor(private readonly data: CellPositionData) {}

  /**
   * The cell's 1-based line and column for a 1-based position in the script, or null for the kernel's wrapper.
   * @example positions.toCell(3, 9) // { line: 3, column: 7 }
   */
  toCell(line: number, column: number): { line: number; column: number } | null {
    this.scriptLines ??= lineStarts(this.data.script);
    let offset: number | null = (this.scriptLines[line - 1] ?? this.data.script.length) + column - 1;
    const passes = this.data.passes;
    for (let i = passes.length - 1; i >= 0 && offset !== null; i--) offset = throughPass(offset, passes[i]!, i === passes.length - 1);
    if (offset === null || offset > this.data.js.length) return null;
    this.jsLines ??= lineStarts(this.data.js);
    let jsLine = 0;
    while (jsLine + 1 < this.jsLines.length && this.jsLines[jsLine + 1]! <= offset) jsLine++;
    const jsCol = offset - this.jsLines[jsLine]!;
    if (!this.data.map) return { line: jsLine + 1, column: jsCol + 1 };
    this.decoded ??= decodeMappings((JSON.parse(this.data.map) as { mappings: string }).mappings);
    // The last segment at or before the column; a position past a segment's start keeps its distance from it.
    const segs = this.decoded[jsLine] ?? [];
    let best: Segment | undefined;
    for (const s of segs) if (s.genCol <= jsCol) best = s;
    if (!best) best = segs[0];
    if (!best) return null;
    return { line: best.line + 1, column: best.col + Math.max(0, jsCol - best.genCol) + 1 };
  }
}
