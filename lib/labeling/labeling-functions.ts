/**
 * Weak supervision's first step (Snorkel): labeling functions vote a label or abstain (-1) on each record, and
 * applying them gives the label matrix L (records x functions) that everything else reads.
 */
import { InputError } from "../core/errors.js";

export const ABSTAIN = -1;

export interface LabelingFunction<R> {
  name: string;
  apply(record: R): number;
}

/**
 * @example const lfKeyword = labelingFunction("mentions_refund", (r: { text: string }) => (r.text.includes("refund") ? 1 : ABSTAIN))
 */
export function labelingFunction<R>(name: string, fn: (record: R) => number): LabelingFunction<R> {
  if (typeof name !== "string" || name.length === 0) throw new InputError("labelingFunction: 'name' must be a non-empty string.");
  if (typeof fn !== "function") throw new InputError(`labelingFunction '${name}': 'fn' must be a function; got ${typeof fn}.`);
  return { name, apply: fn };
}

/** Records x functions, row-major; ABSTAIN (-1) where a function did not vote. */
export interface LabelMatrix {
  data: Int32Array;
  rows: number;
  cols: number;
  names: string[];
}

/**
 * Applies every function to every record.
 * @example const L = applyLFs(records, [lf1, lf2, lf3]); new LabelModel({ cardinality: 2 }).fit(L)
 */
export function applyLFs<R>(records: readonly R[], lfs: readonly LabelingFunction<R>[]): LabelMatrix {
  if (!Array.isArray(records)) throw new InputError("applyLFs: 'records' must be an array.");
  if (lfs.length === 0) throw new InputError("applyLFs: give at least one labeling function.");
  const names = lfs.map((l) => l.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new InputError(`applyLFs: two labeling functions are named '${dup}'; names must be unique.`);
  const data = new Int32Array(records.length * lfs.length);
  records.forEach((r, i) =>
    lfs.forEach((lf, j) => {
      const v = lf.apply(r);
      if (!Number.isInteger(v) || v < -1) throw new InputError(`Labeling function '${lf.name}' returned ${String(v)} on record ${i}; it must return a class index >= 0 or ABSTAIN (-1).`);
      data[i * lfs.length + j] = v;
    }),
  );
  return { data, rows: records.length, cols: lfs.length, names };
}

/** Reads a label matrix given as a LabelMatrix or number[][]. */
export function checkLabelMatrix(L: unknown, name = "L"): LabelMatrix {
  if (Array.isArray(L)) {
    const rows = L.length;
    const cols = rows ? (L[0] as unknown[]).length : 0;
    const data = new Int32Array(rows * cols);
    L.forEach((row: unknown, i) => {
      if (!Array.isArray(row) || row.length !== cols) throw new InputError(`${name} must be rectangular: row 0 has ${cols} votes, row ${i} has ${Array.isArray(row) ? row.length : "none"}.`);
      row.forEach((v: unknown, j) => {
        if (!Number.isInteger(v) || (v as number) < -1) throw new InputError(`${name}[${i}][${j}] is ${String(v)}; votes are class indices >= 0 or -1 (abstain).`);
        data[i * cols + j] = v as number;
      });
    });
    return { data, rows, cols, names: Array.from({ length: cols }, (_, j) => `lf${j}`) };
  }
  const m = L as LabelMatrix;
  if (!m || !(m.data instanceof Int32Array) || m.data.length !== m.rows * m.cols) throw new InputError(`${name} must be a label matrix from applyLFs or a number[][] of votes.`);
  return m;
}
