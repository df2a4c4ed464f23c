/**
 * Canary and shadow deployment in front of model servers (`serve` from mlsd/deploy, or `mlsd serve`): one
 * endpoint on loopback that sends a share of requests to the canary and the rest to the stable version, copies
 * every request to a shadow version whose answers are logged beside the live answer and never returned, keeps
 * per-version request, error and latency figures, and rolls the canary back (its share to 0) the moment its
 * error rate over the last `window` canary requests breaks the error budget.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InputError } from "../core/errors.js";
import { checkRandomState, type RandomState } from "../core/random.js";
import { checkNumber, checkOptions, checkProbability, describe } from "./check.js";

export type Version = "stable" | "canary" | "shadow";

export interface ErrorBudget {
  /** Largest share of failed canary requests (5xx, unreachable, timed out) tolerated in the window. */
  maxErrorRate: number;
  /** Canary requests seen in the window before the budget is judged (default 20). */
  minRequests?: number;
  /** The last this-many canary requests are judged (default 100). */
  window?: number;
}

export interface RouterOptions {
  /** Base URL of the stable version's server, e.g. `(await serve(model)).url`. */
  stable: string;
  /** Base URL of the canary's server. */
  canary?: string;
  /** Share of live traffic sent to the canary (default 0.1). */
  canaryWeight?: number;
  /** Base URL of a shadow version: it gets a copy of every request; its answers are logged, not returned. */
  shadow?: string;
  errorBudget?: ErrorBudget;
  /** Compares the live and shadow answers (parsed JSON bodies) for the shadow log; default: equal JSON. */
  compare?: (live: unknown, shadow: unknown) => boolean;
  /** An upstream that takes longer is answered 504 and counted as an error (default 5000 ms). */
  timeoutMs?: number;
  port?: number;
  host?: string;
  randomState?: RandomState;
}

export interface VersionStats {
  requests: number;
  errors: number;
  errorRate: number;
  /** Latency seen by the router, in milliseconds. */
  latencyMs: { mean: number; p50: number; p95: number; p99: number };
}

export interface ShadowRecord {
  /** Index of the request (0-based) in the order the router received it. */
  request: number;
  live: Version;
  liveStatus: number;
  shadowStatus: number;
  shadowLatencyMs: number;
  liveBody: unknown;
  shadowBody: unknown;
  agree: boolean;
}

export interface RollbackEvent {
  type: "rollback";
  /** Index of the request whose answer broke the budget. */
  request: number;
  errorRate: number;
  window: number;
}

export interface RunningRouter {
  url: string;
  /** Current share of traffic to the canary (0 after a rollback). */
  readonly canaryWeight: number;
  readonly rolledBack: boolean;
  readonly events: RollbackEvent[];
  readonly shadowLog: ShadowRecord[];
  stats(): Record<Version, VersionStats>;
  /** Stops taking requests, waits for shadow calls in flight, closes. */
  close(): Promise<void>;
}

interface Upstream {
  status: number;
  body: string;
  contentType: string;
  ms: number;
}

/**
 * Starts the router.
 * @example
 * const router = await canaryRouter({ stable: v1.url, canary: v2.url, canaryWeight: 0.2, shadow: v3.url, errorBudget: { maxErrorRate: 0.05 }, port: 0, randomState: 0 });
 * await fetch(`${router.url}/predict`, { method: "POST", body: JSON.stringify({ instances: [[1, 2]] }) });
 * router.stats().canary.errorRate;
 */
export async function canaryRouter(options: RouterOptions): Promise<RunningRouter> {
  const fn = "canaryRouter";
  const opts = checkOptions(fn, options);
  const stable = checkUrl(fn, "stable", opts.stable);
  const canary = opts.canary === undefined ? undefined : checkUrl(fn, "canary", opts.canary);
  const shadow = opts.shadow === undefined ? undefined : checkUrl(fn, "shadow", opts.shadow);
  let weight = canary ? checkNumber(fn, "canaryWeight", opts.canaryWeight ?? 0.1, { min: 0, max: 1 }) : 0;
  const budgetIn = checkOptions(`${fn}: errorBudget`, opts.errorBudget) as Partial<ErrorBudget>;
  const maxErrorRate = checkProbability(fn, "errorBudget.maxErrorRate", budgetIn.maxErrorRate ?? 0.05);
  const window = checkNumber(fn, "errorBudget.window", budgetIn.window ?? 100, { min: 1, integer: true });
  const minRequests = checkNumber(fn, "errorBudget.minRequests", budgetIn.minRequests ?? Math.min(20, window), { min: 1, max: window, integer: true });
  const timeoutMs = checkNumber(fn, "timeoutMs", opts.timeoutMs ?? 5000, { min: 1 });
  if (opts.compare !== undefined && typeof opts.compare !== "function") throw new InputError(`${fn}: 'compare' must be a function (live, shadow) => boolean; got ${describe(opts.compare)}.`);
  const compare = opts.compare ?? ((a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b));
  const rng = checkRandomState(opts.randomState);

  const latencies: Record<Version, number[]> = { stable: [], canary: [], shadow: [] };
  const errors: Record<Version, number> = { stable: 0, canary: 0, shadow: 0 };
  const canaryWindow: boolean[] = [];
  const events: RollbackEvent[] = [];
  const shadowLog: ShadowRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  let received = 0;

  const call = async (base: string, req: IncomingMessage, body: Buffer): Promise<Upstream> => {
    const started = performance.now();
    try {
      const res = await fetch(base + (req.url ?? "/"), {
        method: req.method ?? "GET",
        headers: { "content-type": String(req.headers["content-type"] ?? "application/json") },
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await res.text();
      return { status: res.status, body: text, contentType: res.headers.get("content-type") ?? "application/json", ms: performance.now() - started };
    } catch (err) {
      const timedOut = (err as Error).name === "TimeoutError";
      const status = timedOut ? 504 : 502;
      const message = timedOut ? `upstream ${base} took longer than ${timeoutMs} ms` : `upstream ${base} unreachable: ${(err as Error).message}`;
      return { status, body: JSON.stringify({ error: message }), contentType: "application/json", ms: performance.now() - started };
    }
  };

  const record = (version: Version, up: Upstream) => {
    latencies[version].push(up.ms);
    const failed = up.status >= 500;
    if (failed) errors[version]++;
    return failed;
  };

  const judgeCanary = (failed: boolean, request: number) => {
    canaryWindow.push(failed);
    if (canaryWindow.length > window) canaryWindow.shift();
    if (weight === 0 || canaryWindow.length < minRequests) return;
    const rate = canaryWindow.filter(Boolean).length / canaryWindow.length;
    if (rate > maxErrorRate) {
      weight = 0;
      events.push({ type: "rollback", request, errorRate: rate, window: canaryWindow.length });
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === "GET" && req.url === "/metrics") {
      const text = renderMetrics(stats(), weight, events.length);
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4" });
      res.end(text);
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const body = Buffer.concat(chunks);
    const request = received++;
    // The draw happens for every request, canary or not, so one seed gives one routing sequence.
    const toCanary = canary !== undefined && rng.random() < weight;
    const live: Version = toCanary ? "canary" : "stable";
    const shadowCall = shadow ? call(shadow, req, body) : undefined;
    const up = await call(toCanary ? canary! : stable, req, body);
    const failed = record(live, up);
    if (toCanary) judgeCanary(failed, request);
    res.writeHead(up.status, { "content-type": up.contentType, "x-mlsd-version": live });
    res.end(up.body);
    if (shadowCall) {
      const logged = shadowCall.then((s) => {
        record("shadow", s);
        const liveBody = parse(up.body);
        const shadowBody = parse(s.body);
        shadowLog.push({ request, live, liveStatus: up.status, shadowStatus: s.status, shadowLatencyMs: s.ms, liveBody, shadowBody, agree: up.status < 300 && s.status < 300 && compare(liveBody, shadowBody) });
      });
      inFlight.add(logged);
      void logged.finally(() => inFlight.delete(logged));
    }
  };

  const stats = (): Record<Version, VersionStats> => {
    const one = (v: Version): VersionStats => {
      const l = latencies[v];
      return { requests: l.length, errors: errors[v], errorRate: l.length ? errors[v] / l.length : 0, latencyMs: summarise(l) };
    };
    return { stable: one("stable"), canary: one("canary"), shadow: one("shadow") };
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" }), res.end(JSON.stringify({ error: `router: ${err.message}` }));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 0, opts.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    url: `http://${address}:${port}`,
    get canaryWeight() {
      return weight;
    },
    get rolledBack() {
      return events.length > 0;
    },
    events,
    shadowLog,
    stats,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.all([...inFlight]);
    },
  };
}

function checkUrl(fn: string, name: string, value: unknown): string {
  if (typeof value !== "string" || !/^https?:\/\/[^/]+$/.test(value.replace(/\/$/, ""))) throw new InputError(`${fn}: '${name}' must be a server's base URL such as "http://127.0.0.1:8080"; got ${describe(value)}.`);
  return value.replace(/\/$/, "");
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Mean and nearest-rank-interpolated percentiles (numpy's default "linear" method). */
function summarise(values: number[]): VersionStats["latencyMs"] {
  if (values.length === 0) return { mean: NaN, p50: NaN, p95: NaN, p99: NaN };
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number) => {
    const h = (s.length - 1) * p;
    const lo = Math.floor(h);
    return s[lo]! + (h - lo) * ((s[Math.min(lo + 1, s.length - 1)] ?? s[lo]!) - s[lo]!);
  };
  return { mean: s.reduce((a, b) => a + b, 0) / s.length, p50: q(0.5), p95: q(0.95), p99: q(0.99) };
}

function renderMetrics(stats: Record<Version, VersionStats>, weight: number, rollbacks: number): string {
  const lines = ["# TYPE mlsd_router_requests_total counter"];
  for (const [v, s] of Object.entries(stats)) lines.push(`mlsd_router_requests_total{version="${v}"} ${s.requests}`);
  lines.push("# TYPE mlsd_router_errors_total counter");
  for (const [v, s] of Object.entries(stats)) lines.push(`mlsd_router_errors_total{version="${v}"} ${s.errors}`);
  lines.push("# TYPE mlsd_router_latency_ms summary");
  for (const [v, s] of Object.entries(stats)) for (const [q, x] of [["0.5", s.latencyMs.p50], ["0.95", s.latencyMs.p95], ["0.99", s.latencyMs.p99]] as const) if (s.requests) lines.push(`mlsd_router_latency_ms{version="${v}",quantile="${q}"} ${x}`);
  lines.push("# TYPE mlsd_router_canary_weight gauge", `mlsd_router_canary_weight ${weight}`, "# TYPE mlsd_router_rollbacks_total counter", `mlsd_router_rollbacks_total ${rollbacks}`);
  return lines.join("\n") + "\n";
}
