/**
 * A drift report over a whole table, with Evidently's default choice of test by column type and size:
 * reference of at most 1,000 rows: KS for numerical columns (more than 5 distinct values), chi-squared for
 * categorical ones, a two-proportion z-test for binary ones, drift when p < 0.05; larger references:
 * Wasserstein distance normalised by the reference's standard deviation for numerical columns, Jensen–Shannon
 * distance for categorical ones, drift when the distance is at least 0.1.
 */
import { InputError } from "../core/errors.js";
import { DISPLAY_SYMBOL } from "../display/mime.js";
import { tableHtml } from "../display/table.js";
import { Plot, plot } from "../plot/index.js";
import { chiSquareTest, jensenShannon, proportionZTest, wassersteinDistance } from "./distances.js";
import { ks2Samp } from "./ks.js";

interface TableLike {
  numRows: number;
  schema: { fields: { name: string }[] };
  getChild(name: string): { toArray(): ArrayLike<unknown> } | null;
}

export interface ColumnDrift {
  column: string;
  kind: "numerical" | "categorical";
  test: "ks" | "chi-squared" | "z-test" | "wasserstein (normed)" | "jensen-shannon";
  /** p-value for tests, distance for distances. */
  score: number;
  threshold: number;
  drift: boolean;
}

export interface DriftReport {
  columns: ColumnDrift[];
  /** Share of columns that drifted. */
  share: number;
  datasetDrift: boolean;
  /** A bar per column: its drift score over its threshold (1 marks the threshold), coloured by drift. */
  chart(): { outerHTML: string };
}

/** A column's score on one scale, where 1 is the drift threshold: log p / log 0.05 for tests, distance / threshold. */
export function driftRatio(c: ColumnDrift): number {
  if (c.test === "ks" || c.test === "chi-squared" || c.test === "z-test") return c.score <= 0 ? 10 : Math.log(c.score) / Math.log(c.threshold);
  return c.score / c.threshold;
}

const values = (t: TableLike, name: string) => {
  const child = t.getChild(name);
  if (!child) throw new InputError(`column '${name}' is missing from the current table (it has: ${t.schema.fields.map((f) => f.name).join(", ")}).`);
  return Array.from(child.toArray(), (v) => (typeof v === "bigint" ? Number(v) : v));
};

/**
 * @example display(driftReport(trainTable, lastWeekTable))
 * @param options.columns the columns to compare (default: all of the reference's)
 * @param options.driftShare the share of drifted columns that marks the dataset as drifted (Evidently: 0.5)
 */
export function driftReport(reference: TableLike, current: TableLike, options: { columns?: string[]; driftShare?: number } = {}): DriftReport {
  if (reference.numRows === 0 || current.numRows === 0) throw new InputError(`driftReport needs non-empty tables; got ${reference.numRows} reference and ${current.numRows} current rows.`);
  const names = options.columns ?? reference.schema.fields.map((f) => f.name);
  const small = reference.numRows <= 1000;
  const columns: ColumnDrift[] = names.map((column) => {
    const ref = values(reference, column);
    const cur = values(current, column);
    const numeric = ref.every((v) => typeof v === "number" || v === null) && cur.every((v) => typeof v === "number" || v === null);
    const distinct = new Set(ref).size;
    if (numeric && distinct > 5) {
      const r = ref.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      const c = cur.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
      if (small) {
        const p = ks2Samp(r, c).pValue;
        return { column, kind: "numerical", test: "ks", score: p, threshold: 0.05, drift: p < 0.05 };
      }
      const mean = r.reduce((a, b) => a + b, 0) / r.length;
      const std = Math.sqrt(r.reduce((a, b) => a + (b - mean) ** 2, 0) / r.length) || 1;
      const w = wassersteinDistance(r, c) / std;
      return { column, kind: "numerical", test: "wasserstein (normed)", score: w, threshold: 0.1, drift: w >= 0.1 };
    }
    const rc = ref.map((v) => (v === null ? null : String(v)));
    const cc = cur.map((v) => (v === null ? null : String(v)));
    if (small) {
      const binary = new Set([...rc, ...cc]).size <= 2;
      const p = (binary ? proportionZTest(rc, cc) : chiSquareTest(rc, cc)).pValue;
      return { column, kind: "categorical", test: binary ? "z-test" : "chi-squared", score: p, threshold: 0.05, drift: p < 0.05 };
    }
    const cats = [...new Set([...rc, ...cc])];
    const freq = (xs: (string | null)[]) => cats.map((k) => xs.filter((v) => v === k).length);
    const js = jensenShannon(freq(rc), freq(cc));
    return { column, kind: "categorical", test: "jensen-shannon", score: js, threshold: 0.1, drift: js >= 0.1 };
  });
  const share = columns.filter((c) => c.drift).length / Math.max(1, columns.length);
  const chart = () =>
    plot({
      height: 40 + 24 * columns.length,
      // Room for the longest column name (about 7 px a character at Plot's default 10 px font).
      marginLeft: Math.max(60, 12 + 7 * Math.max(...columns.map((c) => c.column.length))),
      x: { label: "drift score ÷ threshold (1 is the threshold)", grid: true },
      y: { label: null },
      color: { domain: ["ok", "drift"], range: ["#4269d0", "#ff725c"], legend: true },
      marks: [
        Plot.barX(columns.map((c) => ({ column: c.column, ratio: Math.min(driftRatio(c), 10), state: c.drift ? "drift" : "ok", test: c.test })), { x: "ratio", y: "column", fill: "state", title: (d: { test: string }) => d.test }),
        Plot.ruleX([1], { stroke: "currentColor", strokeDasharray: "4 3" }),
      ],
    }) as unknown as { outerHTML: string };
  const report: DriftReport = { columns, share, datasetDrift: share >= (options.driftShare ?? 0.5), chart };
  const preview = () => ({
    kind: `Drift report (${columns.filter((c) => c.drift).length} of ${columns.length} columns drifted${report.datasetDrift ? ": dataset drift" : ""})`,
    columns: ["column", "kind", "test", "score", "threshold", "drift"],
    types: ["", "", "", "p-value or distance", "", ""],
    rows: columns.map((c) => [c.column, c.kind, c.test, c.score, c.threshold, c.drift ? "DRIFT" : "ok"]),
    totalRows: columns.length,
  });
  return Object.assign(report, {
    [DISPLAY_SYMBOL]: () => ({ "text/html": `${tableHtml(preview())}\n${chart().outerHTML}`, "text/plain": columns.map((c) => `${c.column}: ${c.test} ${c.score.toPrecision(4)} (threshold ${c.threshold}) ${c.drift ? "DRIFT" : "ok"}`).join("\n") }),
  });
}
