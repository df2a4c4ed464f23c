/** Snorkel's LFAnalysis: how much each labeling function covers, overlaps and conflicts, and how accurate it is. */
import { InputError } from "../core/errors.js";
import { tableHtml, tableText } from "../display/table.js";
import { ABSTAIN, checkLabelMatrix } from "./labeling-functions.js";

export interface LFSummaryRow {
  name: string;
  /** Labels the function emitted. */
  polarity: number[];
  /** Share of records it labels. */
  coverage: number;
  /** Share of records it labels where another function also labels. */
  overlaps: number;
  /** Share of records it labels where another function votes a different label. */
  conflicts: number;
  correct?: number;
  incorrect?: number;
  /** correct / labeled, when gold labels are given. */
  empiricalAccuracy?: number;
}

/**
 * @example display(new LFAnalysis(L).summary(yDev))
 */
export class LFAnalysis {
  private readonly L;

  constructor(L: unknown) {
    this.L = checkLabelMatrix(L);
  }

  /** One row per function; with `gold` labels, its counts of correct and incorrect votes. Displays as a table (the array carries a Jupyter display method). */
  summary(gold?: ArrayLike<number>): LFSummaryRow[] {
    const { data, rows, cols, names } = this.L;
    if (gold && gold.length !== rows) throw new InputError(`gold has ${gold.length} labels for ${rows} records.`);
    const out = names.map((name, j) => {
      const polarity = new Set<number>();
      let covered = 0;
      let overlaps = 0;
      let conflicts = 0;
      let correct = 0;
      for (let i = 0; i < rows; i++) {
        const v = data[i * cols + j]!;
        if (v === ABSTAIN) continue;
        polarity.add(v);
        covered++;
        let other = false;
        let differ = false;
        for (let k = 0; k < cols; k++) {
          if (k === j) continue;
          const u = data[i * cols + k]!;
          if (u === ABSTAIN) continue;
          other = true;
          if (u !== v) differ = true;
        }
        if (other) overlaps++;
        if (differ) conflicts++;
        if (gold && gold[i] === v) correct++;
      }
      const row: LFSummaryRow = { name, polarity: [...polarity].sort((a, b) => a - b), coverage: covered / rows, overlaps: overlaps / rows, conflicts: conflicts / rows };
      if (gold) Object.assign(row, { correct, incorrect: covered - correct, empiricalAccuracy: covered ? correct / covered : NaN });
      return row;
    });
    const columns = ["name", "polarity", "coverage", "overlaps", "conflicts", ...(gold ? ["correct", "incorrect", "empiricalAccuracy"] : [])];
    const cells = out.map((r) => columns.map((c) => {
      const v = (r as unknown as Record<string, unknown>)[c];
      return typeof v === "number" && !Number.isInteger(v) ? v.toFixed(3) : Array.isArray(v) ? `[${v.join(", ")}]` : String(v);
    }));
    const types = ["string", "labels", "share", "share", "share", "count", "count", "share"].slice(0, columns.length);
    const preview = { kind: "Labeling functions", columns, types, rows: cells, totalRows: cells.length };
    return Object.assign(out, { [Symbol.for("Jupyter.display")]: () => ({ "text/html": tableHtml(preview), "text/plain": tableText(preview) }) });
  }

  /** Share of records at least one function labels. */
  labelCoverage(): number {
    const { data, rows, cols } = this.L;
    let n = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) if (data[i * cols + j] !== ABSTAIN) {
      n++;
      break;
    }
    return n / rows;
  }
}
