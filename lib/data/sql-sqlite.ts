/**
 * SQLite, embedded, through better-sqlite3 (major 12: 13 needs Node 22). Its addon is compiled by `npm run build`
 * (scripts/build-sqlite.mjs) into native/build/better_sqlite3.node, because npm install scripts do not run here
 * and prebuilt binaries cannot be downloaded; this module hands that file to better-sqlite3 as `nativeBinding`.
 * Optional: `sqliteStatus()` says why SQLite is unavailable when it is.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The part of better-sqlite3's statement API this library uses. */
export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): Record<string, unknown> | undefined;
  all(...params: unknown[]): Record<string, unknown>[];
}

/** The part of better-sqlite3's Database this library uses (its full API: github.com/WiseLibs/better-sqlite3). */
export interface SqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): SqliteDatabase;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R;
  pragma(sql: string, options?: { simple?: boolean }): unknown;
  close(): void;
  readonly inTransaction: boolean;
}

type DatabaseConstructor = new (filename: string, options: { nativeBinding: string }) => SqliteDatabase;

let loaded: { Database: DatabaseConstructor; addon: string } | undefined;
let why: string | undefined;

/** better-sqlite3 with the addon built here, or undefined (and `why` set). */
function load(): { Database: DatabaseConstructor; addon: string } | undefined {
  if (loaded || why !== undefined) return loaded;
  if (process.env["MLSD_NATIVE"] === "0") {
    why = "turned off by MLSD_NATIVE=0";
    return undefined;
  }
  // From dist/lib/data/ or lib/data/ (tests run the sources): native/build/ at the package root.
  const here = fileURLToPath(new URL(".", import.meta.url));
  const addon = [`${here}../../native/build/better_sqlite3.node`, `${here}../../../native/build/better_sqlite3.node`].find((f) => existsSync(f));
  const require = createRequire(import.meta.url);
  let Database: DatabaseConstructor;
  try {
    Database = require("better-sqlite3") as DatabaseConstructor;
  } catch (err) {
    why = `the better-sqlite3 package is not installed (an optional dependency: npm install better-sqlite3@12): ${(err as Error).message.split("\n")[0]}`;
    return undefined;
  }
  if (!addon) {
    why = "its addon native/build/better_sqlite3.node is not built (npm run build compiles SQLite when a C and a C++ compiler and Node's headers are present)";
    return undefined;
  }
  try {
    new Database(":memory:", { nativeBinding: addon }).close();
  } catch (err) {
    why = `${addon} did not load: ${(err as Error).message}`;
    return undefined;
  }
  return (loaded = { Database, addon });
}

/**
 * "" when SQLite can be opened, otherwise why not.
 * @example sqliteStatus() // "" once npm run build has compiled the addon
 */
export function sqliteStatus(): string {
  load();
  return why ?? "";
}

/**
 * Opens a SQLite database (`:memory:` by default, or a file), or throws saying why SQLite is unavailable.
 * @example const db = openSqlite(); db.prepare("SELECT sqlite_version() AS v").get() // { v: "3.53.2" }
 */
export function openSqlite(filename = ":memory:"): SqliteDatabase {
  const lib = load();
  if (!lib) throw new Error(`SQLite is unavailable: ${why}`);
  return new lib.Database(filename, { nativeBinding: lib.addon });
}
