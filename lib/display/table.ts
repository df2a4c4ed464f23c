/** HTML and plain-text tables for the first rows of any tabular value (Arrow, DuckDB, danfo). */

export interface TablePreview {
  kind: string;
  columns: string[];
  types: string[];
  rows: unknown[][];
  totalRows: number;
}

/** Rows shown in a notebook before "… N more rows". */
export const PREVIEW_ROWS = 10;

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function cell(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(6)));
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  return String(value);
}

/**
 * Renders a preview as an HTML table with its shape and column types.
 * @example tableHtml({ kind: "Table", columns: ["a"], types: ["Int32"], rows: [[1]], totalRows: 1 })
 */
export function tableHtml(p: TablePreview): string {
  const head = p.columns.map((c, i) => `<th title="${escapeHtml(p.types[i] ?? "")}">${escapeHtml(c)}<br><small>${escapeHtml(p.types[i] ?? "")}</small></th>`).join("");
  const body = p.rows.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(cell(v))}</td>`).join("")}</tr>`).join("\n");
  const more = p.totalRows > p.rows.length ? `<tr><td colspan="${p.columns.length}">… ${p.totalRows - p.rows.length} more rows</td></tr>` : "";
  return `<div class="mlsd-table"><p>${escapeHtml(p.kind)}: ${p.totalRows} rows × ${p.columns.length} columns</p>\n<table>\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}${more}\n</tbody>\n</table></div>`;
}

/** The same preview as aligned text. */
export function tableText(p: TablePreview): string {
  // Summaries built by the library (reports, measurements) have no column types: no type line for them.
  const typed = p.types.some((t) => t);
  const grid = [p.columns, ...(typed ? [p.types.map((t) => `<${t}>`)] : []), ...p.rows.map((r) => r.map(cell))];
  const widths = p.columns.map((_, j) => Math.min(30, Math.max(...grid.map((r) => (r[j] ?? "").length))));
  const line = (r: string[]) => r.map((v, j) => (v.length > 30 ? v.slice(0, 29) + "…" : v).padEnd(widths[j]!)).join("  ").trimEnd();
  const more = p.totalRows > p.rows.length ? [`… ${p.totalRows - p.rows.length} more rows`] : [];
  return [`${p.kind}: ${p.totalRows} rows × ${p.columns.length} columns`, ...grid.map(line), ...more].join("\n");
}
