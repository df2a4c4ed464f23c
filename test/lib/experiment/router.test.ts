/**
 * The canary router in front of real prediction servers (`serve` from mlsd/deploy in this process, and `mlsd serve` processes) on
 * loopback: the split follows the seeded draws, shadow answers are logged and never returned, per-version figures
 * count what happened, and a canary that breaks its error budget is rolled back.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../../lib/core/index.js";
import { loadSavedModel, saveModel, serve, type LoadedModel, type RunningServer } from "../../../lib/deploy/index.js";
import { canaryRouter } from "../../../lib/experiment/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlsd-router-"));
const rng = new Random(2);
const X = Array.from({ length: 300 }, () => [rng.normal(), rng.normal()]);
const y = X.map(([a, b]) => (a! + 0.5 * b! + 0.3 * rng.normal() > 0 ? 1 : 0));
const inputs = [{ name: "a", type: "number" as const }, { name: "b", type: "number" as const }];
let v1: LoadedModel;
let v2: LoadedModel;
const servers: RunningServer[] = [];

beforeAll(async () => {
  await saveModel(new LogisticRegression().fit(X, y), join(dir, "v1"), { version: "1", inputs, outputs: ["p(0)", "p(1)"] });
  await saveModel(new LogisticRegression({ C: 0.001 }).fit(X, y), join(dir, "v2"), { version: "2", inputs, outputs: ["p(0)", "p(1)"] });
  v1 = await loadSavedModel(join(dir, "v1"));
  v2 = await loadSavedModel(join(dir, "v2"));
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  rmSync(dir, { recursive: true, force: true });
});

const start = async (model: LoadedModel) => {
  const s = await serve(model, { port: 0, maxQueueDelayMs: 0 });
  servers.push(s);
  return s;
};
/** A canary whose model fails every `period`-th call (a deterministic fault, as a bad release would fail). */
const failing = (m: LoadedModel, period: number): LoadedModel => {
  let calls = 0;
  return { manifest: m.manifest, predict: async (r) => (++calls % period === 0 ? Promise.reject(new Error("canary fault")) : m.predict(r)) };
};
const post = (url: string, i: number) => fetch(`${url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ instances: [X[i % X.length]] }) });

describe("canaryRouter", () => {
  it("splits traffic by the seeded draws, answers with the chosen version, and counts each version", async () => {
    const [a, b] = [await start(v1), await start(v2)];
    const router = await canaryRouter({ stable: a.url, canary: b.url, canaryWeight: 0.3, randomState: 9 });
    try {
      const versions: string[] = [];
      for (let i = 0; i < 60; i++) {
        const res = await post(router.url, i);
        expect(res.status).toBe(200);
        const body = (await res.json()) as { version: string; predictions: number[][] };
        versions.push(res.headers.get("x-mlsd-version")!);
        expect(body.version).toBe(versions[i] === "canary" ? "2" : "1");
        expect(body.predictions[0]).toEqual((await (versions[i] === "canary" ? v2 : v1).predict([X[i]!]))[0]);
      }
      const draws = new Random(9);
      expect(versions).toEqual(Array.from({ length: 60 }, () => (draws.random() < 0.3 ? "canary" : "stable")));
      const stats = router.stats();
      expect(stats.canary.requests).toBe(versions.filter((v) => v === "canary").length);
      expect(stats.stable.requests + stats.canary.requests).toBe(60);
      expect(stats.canary.errors + stats.stable.errors).toBe(0);
      expect(stats.stable.latencyMs.p50).toBeGreaterThan(0);
      expect(stats.stable.latencyMs.p99).toBeGreaterThanOrEqual(stats.stable.latencyMs.p50);
      expect(router.rolledBack).toBe(false);
      const metrics = await (await fetch(`${router.url}/metrics`)).text();
      expect(metrics).toContain(`mlsd_router_requests_total{version="canary"} ${stats.canary.requests}`);
      expect(metrics).toContain("mlsd_router_canary_weight 0.3");
    } finally {
      await router.close();
    }
  });

  it("sends every request to the shadow too, logs its answer beside the live one, and never returns it", async () => {
    const [a, b] = [await start(v1), await start(v2)];
    const router = await canaryRouter({ stable: a.url, shadow: b.url, compare: (l, s) => argmax(l) === argmax(s) });
    try {
      for (let i = 0; i < 20; i++) {
        const res = await post(router.url, i);
        const body = (await res.json()) as { version: string };
        expect(res.headers.get("x-mlsd-version")).toBe("stable");
        expect(body.version).toBe("1");
      }
    } finally {
      await router.close(); // waits for the shadow calls in flight
    }
    expect(router.shadowLog.length).toBe(20);
    for (const r of router.shadowLog) {
      expect((r.shadowBody as { version: string }).version).toBe("2");
      expect((r.liveBody as { version: string }).version).toBe("1");
      expect(r.agree).toBe(argmax(r.liveBody) === argmax(r.shadowBody));
    }
    expect(router.stats().shadow.requests).toBe(20);
    expect(router.stats().stable.requests).toBe(20);
  });

  it("rolls the canary back when its error rate breaks the budget; afterwards every request goes to the stable version", async () => {
    const [a, b] = [await start(v1), await start(failing(v2, 4))]; // a quarter of the canary's answers fail
    const router = await canaryRouter({ stable: a.url, canary: b.url, canaryWeight: 0.5, errorBudget: { maxErrorRate: 0.1, minRequests: 8, window: 50 }, randomState: 4 });
    try {
      const statuses: [string, number][] = [];
      for (let i = 0; i < 120; i++) {
        const res = await post(router.url, i);
        statuses.push([res.headers.get("x-mlsd-version")!, res.status]);
        await res.arrayBuffer();
      }
      expect(router.rolledBack).toBe(true);
      expect(router.canaryWeight).toBe(0);
      const [event] = router.events;
      expect(event!.errorRate).toBeGreaterThan(0.1);
      expect(event!.window).toBeGreaterThanOrEqual(8);
      const after = statuses.slice(event!.request + 1);
      expect(after.length).toBeGreaterThan(50);
      expect(after.every(([v, s]) => v === "stable" && s === 200)).toBe(true);
      expect(statuses.filter(([v, s]) => v === "canary" && s === 500).length).toBe(router.stats().canary.errors);
      expect(router.stats().canary.errors).toBeGreaterThan(0);
      expect(router.stats().stable.errors).toBe(0);
    } finally {
      await router.close();
    }
  });

  it("fronts two `mlsd serve` processes; when the canary's process dies, its failures break the budget and the router rolls it back", async () => {
    // The command line's server, as a deployment runs it: one process per version, each on a port of its own.
    const start = (version: string) =>
      new Promise<{ child: ChildProcess; url: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ["dist/kernel/cli.js", "serve", "--model", join(dir, version), "--port", "0", "--max-queue-delay-ms", "0"], { stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        child.stdout!.on("data", (d: Buffer) => {
          out += d.toString();
          const m = /on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
          if (m) resolve({ child, url: m[1]! });
        });
        child.once("exit", (code) => reject(new Error(`mlsd serve ${version} exited with ${code}: ${out}`)));
      });
    const [stable, canary] = await Promise.all([start("v1"), start("v2")]);
    const router = await canaryRouter({ stable: stable.url, canary: canary.url, canaryWeight: 0.5, errorBudget: { maxErrorRate: 0.2, minRequests: 5, window: 20 }, timeoutMs: 3000, randomState: 1 });
    try {
      const seen: [string, number, string][] = [];
      for (let i = 0; i < 80; i++) {
        if (i === 20) {
          canary.child.kill("SIGKILL"); // the canary's process crashes
          await new Promise((r) => canary.child.once("exit", r));
        }
        const res = await post(router.url, i);
        const body = (await res.json()) as { version?: string };
        seen.push([res.headers.get("x-mlsd-version")!, res.status, body.version ?? ""]);
      }
      // Before the crash both processes answered, each with its own model's version.
      const before = seen.slice(0, 20);
      expect(before.every(([v, s, mv]) => s === 200 && mv === (v === "canary" ? "2" : "1"))).toBe(true);
      expect(before.some(([v]) => v === "canary")).toBe(true);
      // After it: the canary's requests fail (502, unreachable) until the budget breaks, then all go to the stable version.
      expect(router.rolledBack).toBe(true);
      const at = router.events[0]!.request;
      expect(at).toBeGreaterThanOrEqual(20);
      expect(seen.slice(20, at + 1).filter(([v]) => v === "canary").every(([, s]) => s === 502)).toBe(true);
      expect(seen.slice(at + 1).every(([v, s, mv]) => v === "stable" && s === 200 && mv === "1")).toBe(true);
      expect(router.stats().canary.errors).toBe(seen.filter(([v, s]) => v === "canary" && s === 502).length);
    } finally {
      await router.close();
      stable.child.kill("SIGTERM");
      if (canary.child.exitCode === null && canary.child.signalCode === null) canary.child.kill("SIGTERM");
      await new Promise((r) => (stable.child.exitCode !== null ? r(null) : stable.child.once("exit", r)));
    }
  }, 60_000);

  it("answers 502 for an unreachable version and counts it as that version's error", async () => {
    const router = await canaryRouter({ stable: "http://127.0.0.1:9", timeoutMs: 2000 });
    try {
      const res = await post(router.url, 0);
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: string }).error).toContain("unreachable");
      expect(router.stats().stable.errors).toBe(1);
    } finally {
      await router.close();
    }
  });

  it("refuses wrong options by name and value", async () => {
    await expect(canaryRouter({ stable: "localhost:8080" })).rejects.toThrow(`canaryRouter: 'stable' must be a server's base URL such as "http://127.0.0.1:8080"; got "localhost:8080".`);
    await expect(canaryRouter({ stable: "http://127.0.0.1:1", canary: "http://127.0.0.1:2", canaryWeight: 2 })).rejects.toThrow("canaryRouter: 'canaryWeight' must be a finite number >= 0 and <= 1; got 2.");
    await expect(canaryRouter({ stable: "http://127.0.0.1:1", errorBudget: { maxErrorRate: 0 } })).rejects.toThrow("canaryRouter: 'errorBudget.maxErrorRate' must be a finite number > 0 and < 1; got 0.");
    await expect(canaryRouter({ stable: "http://127.0.0.1:1", errorBudget: { maxErrorRate: 0.1, window: 10, minRequests: 20 } })).rejects.toThrow("canaryRouter: 'errorBudget.minRequests' must be an integer >= 1 and <= 10; got 20.");
    await expect(canaryRouter({ stable: "http://127.0.0.1:1", compare: 3 as never })).rejects.toThrow("canaryRouter: 'compare' must be a function (live, shadow) => boolean; got 3.");
  });
});

function argmax(body: unknown): number {
  const p = (body as { predictions: number[][] }).predictions[0]!;
  return p.indexOf(Math.max(...p));
}
