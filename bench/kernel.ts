/**
 * Kernel benchmark: mlsd against tslab and Deno's kernel, side by side in one run, over the real Jupyter protocol.
 *   npm run bench:kernel                       (defaults: 3 starts, 2000 trivial cells per kernel)
 *   node dist/bench/kernel.js --starts 3 --cells 2000 [--only mlsd,deno] [--types-worker | --types-main]
 * Reports time to ready (spawn to first kernel_info_reply with iopub connected), the first cell sent right
 * after ready, the first `import` of tfjs, trivial-cell latency (median, p90) and the resident memory of the
 * kernel and its child processes before and after the trivial cells (the growth is what a long session costs).
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { KernelClient } from "../kernel/client.js";
import { kernelArgv } from "../kernel/install.js";
import { packageRoot } from "../kernel/paths.js";

interface KernelUnderTest {
  name: string;
  argv: string[];
  /** Why it cannot run here, if it cannot. */
  missing?: string;
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const STARTS = arg("starts", 3);
const CELLS = arg("cells", 2000);
const onlyAt = process.argv.indexOf("--only");
const only = onlyAt >= 0 ? new Set(process.argv[onlyAt + 1]!.split(",")) : undefined;

const tslabBin = join(packageRoot, "node_modules", "tslab", "bin", "tslab");
// The npm package ships Deno's binary beside its launcher; run it directly so the pid is the kernel's own.
const denoBin = join(packageRoot, "node_modules", "deno", "deno");
const all: KernelUnderTest[] = [
  { name: "mlsd", argv: kernelArgv() },
  { name: "tslab", argv: [process.execPath, tslabBin, "kernel", "--config-path", "{connection_file}"], ...(existsSync(tslabBin) ? {} : { missing: "npm install (devDependency tslab)" }) },
  { name: "deno", argv: [denoBin, "jupyter", "--kernel", "--conn", "{connection_file}"], ...(existsSync(denoBin) ? {} : { missing: "npm install (devDependency deno)" }) },
];
const kernels = all.filter((k) => !only || only.has(k.name));

const quantile = (xs: number[], q: number) => {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
/** A process's child processes (Linux: /proc/PID/task/TID/children). */
const childrenOf = (pid: number): number[] => {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text) out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    // gone meanwhile
  }
  return out;
};
/** Resident memory of the kernel and every process under it (mlsd's type service may run as a child process). */
const rssMiB = (pid: number): number => {
  const all = [pid];
  for (let i = 0; i < all.length; i++) all.push(...childrenOf(all[i]!));
  let kb = 0;
  for (const p of all) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p}/status`, "utf8"));
      kb += m ? Number(m[1]) : 0;
    } catch {
      // gone meanwhile
    }
  }
  return kb / 1024;
};
const env: NodeJS.ProcessEnv = { ...process.env, MLSD_HISTORY_FILE: "" };
if (process.argv.includes("--types-main")) env["MLSD_TYPES_THREAD"] = "main";
// The type service in a worker thread, never from the start-up snapshot (to compare the two).
if (process.argv.includes("--types-worker")) env["MLSD_TYPES_THREAD"] = "worker";

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

interface Row {
  name: string;
  readyMedian: number;
  firstCellMedian: number;
  /** Median over starts of ready + first cell: what a user who runs a cell at once waits in all. */
  sumMedian: number;
  tfImportMedian: number;
  trivialMedian: number;
  trivialP90: number;
  rssBefore: number;
  rssAfter: number;
  rssGrowth: number;
  cellsRun: number;
}

const notes: string[] = [];

async function measure(k: KernelUnderTest): Promise<Row> {
  const ready: number[] = [];
  const firstCell: number[] = [];
  const tfImport: number[] = [];
  let trivial: number[] = [];
  let rssBefore = NaN;
  let rssAfter = NaN;
  for (let i = 0; i < STARTS; i++) {
    process.stderr.write(`bench: ${k.name} start ${i + 1}/${STARTS}\n`);
    const [readyMs, client] = await timed(() => KernelClient.start({ argv: k.argv, cwd: packageRoot, env, readyTimeoutMs: 60_000 }));
    ready.push(readyMs);
    const [first, r0] = await timed(() => client.execute("1 + 1"));
    if (r0.reply.content["status"] !== "ok") throw new Error(`${k.name}: '1 + 1' failed: ${JSON.stringify(r0.reply.content)}`);
    firstCell.push(first);
    const [tfMs, r1] = await timed(() => client.execute('import * as tf from "@tensorflow/tfjs";\ntf.add(1, 2).dataSync()[0]'));
    if (r1.reply.content["status"] === "ok") tfImport.push(tfMs);
    else if (i === 0) notes.push(`${k.name}: the tfjs import failed (${String(r1.reply.content["ename"])}: ${String(r1.reply.content["evalue"]).slice(0, 120)}); its trivial cells ran without it`);
    let hung = false;
    if (i === 0) {
      const pid = client.process.pid!;
      rssBefore = rssMiB(pid);
      const samples: number[] = [];
      for (let c = 0; c < CELLS; c++) {
        try {
          const [ms] = await timed(() => client.execute(`${c} + 1`, { timeoutMs: 10_000 }));
          samples.push(ms);
        } catch (err) {
          // A kernel that never answers a trivial cell is a finding, not a reason to abort the comparison.
          process.stderr.write(`bench: ${k.name}: trivial cell ${c + 1} got no answer in 10 s (${(err as Error).message}); stopping its series\n`);
          notes.push(`${k.name}: no answer to trivial cell ${c + 1} of ${CELLS} within 10 s (series stopped there)`);
          hung = true;
          break;
        }
      }
      trivial = samples;
      rssAfter = rssMiB(pid);
    }
    if (hung) client.process.kill("SIGKILL");
    await client.shutdown();
  }
  // Start-up varies run to run on a shared machine: every start's figures, not only the median.
  notes.push(`${k.name}: ready ${ready.map((v) => v.toFixed(0)).join(", ")} ms; first cell ${firstCell.map((v) => v.toFixed(0)).join(", ")} ms (each start)`);
  return {
    name: k.name,
    readyMedian: quantile(ready, 0.5),
    firstCellMedian: quantile(firstCell, 0.5),
    sumMedian: quantile(ready.map((r, i) => r + firstCell[i]!), 0.5),
    tfImportMedian: quantile(tfImport, 0.5),
    trivialMedian: quantile(trivial, 0.5),
    trivialP90: quantile(trivial, 0.9),
    rssBefore,
    rssAfter,
    rssGrowth: rssAfter - rssBefore,
    cellsRun: trivial.length,
  };
}

const results: Row[] = [];
for (const k of kernels) {
  if (k.missing) {
    notes.push(`${k.name}: not run (${k.missing})`);
    continue;
  }
  // The machine may be shared: the load around each kernel's run says how far its figures can be trusted.
  const before = loadavg()[0]!;
  results.push(await measure(k));
  notes.push(`${k.name}: load average (1 min) ${before.toFixed(1)} before its run, ${loadavg()[0]!.toFixed(1)} after`);
}
const rows: [string, keyof Row][] = [
  ["time to kernel ready (ms, median)", "readyMedian"],
  ["first cell after ready, '1 + 1' (ms, median)", "firstCellMedian"],
  ["ready + first cell (ms, median of the sums)", "sumMedian"],
  ["first import of tfjs (ms, median)", "tfImportMedian"],
  ["trivial cell (ms, median)", "trivialMedian"],
  ["trivial cell (ms, p90)", "trivialP90"],
  ["resident memory before the trivial cells (MiB, kernel and its child processes)", "rssBefore"],
  ["resident memory after them (MiB, the same)", "rssAfter"],
  ["growth over the trivial cells (MiB)", "rssGrowth"],
  ["trivial cells answered", "cellsRun"],
];
const fmt = (v: number) => (Number.isNaN(v) ? "-" : Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1));
const mlsd = results.find((r) => r.name === "mlsd");
const others = results.filter((r) => r !== mlsd);
process.stdout.write(`Kernel benchmark: ${STARTS} starts, ${CELLS} trivial cells per kernel, Node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"} x ${cpus().length}\n\n`);
const ratioHeads = mlsd ? others.map((o) => ` mlsd / ${o.name} |`).join("") : "";
process.stdout.write(`| measure |${results.map((r) => ` ${r.name} |`).join("")}${ratioHeads}\n|---|${results.map(() => "---:|").join("")}${mlsd ? others.map(() => "---:|").join("") : ""}\n`);
for (const [label, key] of rows) {
  const cells = results.map((r) => ` ${fmt(r[key] as number)} |`).join("");
  const ratios = mlsd && key !== "cellsRun" ? others.map((o) => ` ${((mlsd[key] as number) / (o[key] as number)).toFixed(2)} |`).join("") : mlsd ? others.map(() => " |").join("") : "";
  process.stdout.write(`| ${label} |${cells}${ratios}\n`);
}
if (notes.length > 0) process.stdout.write(`\n${notes.map((n) => `- ${n}`).join("\n")}\n`);
