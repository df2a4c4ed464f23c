/**
 * Dataset versions by content hash, DVC-style, in a local store folder: `snapshot` writes a table once under the
 * SHA-256 of its Arrow IPC bytes with a lineage record (source, transformations, label source, parents);
 * `checkout` reads it back and verifies the hash. Writes are atomic and an existing version is never rewritten.
 */
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { tableFromIPC, tableToIPC, type Table } from "apache-arrow";
import { InputError } from "../core/errors.js";

export interface Lineage {
  /** Where the data came from: a file, a query, a service. */
  source: string;
  /** What was done to it, in order. */
  transformations?: string[];
  /** Who or what produced the labels (annotators, a label model...). */
  labelSource?: string;
  /** Versions this one was derived from. */
  parents?: string[];
}

export interface VersionRecord extends Lineage {
  id: string;
  createdAt: string;
  rows: number;
  columns: { name: string; type: string }[];
  bytes: number;
}

const ID = /^[0-9a-f]{16,64}$/;

function paths(store: string, id: string) {
  return { data: join(store, "objects", `${id}.arrow`), meta: join(store, "meta", `${id}.json`) };
}

function atomicWrite(path: string, bytes: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${Date.now()}`;
  try {
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/**
 * Stores `table` and returns its version record; the same content always gets the same id.
 * @example const v1 = snapshot(clean, { source: "flights-3m.parquet", transformations: ["drop nulls"] }, { store: ".mlsd-store" })
 */
export function snapshot(table: Table, lineage: Lineage, options: { store: string }): VersionRecord {
  if (!table || typeof (table as Table).getChild !== "function") throw new InputError("snapshot: 'table' must be an Arrow table.");
  if (table.numCols === 0) throw new InputError("snapshot: the table has no columns; there is nothing to version.");
  if (!lineage || typeof lineage.source !== "string" || lineage.source.length === 0) throw new InputError("snapshot: 'lineage.source' must say where the data came from (a non-empty string).");
  for (const p of lineage.parents ?? []) if (!existsSync(paths(options.store, p).meta)) throw new InputError(`snapshot: parent version '${p}' is not in the store '${options.store}'.`);
  const bytes = tableToIPC(table, "file");
  const id = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  const { data, meta } = paths(options.store, id);
  if (existsSync(meta)) return JSON.parse(readFileSync(meta, "utf8")) as VersionRecord; // never rewrite a version
  mkdirSync(join(options.store, "objects"), { recursive: true });
  mkdirSync(join(options.store, "meta"), { recursive: true });
  const record: VersionRecord = {
    id,
    createdAt: new Date().toISOString(),
    rows: table.numRows,
    columns: table.schema.fields.map((f) => ({ name: f.name, type: String(f.type) })),
    bytes: bytes.length,
    source: lineage.source,
    transformations: lineage.transformations ?? [],
    ...(lineage.labelSource !== undefined ? { labelSource: lineage.labelSource } : {}),
    parents: lineage.parents ?? [],
  };
  // Data first, record second: a record always points at complete data.
  if (!existsSync(data)) atomicWrite(data, bytes);
  atomicWrite(meta, `${JSON.stringify(record, null, 2)}\n`);
  return record;
}

/**
 * The table of version `id`, after checking that its bytes still hash to the id.
 * @example const train = checkout(v1.id, { store: ".mlsd-store" })
 */
export function checkout(id: string, options: { store: string }): Table {
  if (typeof id !== "string" || !ID.test(id)) throw new InputError(`checkout: '${String(id)}' is not a version id (16 hex digits).`);
  const { data, meta } = paths(options.store, id);
  if (!existsSync(meta) || !existsSync(data)) throw new InputError(`checkout: version '${id}' is not in the store '${options.store}'.`);
  const bytes = readFileSync(data);
  const actual = createHash("sha256").update(bytes).digest("hex").slice(0, 16);
  if (actual !== id) throw new InputError(`checkout: the data of version '${id}' is corrupt (its bytes hash to ${actual}); restore it from a copy of the store.`);
  return tableFromIPC(bytes);
}

/** Every version in the store, oldest first. @example versions({ store: ".mlsd-store" }).map((v) => v.id) */
export function versions(options: { store: string }): VersionRecord[] {
  const dir = join(options.store, "meta");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".json"))
    .map((f) => JSON.parse(readFileSync(join(dir, f), "utf8")) as VersionRecord)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
}

/** The chain of records from `id` back through its parents (breadth first). */
export function lineageOf(id: string, options: { store: string }): VersionRecord[] {
  const out: VersionRecord[] = [];
  const seen = new Set<string>();
  const queue = [id];
  while (queue.length) {
    const next = queue.shift()!;
    if (seen.has(next)) continue;
    seen.add(next);
    const { meta } = paths(options.store, next);
    if (!existsSync(meta)) throw new InputError(`lineageOf: version '${next}' is not in the store '${options.store}'.`);
    const rec = JSON.parse(readFileSync(meta, "utf8")) as VersionRecord;
    out.push(rec);
    queue.push(...(rec.parents ?? []));
  }
  return out;
}
