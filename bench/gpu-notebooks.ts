/**
 * Every curated notebook on the automatic backend and on wasm, for the lent GPU machine (issue 21; packed by
 * bench/gpu-notebooks-pack.sh, which prints the device command). Runs each notebook through `mlsd run` twice,
 * first with `MLSD_BACKEND` unset (the kernel's and the notebook's `useBackend("auto")` pick WebGPU where Dawn
 * finds an adapter), then with `MLSD_BACKEND=wasm`, and one notebook's exported pipeline (`mlsd export`, then
 * the script, on the automatic backend). Prints the adapter and the backend this process chose first, and a
 * markdown table last: backend chosen, wall time of each run, whether every check passed (the run exited 0, no
 * cell has an error output, every code cell ran), and the largest difference in the figures printed
 * (bench/notebook-diff.ts says which figures). With `OUT` set, writes the table, a JSON record and the runs'
 * logs of failures there.
 *   node dist/bench/gpu-notebooks.js [--only 00,05] [--skip 03] [--jobs N] [--export NAME|none] [--timeout S] [--work DIR]
 * --only/--skip take notebook numbers or names; --jobs (default: half the cores, at most 8) notebooks run at
 * once, each kernel with MLSD_THREADS = cores / jobs; --timeout: seconds a cell may run (a whole run is killed
 * 60 s after that); --deadline: seconds after which no run starts (the rest is listed as not run); --work
 * (default: the temp folder) holds the runs.
 */
import { spawn } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { availableParallelism, cpus, tmpdir } from "node:os";
import { basename, join } from "node:path";
import { describeBackend, useBackend } from "../lib/backend/index.js";
import { isExported } from "../kernel/export.js";
import { readNotebook, sourceText, type Notebook } from "../kernel/notebook.js";
import { packageRoot } from "../kernel/paths.js";
import { loadTypeScript } from "../kernel/ts/load.js";
import { compareFigures, comparableText, describeComparison, notebookFigures, printedText, type Comparison } from "./notebook-diff.js";

interface Args {
  only?: string[];
  skip: string[];
  jobs: number;
  exportName: string;
  timeoutS: number;
  /** Seconds after which no further run starts (what has not run is listed), so the table comes out in time. */
  deadlineS: number;
  out: string;
}

function parseArgs(argv: string[]): Args {
  const cores = availableParallelism();
  const args: Args = { skip: [], jobs: Math.max(1, Math.min(8, Math.floor(cores / 2))), exportName: "06-class-imbalance", timeoutS: 400, deadlineS: Infinity, out: join(tmpdir(), "mlsd-gpu-notebooks") };
  const list = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === "--only") args.only = list(value());
    else if (flag === "--skip") args.skip.push(...list(value()));
    else if (flag === "--jobs") {
      const v = value();
      args.jobs = Number(v);
      if (!(Number.isInteger(args.jobs) && args.jobs >= 1)) throw new Error(`--jobs must be an integer >= 1; got '${v}'`);
    } else if (flag === "--export") args.exportName = value();
    else if (flag === "--timeout") {
      const v = value();
      args.timeoutS = Number(v);
      if (!(args.timeoutS > 0)) throw new Error(`--timeout must be a number of seconds > 0; got '${v}'`);
    } else if (flag === "--deadline") {
      const v = value();
      args.deadlineS = Number(v);
      if (!(args.deadlineS > 0)) throw new Error(`--deadline must be a number of seconds > 0; got '${v}'`);
    } else if (flag === "--work") args.out = value();
    else throw new Error(`unknown option '${flag}'; options: --only a,b --skip a,b --jobs N --export NAME|none --timeout S --deadline S --work DIR`);
  }
  return args;
}

/** A notebook named by its number or file name: "05", "05-labeling" or "05-labeling.ipynb". */
const matches = (file: string, names: string[]) => names.some((n) => file === n || file === `${n}.ipynb` || file.startsWith(`${n}-`));

interface Run {
  mode: "auto" | "wasm";
  seconds: number;
  status: number | null;
  stderr: string;
  nb?: Notebook;
  /** The backend the notebook printed (`tfjs backend: ...`), with the adapter or reason. */
  backendLine?: string;
  backend?: string;
  /** The backend the notebook names in its own useBackend call; its wasm run then leaves MLSD_BACKEND unset. */
  pinned?: string;
  errorCells: number[];
  notRun: number[];
  passed: boolean;
  skippedByDeadline?: boolean;
}

interface Proc {
  status: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function run(cmd: string, argv: string[], env: NodeJS.ProcessEnv, cwd: string, timeoutS: number): Promise<Proc> {
  return new Promise((done) => {
    const started = performance.now();
    const child = spawn(cmd, argv, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on("data", (d: Buffer) => out.push(d));
    child.stderr.on("data", (d: Buffer) => err.push(d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutS * 1000);
    child.on("close", (status, signal) => {
      clearTimeout(timer);
      const stderr = Buffer.concat(err).toString() + (signal ? `\n(killed by ${signal} after ${timeoutS} s)\n` : "");
      done({ status, stdout: Buffer.concat(out).toString(), stderr, seconds: (performance.now() - started) / 1000 });
    });
  });
}

const BACKEND = /tfjs backend: (\w+)(?: \[[^\]\n]*\])?/;

/**
 * The backend a notebook asks for by name (`useBackend("cpu")`), if it does. MLSD_BACKEND overrides that call
 * too, so a pinned notebook's wasm run leaves MLSD_BACKEND unset. (16-augmentation pinned cpu until it asked
 * for the kernels it needs instead, `useBackend("auto", { kernels: ["Conv2DBackpropFilter", ...] })`: under
 * MLSD_BACKEND=wasm that skips wasm, which has no convolution gradient, for cpu, and says so.)
 */
function pinnedBackend(nb: Notebook): string | undefined {
  for (const c of nb.cells) {
    if (c.cell_type !== "code") continue;
    const m = /useBackend\(\s*["'](tensorflow|webgpu|wasm|cpu)["']\s*\)/.exec(sourceText(c));
    if (m) return m[1];
  }
  return undefined;
}

function childEnv(mode: "auto" | "wasm", threads: number, pinned?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, MLSD_HISTORY_FILE: "", MLSD_THREADS: String(threads) };
  delete env["MLSD_BACKEND"];
  if (mode === "wasm" && !pinned) env["MLSD_BACKEND"] = "wasm";
  return env;
}

const t0 = performance.now();
const pastDeadline = (args: Args) => (performance.now() - t0) / 1000 > args.deadlineS;

async function runNotebook(file: string, mode: "auto" | "wasm", args: Args, threads: number): Promise<Run> {
  if (pastDeadline(args)) return { mode, seconds: NaN, status: null, stderr: `not started: past --deadline ${args.deadlineS} s`, errorCells: [], notRun: [], passed: false, skippedByDeadline: true };
  const outDir = join(args.out, mode);
  const pinned = pinnedBackend(readNotebook(join(packageRoot, "notebooks", file)));
  const p = await run(process.execPath, [join(packageRoot, "dist", "kernel", "cli.js"), "run", join("notebooks", file), "--out", outDir, "--timeout", String(args.timeoutS)], childEnv(mode, threads, pinned), packageRoot, args.timeoutS + 60);
  const r: Run = { mode, seconds: p.seconds, status: p.status, stderr: p.stderr, errorCells: [], notRun: [], passed: false, ...(pinned ? { pinned } : {}) };
  const written = join(outDir, file);
  if (existsSync(written)) {
    r.nb = readNotebook(written);
    r.nb.cells.forEach((c, i) => {
      if (c.cell_type !== "code") return;
      if ((c.outputs ?? []).some((o) => o.output_type === "error")) r.errorCells.push(i + 1);
      if (c.execution_count === null || c.execution_count === undefined) r.notRun.push(i + 1);
    });
    for (const c of r.nb.cells) {
      const m = BACKEND.exec(printedText(c.outputs ?? []));
      if (m) {
        r.backendLine = m[0];
        r.backend = m[1];
        break;
      }
    }
  }
  r.passed = p.status === 0 && !/failed:/.test(p.stderr) && r.nb !== undefined && r.errorCells.length === 0 && r.notRun.length === 0;
  return r;
}

interface ExportResult {
  name: string;
  passed: boolean;
  seconds: number;
  comparison?: Comparison;
  detail: string;
}

/** `mlsd export`, the script transpiled by TypeScript (the machine has no tsx), run on the automatic backend. */
async function runExport(file: string, auto: Run | undefined, args: Args, threads: number): Promise<ExportResult> {
  const name = file.replace(/\.ipynb$/, "");
  // A project of its own with mlsd and its dependencies linked in, as test/notebooks/notebooks.test.ts makes one.
  const dir = join(args.out, "export");
  rmSync(dir, { recursive: true, force: true });
  const pkg = JSON.parse(readFileSync(join(packageRoot, "package.json"), "utf8")) as { dependencies: Record<string, string> };
  for (const [dep, target] of [["mlsd", packageRoot], ...Object.keys(pkg.dependencies).map((d) => [d, join(packageRoot, "node_modules", d)])] as [string, string][]) {
    if (!existsSync(target)) continue;
    mkdirSync(join(dir, "node_modules", dep, ".."), { recursive: true });
    symlinkSync(target, join(dir, "node_modules", dep));
  }
  const script = join(dir, `${name}.mts`);
  const exp = await run(process.execPath, [join(packageRoot, "dist", "kernel", "cli.js"), "export", join("notebooks", file), "-o", script], childEnv("auto", threads), packageRoot, 120);
  if (exp.status !== 0) return { name, passed: false, seconds: 0, detail: `mlsd export failed: ${exp.stderr.slice(-500)}` };
  const ts = await loadTypeScript();
  const js = ts.transpileModule(readFileSync(script, "utf8"), { fileName: script, compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  const mjs = join(dir, `${name}.mjs`);
  writeFileSync(mjs, js);
  const res = await run(process.execPath, [mjs], childEnv("auto", threads), dir, args.timeoutS + 60);
  const passed = res.status === 0 && res.stderr.trim() === "";
  if (!auto?.nb) return { name, passed, seconds: res.seconds, detail: `${passed ? "ran" : `failed (status ${res.status}): ${res.stderr.slice(-500)}`}; no notebook run to compare with` };
  const fromNotebook = auto.nb.cells.filter(isExported).map((c) => printedText(c.outputs ?? [])).join("");
  const comparison = compareFigures([{ cell: 0, text: comparableText(fromNotebook) }], [{ cell: 0, text: comparableText(res.stdout) }]);
  const same = res.stdout === fromNotebook;
  return { name, passed, seconds: res.seconds, comparison, detail: `${passed ? "ran" : `failed (status ${res.status}): ${res.stderr.slice(-800)}`}; stdout ${same ? "equals" : "differs from"} the notebook's exported cells' output (${describeComparison(comparison)})` };
}

/** Runs `tasks` with at most `jobs` at once, keeping their order in the results. */
async function pool<T>(tasks: (() => Promise<T>)[], jobs: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(jobs, tasks.length) }, async () => {
      while (next < tasks.length) {
        const i = next++;
        results[i] = await tasks[i]!();
      }
    }),
  );
  return results;
}

const checks = (r: Run) => (r.skippedByDeadline ? "not run (deadline)" : r.passed ? "pass" : `FAIL${r.status !== 0 ? ` (exit ${r.status})` : ""}${r.errorCells.length ? ` errors in cells ${r.errorCells.join(",")}` : ""}${r.notRun.length ? ` ${r.notRun.length} cells not run` : ""}`);

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const report = await useBackend("auto");
  const cpu = cpus()[0]?.model ?? "unknown CPU";
  process.stdout.write(`${describeBackend(report)}\nthis process: Node ${process.version}, ${availableParallelism()} cores (${cpu}), ${args.jobs} notebook(s) at once\n`);
  const all = readdirSync(join(packageRoot, "notebooks")).filter((f) => f.endsWith(".ipynb")).sort();
  const files = all.filter((f) => (!args.only || matches(f, args.only)) && !matches(f, args.skip));
  const skipped = all.filter((f) => !files.includes(f));
  const threads = Math.max(1, Math.floor(availableParallelism() / args.jobs));
  mkdirSync(args.out, { recursive: true });
  if (process.env["OUT"]) mkdirSync(process.env["OUT"], { recursive: true });
  // Each notebook's two runs one after the other, so the pair sees the same load from the others.
  const pairs = await pool(
    files.map((file) => async () => {
      const auto = await runNotebook(file, "auto", args, threads);
      const wasm = await runNotebook(file, "wasm", args, threads);
      const line = `${file}: auto ${auto.backend ?? "?"} ${auto.seconds.toFixed(1)} s ${checks(auto)}; wasm ${wasm.backend ?? "?"} ${wasm.seconds.toFixed(1)} s ${checks(wasm)}\n`;
      process.stdout.write(line);
      // As each pair ends, so a run cut short by the device's time limit still brings something back.
      if (process.env["OUT"]) appendFileSync(join(process.env["OUT"], "gpu-notebooks.progress.txt"), line);
      return { file, auto, wasm };
    }),
    args.jobs,
  );
  const exportFile = args.exportName === "none" ? undefined : all.find((f) => matches(f, [args.exportName]));
  if (args.exportName !== "none" && !exportFile) throw new Error(`--export: no notebook '${args.exportName}' in notebooks/`);
  const exported = exportFile && !pastDeadline(args) ? await runExport(exportFile, pairs.find((p) => p.file === exportFile)?.auto, args, threads) : undefined;

  const rows = [
    "| notebook | backend (auto) | auto s | wasm s | wasm / auto | checks auto | checks wasm | largest difference auto vs wasm |",
    "|---|---|---:|---:|---:|---|---|---|",
  ];
  const record = [];
  for (const { file, auto, wasm } of pairs) {
    const comparison = auto.nb && wasm.nb ? compareFigures(notebookFigures(auto.nb), notebookFigures(wasm.nb)) : undefined;
    const diff = comparison ? describeComparison(comparison) : "no output notebook";
    const chosen = `${auto.backend ?? "?"}${auto.pinned ? ` (pinned by the notebook; 2nd run ${wasm.backend ?? "?"} too)` : wasm.backend !== "wasm" ? ` (2nd run: ${wasm.backend ?? "?"})` : ""}`;
    rows.push(`| ${file.replace(/\.ipynb$/, "")} | ${chosen} | ${auto.seconds.toFixed(1)} | ${wasm.seconds.toFixed(1)} | ${(wasm.seconds / auto.seconds).toFixed(2)} | ${checks(auto)} | ${checks(wasm)} | ${diff} |`);
    record.push({ file, comparison, ...Object.fromEntries([auto, wasm].map((r) => [r.mode, { backend: r.backend, backendLine: r.backendLine, seconds: r.seconds, status: r.status, passed: r.passed, errorCells: r.errorCells, notRun: r.notRun }])) });
    for (const r of [auto, wasm]) if (!r.passed && !r.skippedByDeadline) process.stdout.write(`\n${file} (${r.mode}) failed; stderr's end:\n${r.stderr.slice(-1500)}\n`);
  }
  const total = (performance.now() - started) / 1000;
  const allPassed = pairs.every((p) => p.auto.passed && p.wasm.passed) && (exported?.passed ?? true);
  const lines = [
    `tfjs backend of this process: ${describeBackend(report)}`,
    "",
    ...rows,
    "",
    ...(skipped.length > 0 ? [`Not run (--only/--skip): ${skipped.map((f) => f.replace(/\.ipynb$/, "")).join(", ")}.`] : []),
    exportFile && !exported ? `Exported pipeline ${exportFile}: not run (past --deadline).` : exported ? `Exported pipeline ${exported.name} (auto backend, ${exported.seconds.toFixed(1)} s): ${exported.passed ? "pass" : "FAIL"}; ${exported.detail}` : "No exported pipeline run (--export none).",
    `${pairs.length} notebooks, ${pairs.filter((p) => p.auto.passed && p.wasm.passed).length} passed both runs; ${args.jobs} at once, MLSD_THREADS=${threads}; total ${total.toFixed(0)} s.`,
  ];
  process.stdout.write(`\n${lines.join("\n")}\n`);
  const outEnv = process.env["OUT"];
  if (outEnv) {
    mkdirSync(outEnv, { recursive: true });
    writeFileSync(join(outEnv, "gpu-notebooks.md"), `${lines.join("\n")}\n`);
    writeFileSync(join(outEnv, "gpu-notebooks.json"), JSON.stringify({ backend: report, cores: availableParallelism(), cpu, jobs: args.jobs, totalSeconds: total, notebooks: record, exported }, null, 1));
    // One file for every failed run's stderr: the device brings back at most 8 files.
    const failures = pairs.flatMap(({ file, auto, wasm }) => [auto, wasm].filter((r) => !r.passed && !r.skippedByDeadline).map((r) => `=== ${basename(file, ".ipynb")} (${r.mode}), exit ${r.status} ===\n${r.stderr.slice(-20_000)}\n`));
    if (failures.length > 0) writeFileSync(join(outEnv, "gpu-notebooks.failures.txt"), failures.join("\n"));
  }
  process.exitCode = allPassed ? 0 : 1;
}

await main();
