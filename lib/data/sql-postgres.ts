/**
 * PostgreSQL, a client/server OLTP database, through the `pg` package (pure JavaScript): the OLTP/OLAP lesson runs
 * its workloads there too when it is given a connection URL (postgres://user:password@host:port/database).
 */
import { createRequire } from "node:module";
import { InputError } from "../core/errors.js";

/** The part of pg's Client this library uses (its full API: node-postgres.com). */
export interface PgClient {
  connect(): Promise<void>;
  query(config: string | { text: string; values?: unknown[]; name?: string }, values?: unknown[]): Promise<{ rows: Record<string, unknown>[]; rowCount: number | null }>;
  end(): Promise<void>;
}

/**
 * A connected PostgreSQL client for `url`; the error names the URL (without its password) and the server's answer.
 * @example const pg = await connectPostgres("postgres://postgres@localhost:5432/postgres"); await pg.query("SELECT 1")
 */
export async function connectPostgres(url: string): Promise<PgClient> {
  if (typeof url !== "string" || !/^postgres(ql)?:\/\//.test(url)) throw new InputError(`connectPostgres: url must be a postgres:// or postgresql:// connection URL; got ${JSON.stringify(url)}`);
  const { Client } = createRequire(import.meta.url)("pg") as { Client: new (options: { connectionString: string; connectionTimeoutMillis: number }) => PgClient };
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(`PostgreSQL at ${redact(url)} is unreachable: ${(err as Error).message}`);
  }
  return client;
}

/** The URL with its password replaced by ***, fit for messages and logs. @example redact("postgres://u:pw@h/db") // "postgres://u:***@h/db" */
export function redact(url: string): string {
  return url.replace(/^(postgres(?:ql)?:\/\/[^:/@]+:)[^@]*@/, "$1***@");
}
