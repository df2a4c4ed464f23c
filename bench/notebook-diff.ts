/**
 * The figures a notebook prints, and the largest difference between two runs of it (bench/gpu-notebooks.ts runs
 * each notebook on WebGPU and on wasm). A cell's figures are the numbers in what a reader sees printed: stdout
 * and the text/plain of results and displays. The text around them, numbers replaced by `#`, is the cell's
 * skeleton: two runs whose skeletons differ printed something else, not merely other values.
 *
 * Left out, because they differ between any two runs or name the backend itself: cells tagged
 * `nbval-ignore-output` (measured timings, nbval's tag), lines naming the tfjs backend, and the character counts
 * of figure summaries (`<figure> (10162 characters)`).
 */
import type { Notebook, Output } from "../kernel/notebook.js";

/** A number as printed: sign, digits with optional thousands separators, fraction, exponent; not part of a word. */
const NUMBER = /(?<![\w.])-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:[eE][-+]?\d+)?|(?<![\w.])-?\.\d+(?:[eE][-+]?\d+)?/g;
/** Lines that name the backend (they differ by design) and figure summaries' lengths. */
const BACKEND_LINE = /^.*tfjs backend:.*$/gm;
const CHARACTER_COUNT = /\(\d+ characters\)/g;
export const IGNORE_TAG = "nbval-ignore-output";

/**
 * The numbers printed in `text`, in order. Thousands separators are read as such; a number glued to a word
 * (`p95`, `v1.5.5`, `cell3`) is part of that word and not a figure; a trailing unit (`12ms`, `40%`) is not part of it.
 * @example extractNumbers("accuracy 0.912 (1,024 rows), loss -3.5e-2, p95 12ms") // [0.912, 1024, -0.035, 12]
 */
export function extractNumbers(text: string): number[] {
  return [...text.matchAll(NUMBER)].map((m) => Number(m[0].replace(/,/g, "")));
}

/** `text` with every number replaced by `#`: what two runs must print alike. @example skeleton("loss 0.25 at 3") // "loss # at #" */
export function skeleton(text: string): string {
  return text.replace(NUMBER, "#");
}

/**
 * What a reader sees printed by a cell: stdout streams and the text/plain of results and displays, in order (as
 * test/notebooks/notebooks.test.ts reads it).
 * @example printedText([{ output_type: "stream", name: "stdout", text: "ok 1\n" }]) // "ok 1\n"
 */
export function printedText(outputs: Output[]): string {
  return outputs
    .map((o) => {
      if (o.output_type === "stream" && o["name"] === "stdout") return String(o["text"]);
      if (o.output_type === "display_data" || o.output_type === "execute_result") {
        const plain = (o["data"] as Record<string, unknown> | undefined)?.["text/plain"];
        return `${Array.isArray(plain) ? plain.join("") : String(plain ?? "")}\n`;
      }
      return "";
    })
    .join("");
}

/** One code cell's comparable text. */
export interface CellFigures {
  /** 1-based position among all cells, as `mlsd run` names cells. */
  cell: number;
  id?: string;
  text: string;
}

/** The comparable text of each code cell that is not tagged nbval-ignore-output, backend lines and figure sizes removed. */
export function notebookFigures(nb: Notebook): CellFigures[] {
  const cells: CellFigures[] = [];
  nb.cells.forEach((c, i) => {
    if (c.cell_type !== "code" || c.metadata?.tags?.includes(IGNORE_TAG)) return;
    const text = comparableText(printedText(c.outputs ?? []));
    cells.push({ cell: i + 1, ...(c.id ? { id: c.id } : {}), text });
  });
  return cells;
}

/** Printed text without what differs by design between backends (the backend line, figure summaries' lengths). */
export function comparableText(text: string): string {
  return text.replace(BACKEND_LINE, "").replace(CHARACTER_COUNT, "(characters)");
}

/** One pair of numbers at the same place in two runs. */
export interface Difference {
  cell: number;
  id?: string;
  a: number;
  b: number;
  /** |a - b| */
  abs: number;
  /** |a - b| / max(|a|, |b|); 0 when a equals b. At most 2 (opposite signs). */
  rel: number;
}

export interface Comparison {
  /** Numbers compared pairwise (cells whose skeletons agree). */
  compared: number;
  /** The pair with the largest relative difference (ties: the first), if any number was compared. */
  largestRel?: Difference;
  /** The pair with the largest absolute difference. */
  largestAbs?: Difference;
  /** Cells that printed different text (skeletons differ), or exist in one run only. */
  textDiffers: { cell: number; id?: string; a: string; b: string }[];
}

const better = (d: Difference, old: Difference | undefined, key: "abs" | "rel") => old === undefined || d[key] > old[key] || (Number.isNaN(d[key]) && !Number.isNaN(old[key]));

/**
 * Compares two runs cell by cell (matched by position among compared cells, with their ids checked): numbers at
 * the same place in cells whose skeletons agree are paired; other cells are listed in `textDiffers`.
 * @example
 *   const c = compareFigures([{ cell: 2, text: "auc 0.91" }], [{ cell: 2, text: "auc 0.90" }]);
 *   c.largestRel // { cell: 2, a: 0.91, b: 0.9, abs: 0.01..., rel: 0.0109... }
 */
export function compareFigures(a: CellFigures[], b: CellFigures[]): Comparison {
  const out: Comparison = { compared: 0, textDiffers: [] };
  const byCell = new Map(b.map((c) => [c.cell, c]));
  for (const ca of a) {
    const cb = byCell.get(ca.cell);
    byCell.delete(ca.cell);
    const where = { cell: ca.cell, ...(ca.id ? { id: ca.id } : {}) };
    if (!cb || cb.id !== ca.id || skeleton(ca.text) !== skeleton(cb.text)) {
      out.textDiffers.push({ ...where, a: ca.text, b: cb?.text ?? "(no such cell)" });
      continue;
    }
    const na = extractNumbers(ca.text);
    const nb = extractNumbers(cb.text);
    for (let i = 0; i < na.length; i++) {
      const x = na[i]!;
      const y = nb[i]!;
      const abs = Math.abs(x - y);
      const rel = x === y ? 0 : abs / Math.max(Math.abs(x), Math.abs(y));
      const d: Difference = { ...where, a: x, b: y, abs, rel };
      out.compared++;
      if (better(d, out.largestRel, "rel")) out.largestRel = d;
      if (better(d, out.largestAbs, "abs")) out.largestAbs = d;
    }
  }
  for (const cb of byCell.values()) out.textDiffers.push({ cell: cb.cell, ...(cb.id ? { id: cb.id } : {}), a: "(no such cell)", b: cb.text });
  return out;
}

/**
 * The comparison in one table cell: the largest relative difference with its values and cell, or "identical",
 * and how many cells printed other text.
 * @example describeComparison(compareFigures(x, x)) // "identical (57 numbers)"
 */
export function describeComparison(c: Comparison): string {
  const d = c.largestRel;
  const figures = !d || d.rel === 0 ? `identical (${c.compared} numbers)` : `rel ${d.rel.toExponential(1)} (abs ${d.abs.toPrecision(2)}: ${d.a} vs ${d.b}, cell ${d.cell}) of ${c.compared} numbers`;
  return c.textDiffers.length === 0 ? figures : `${figures}; text differs in cell${c.textDiffers.length > 1 ? "s" : ""} ${c.textDiffers.map((t) => t.cell).join(", ")}`;
}
