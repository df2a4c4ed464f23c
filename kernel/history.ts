/** Input (and output) history: in memory for this session, appended to a JSON-lines file across sessions. */
import { appendFileSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

export interface HistoryEntry {
  session: number;
  line: number;
  input: string;
  output: string | null;
}

export interface HistoryQuery {
  hist_access_type: "tail" | "range" | "search";
  output?: boolean;
  raw?: boolean;
  session?: number;
  start?: number;
  stop?: number;
  n?: number;
  pattern?: string;
  unique?: boolean;
}

type Row = [number, number, string | [string, string | null]];

/** The default store: $MLSD_HISTORY_FILE, else $XDG_DATA_HOME/mlsd/history.jsonl. "" turns persistence off. */
export function defaultHistoryFile(): string | null {
  const env = process.env["MLSD_HISTORY_FILE"];
  if (env !== undefined) return env === "" ? null : env;
  const base = process.env["XDG_DATA_HOME"] || join(homedir(), ".local", "share");
  return join(base, "mlsd", "history.jsonl");
}

export class History {
  private readonly past: HistoryEntry[] = [];
  private readonly current: HistoryEntry[] = [];
  readonly session: number;

  constructor(private readonly file: string | null = defaultHistoryFile()) {
    if (file) {
      try {
        for (const line of readFileSync(file, "utf8").split("\n")) {
          if (line) this.past.push(JSON.parse(line) as HistoryEntry);
        }
      } catch {
        // No history yet, or unreadable: start empty rather than refuse to start the kernel.
      }
    }
    this.session = this.past.reduce((max, e) => Math.max(max, e.session), 0) + 1;
  }

  record(line: number, input: string): void {
    const entry: HistoryEntry = { session: this.session, line, input, output: null };
    this.current.push(entry);
    this.persist(entry);
  }

  /** Attaches the text/plain result of line `line` of this session, for `output: true` queries. */
  recordOutput(line: number, output: string): void {
    const entry = this.current.find((e) => e.line === line);
    if (entry) entry.output = output;
  }

  query(q: HistoryQuery): Row[] {
    const all = [...this.past, ...this.current];
    let rows: HistoryEntry[];
    switch (q.hist_access_type) {
      case "tail":
        rows = lastN(q.unique ? uniqueInputs(all) : all, q.n ?? 10);
        break;
      case "range": {
        // IPython's numbering: 0 is this session, negative counts back from it.
        const s = q.session ?? 0;
        const session = s > 0 ? s : this.session + s;
        const start = q.start ?? 1;
        const stop = q.stop ?? Number.POSITIVE_INFINITY;
        rows = all.filter((e) => e.session === session && e.line >= start && e.line < stop);
        break;
      }
      case "search": {
        const re = globToRegExp(q.pattern ?? "*");
        const hits = all.filter((e) => re.test(e.input));
        rows = q.n === undefined ? (q.unique ? uniqueInputs(hits) : hits) : lastN(q.unique ? uniqueInputs(hits) : hits, q.n);
        break;
      }
      default:
        throw new Error(`history: hist_access_type must be 'tail', 'range' or 'search', got '${String(q.hist_access_type)}'`);
    }
    return rows.map((e) => [e.session, e.line, q.output ? [e.input, e.output] : e.input]);
  }

  private persist(entry: HistoryEntry): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      appendFileSync(this.file, JSON.stringify(entry) + "\n");
    } catch (err) {
      process.stderr.write(`mlsd: history not saved to ${this.file}: ${(err as Error).message}\n`);
    }
  }
}

function lastN<T>(items: T[], n: number): T[] {
  return n <= 0 ? [] : items.slice(-n);
}

/** Keeps the latest occurrence of each input, in order. */
function uniqueInputs(entries: HistoryEntry[]): HistoryEntry[] {
  const seen = new Set<string>();
  const out: HistoryEntry[] = [];
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    if (!seen.has(e.input)) {
      seen.add(e.input);
      out.push(e);
    }
  }
  return out.reverse();
}

/** IPython's search patterns are globs (`*`, `?`) matched against the whole input. */
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[\\s\\S]*").replace(/\?/g, ".");
  return new RegExp(`^${body}$`);
}
