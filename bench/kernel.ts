/**
 * Kernel benchmark: mlsd against tslab, side by side in one run, over the real Jupyter protocol.
 *   npm run bench:kernel            (defaults: 5 starts, 100 trivial cells per kernel)
 *   node dist/bench/kernel.js --starts 5 --cells 100
 * Reports time to ready (spawn to first kernel_info_reply with iopub connected), trivial-cell latency
 * (median, p90), first-cell latency, the first `import` of tfjs, and the kernel's resident memory.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { KernelClient } from "../kernel/client.js";
import { kernelArgv } from "../kernel/install.js";
import { packageRoot } from "../kernel/paths.js";

interface KernelUnderTest {
  name: string;
  argv: string[];
}

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const STARTS = arg("starts", 5);
const CELLS = arg("cells", 100);

const kernels: KernelUnderTest[] = [
  { name: "mlsd", argv: kernelArgv() },
  { name: "tslab", argv: [process.execPath, join(packageRoot, "node_modules", "tslab", "bin", "tslab"), "kernel", "--config-path", "{connection_file}"] },
];

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const rssMiB = (pid: number) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : NaN;
};
const env: NodeJS.ProcessEnv = { ...process.env, MLSD_HISTORY_FILE: "" };
if (process.argv.includes("--types-main")) env["MLSD_TYPES_THREAD"] = "main";

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const v = await f();
  return [performance.now() - t, v];
}

async function measure(k: KernelUnderTest) {
  const ready: number[] = [];
  const firstCell: number[] = [];
  const tfImport: number[] = [];
  let trivial: number[] = [];
  let rss = NaN;
  for (let i = 0; i < STARTS; i++) {
    process.stderr.write(`bench: ${k.name} start ${i + 1}/${STARTS}\n`);
    const [readyMs, client] = await timed(() => KernelClient.start({ argv: k.argv, cwd: packageRoot, env }));
    ready.push(readyMs);
    const [first, r0] = await timed(() => client.execute("1 + 1"));
    if (r0.reply.content["status"] !== "ok") throw new Error(`${k.name}: '1 + 1' failed: ${JSON.stringify(r0.reply.content)}`);
    firstCell.push(first);
    const [tfMs, r1] = await timed(() => client.execute('import * as tf from "@tensorflow/tfjs";\ntf.add(1, 2).dataSync()[0]'));
    if (r1.reply.content["status"] !== "ok") throw new Error(`${k.name}: tfjs import failed: ${JSON.stringify(r1.reply.content)}`);
    tfImport.push(tfMs);
    let hung = false;
    if (i === 0) {
      const samples: number[] = [];
      for (let c = 0; c < CELLS; c++) {
        try {
          const [ms] = await timed(() => client.execute(`${c} + 1`, { timeoutMs: 10_000 }));
          samples.push(ms);
        } catch (err) {
          // A kernel that never answers a trivial cell is a finding, not a reason to abort the comparison.
          process.stderr.write(`bench: ${k.name}: trivial cell ${c + 1} got no answer in 10 s (${(err as Error).message}); stopping its series\n`);
          hangs.push(`${k.name}: trivial cell ${c + 1} of ${CELLS}`);
          hung = true;
          break;
        }
      }
      trivial = samples;
      rss = rssMiB(client.process.pid!);
    }
    if (hung) client.process.kill("SIGKILL");
    await client.shutdown();
  }
  return {
    name: k.name,
    readyMedian: quantile(ready, 0.5),
    firstCellMedian: quantile(firstCell, 0.5),
    tfImportMedian: quantile(tfImport, 0.5),
    trivialMedian: quantile(trivial, 0.5),
    trivialP90: quantile(trivial, 0.9),
    rssMiB: rss,
  };
}

const hangs: string[] = [];
const results = [];
for (const k of kernels) results.push(await measure(k));
const [m, t] = results as [Awaited<ReturnType<typeof measure>>, Awaited<ReturnType<typeof measure>>];
const rows: [string, keyof typeof m, string][] = [
  ["time to kernel ready (ms, median)", "readyMedian", "ms"],
  ["first cell, '1 + 1' (ms, median)", "firstCellMedian", "ms"],
  ["trivial cell (ms, median)", "trivialMedian", "ms"],
  ["trivial cell (ms, p90)", "trivialP90", "ms"],
  ["first import of tfjs (ms, median)", "tfImportMedian", "ms"],
  ["resident memory after tfjs + cells (MiB)", "rssMiB", "MiB"],
];
const fmt = (v: number) => (v >= 100 ? v.toFixed(0) : v.toFixed(1));
process.stdout.write(`Kernel benchmark: ${STARTS} starts, ${CELLS} trivial cells per kernel, Node ${process.version}\n\n`);
process.stdout.write(`| measure | mlsd | tslab | mlsd / tslab |\n|---|---:|---:|---:|\n`);
for (const [label, key] of rows) {
  const a = m[key] as number;
  const b = t[key] as number;
  process.stdout.write(`| ${label} | ${fmt(a)} | ${fmt(b)} | ${(a / b).toFixed(2)} |\n`);
}
if (hangs.length > 0) process.stdout.write(`\nNo answer within 10 s (series stopped there): ${hangs.join("; ")}\n`);
