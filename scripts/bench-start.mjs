#!/usr/bin/env node
/**
 * `npm run bench:start`: how long a second `npm start` on an unchanged tree takes to print Jupyter's URL, and how
 * long a fresh kernel takes to answer its first cell after it is ready (kernel_info answered), as a notebook's
 * first cell would. Jupyter runs in a throwaway data/config/runtime folder, without a browser.
 *   node scripts/bench-start.mjs [--runs N]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const runsArg = process.argv.indexOf("--runs");
const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 5;
const tmp = mkdtempSync(join(tmpdir(), "mlsd-bench-start-"));
const env = { ...process.env, JUPYTER_DATA_DIR: join(tmp, "data"), JUPYTER_CONFIG_DIR: join(tmp, "config"), JUPYTER_RUNTIME_DIR: join(tmp, "runtime"), MLSD_HISTORY_FILE: "" };

const freePort = () =>
  new Promise((ok) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });

/** Milliseconds from spawning `npm start` to Jupyter's URL in its output. */
async function timeToUrl() {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn("npm", ["start", "--", "--no-browser", `--port=${port}`], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const ms = await new Promise((ok, fail) => {
    let seen = "";
    const look = (d) => {
      seen += d.toString();
      if (seen.includes(`:${port}/`)) ok(performance.now() - t0);
    };
    child.stdout.on("data", look);
    child.stderr.on("data", look);
    child.once("exit", (code) => fail(new Error(`npm start exited (${code}) before printing the URL:\n${seen}`)));
  });
  const gone = new Promise((ok) => child.once("exit", ok));
  process.kill(-child.pid, "SIGTERM");
  await gone;
  return ms;
}

/** Milliseconds from kernel_info answered to `1 + 1` answered, in a fresh kernel. */
async function firstCell() {
  const { KernelClient } = await import(join(root, "dist", "kernel", "client.js"));
  const client = await KernelClient.start({ env });
  try {
    const t0 = performance.now();
    await client.execute("1 + 1");
    return performance.now() - t0;
  } finally {
    await client.shutdown();
  }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  await timeToUrl(); // the first start may build; the ones timed are the "second npm start"
  const url = [];
  for (let i = 0; i < runs; i++) url.push(await timeToUrl());
  const cell = [];
  for (let i = 0; i < runs; i++) cell.push(await firstCell());
  const fmt = (xs) => `median ${(median(xs) / 1000).toFixed(2)} s (runs: ${xs.map((x) => (x / 1000).toFixed(2)).join(", ")})`;
  console.log(`CPU: ${cpus()[0]?.model} x ${cpus().length}, load average ${loadavg().map((l) => l.toFixed(1)).join(" ")}`);
  console.log(`second npm start to Jupyter's URL: ${fmt(url)}`);
  console.log(`fresh kernel, ready to first cell (1 + 1) answered: ${fmt(cell)}`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
