/** Turns any value into a Jupyter MIME bundle, recognising the data and chart types this project uses. */
import { inspect } from "node:util";
import { PREVIEW_ROWS, tableHtml, tableText, type TablePreview } from "./table.js";

export type MimeBundle = Record<string, unknown>;

/** Deno's convention: an object with this method returns its own MIME bundle. */
export const DISPLAY_SYMBOL: unique symbol = Symbol.for("Jupyter.display") as never;

type AnyRecord = Record<string | symbol, unknown>;
const isObject = (v: unknown): v is AnyRecord => typeof v === "object" && v !== null;
const fn = (v: unknown, name: string): boolean => isObject(v) && typeof v[name] === "function";

/** Apache Arrow Table (any copy of apache-arrow: checked by shape, not by class). */
function arrowPreview(v: AnyRecord): TablePreview | null {
  const schema = v["schema"] as { fields?: { name: string; type: unknown }[] } | undefined;
  if (!schema?.fields || typeof v["numRows"] !== "number" || !fn(v, "getChildAt") || !fn(v, "slice")) return null;
  const n = v["numRows"] as number;
  const head = (v as unknown as { slice(a: number, b: number): { toArray(): Record<string, unknown>[] } }).slice(0, PREVIEW_ROWS).toArray();
  const columns = schema.fields.map((f) => f.name);
  return {
    kind: "Arrow Table",
    columns,
    types: schema.fields.map((f) => String(f.type)),
    // Arrow hands timestamps and dates out as epoch milliseconds: show them as dates.
    rows: head.map((r) => columns.map((c, j) => {
      const value = (r as AnyRecord)[c];
      const type = String(schema.fields![j]!.type);
      return typeof value === "number" && /^(Timestamp|Date)/.test(type) ? new Date(value) : value;
    })),
    totalRows: n,
  };
}

/** DuckDB results from @duckdb/node-api: a reader (runAndReadAll) or a materialized result (runAndRead... / run). */
function duckdbPreview(v: AnyRecord): TablePreview | null {
  if (!fn(v, "columnNames") || !fn(v, "columnTypes")) return null;
  const columns = (v as unknown as { columnNames(): string[] }).columnNames();
  const types = (v as unknown as { columnTypes(): { toString(): string }[] }).columnTypes().map(String);
  if (fn(v, "getRowsJson") && typeof v["currentRowCount"] === "number") {
    const rows = (v as unknown as { getRowsJson(): unknown[][] }).getRowsJson();
    return { kind: "DuckDB result", columns, types, rows: rows.slice(0, PREVIEW_ROWS), totalRows: rows.length };
  }
  if (typeof v["rowCount"] === "number" && fn(v, "getChunk")) {
    const total = v["rowCount"] as number;
    const rows: unknown[][] = [];
    const chunks = v["chunkCount"] as number;
    for (let c = 0; c < chunks && rows.length < PREVIEW_ROWS; c++) {
      const chunk = (v as unknown as { getChunk(i: number): { rowCount: number; getColumnValues(i: number): unknown[] } }).getChunk(c);
      const cols = columns.map((_, j) => chunk.getColumnValues(j));
      for (let r = 0; r < chunk.rowCount && rows.length < PREVIEW_ROWS; r++) rows.push(cols.map((col) => jsonable(col[r])));
    }
    return { kind: "DuckDB result", columns, types, rows, totalRows: total };
  }
  return null;
}

function jsonable(v: unknown): unknown {
  if (isObject(v) && fn(v, "toString") && v.constructor !== Object && !Array.isArray(v)) return String(v);
  return v;
}

/** danfo.js DataFrame (danfojs-node). */
function danfoPreview(v: AnyRecord): TablePreview | null {
  if (!Array.isArray(v["columns"]) || !Array.isArray(v["shape"]) || !Array.isArray(v["dtypes"]) || !Array.isArray(v["values"])) return null;
  const values = v["values"] as unknown[][];
  return {
    kind: "DataFrame",
    columns: (v["columns"] as unknown[]).map(String),
    types: (v["dtypes"] as unknown[]).map(String),
    rows: values.slice(0, PREVIEW_ROWS),
    totalRows: (v["shape"] as number[])[0] ?? values.length,
  };
}

function tensorBundle(v: AnyRecord): MimeBundle | null {
  if (typeof v["dtype"] !== "string" || !Array.isArray(v["shape"]) || !fn(v, "dataSync") || !fn(v, "toString")) return null;
  if (v["isDisposedInternal"] === true) return { "text/plain": `Tensor (disposed) shape=[${(v["shape"] as number[]).join(",")}] dtype=${v["dtype"] as string}` };
  const body = String((v as { toString(verbose?: boolean): string }).toString(false)).replace(/^Tensor\n?/, "");
  return { "text/plain": `Tensor shape=[${(v["shape"] as number[]).join(", ")}] dtype=${v["dtype"] as string}\n${body}` };
}

/** DOM nodes from linkedom/jsdom, e.g. Observable Plot figures. */
function elementBundle(v: AnyRecord): MimeBundle | null {
  if (typeof v["outerHTML"] !== "string" || typeof v["tagName"] !== "string" || v["nodeType"] !== 1) return null;
  const html = v["outerHTML"] as string;
  const tag = (v["tagName"] as string).toLowerCase();
  if (tag === "svg") {
    const svg = html.includes("xmlns=") ? html : html.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
    return { "image/svg+xml": svg, "text/plain": `<svg> (${html.length} characters)` };
  }
  return { "text/html": html, "text/plain": `<${tag}> (${html.length} characters)` };
}

/**
 * The MIME bundle for `value`, as the notebook would show it.
 * @example mimeBundle(42) // { "text/plain": "42" }
 */
export function mimeBundle(value: unknown): MimeBundle {
  if (isObject(value) || typeof value === "function") {
    const custom = (value as AnyRecord)[DISPLAY_SYMBOL];
    if (typeof custom === "function") {
      const bundle = (custom as () => unknown).call(value);
      if (isObject(bundle)) return bundle as MimeBundle;
    }
  }
  if (isObject(value)) {
    const table = arrowPreview(value) ?? duckdbPreview(value) ?? danfoPreview(value);
    if (table) return { "text/html": tableHtml(table), "text/plain": tableText(table) };
    const special = tensorBundle(value) ?? elementBundle(value);
    if (special) return special;
  }
  return { "text/plain": inspect(value, { depth: 4, maxArrayLength: 100, maxStringLength: 10_000, breakLength: 100 }) };
}
