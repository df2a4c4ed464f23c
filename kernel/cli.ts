#!/usr/bin/env node
/** The `mlsd` command line: kernel install, the kernel process, start Jupyter, run notebooks. */
import { Command, Option } from "commander";

/** A command-line integer option with a floor, refusing anything else by name. */
const intOption = (name: string, min: number) => (v: string) => {
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= min)) throw new Error(`${name} must be an integer >= ${min}; got '${v}'`);
  return n;
};

const program = new Command("mlsd").description("TypeScript lab for Machine Learning Systems Design: Jupyter kernel and tools.");

const kernel = program
  .command("kernel")
  .description("run the Jupyter kernel (as Jupyter does), or install its kernelspec")
  .option("--connection-file <file>", "Jupyter connection file (Jupyter passes it)")
  .action(async (opts: { connectionFile?: string }) => {
    if (!opts.connectionFile) {
      kernel.help({ error: true });
    }
    const { startKernel } = await import("./main.js");
    await startKernel(opts.connectionFile!);
  });

kernel
  .command("install")
  .description("write the kernelspec (kernel name 'mlsd') where `jupyter kernelspec install` would")
  .addOption(new Option("--user", "install for the current user").conflicts(["sysPrefix", "prefix"]))
  .addOption(new Option("--sys-prefix", "install into Python's sys.prefix (virtualenv/conda)").conflicts(["user", "prefix"]))
  .addOption(new Option("--prefix <dir>", "install into <dir>/share/jupyter/kernels").conflicts(["user", "sysPrefix"]))
  .option("--name <name>", "kernel name", "mlsd")
  .action(async (opts: { user?: boolean; sysPrefix?: boolean; prefix?: string; name: string }) => {
    const { installKernelSpec } = await import("./install.js");
    const dir = installKernelSpec(opts);
    process.stdout.write(`Installed kernelspec ${opts.name} in ${dir}\n`);
  });

program
  .command("start")
  .description("register the kernel, trust the shipped notebooks, and start Jupyter (Lab or Notebook) on notebooks/")
  .option("--dir <dir>", "folder to open (default: this package's notebooks/)")
  .option("--no-browser", "do not open a browser")
  .option("--port <port>", "port for Jupyter", intOption("--port", 1))
  .option("--no-trust", "do not sign the shipped notebooks in Jupyter's signature database")
  .action(async (opts: { dir?: string; browser?: boolean; port?: number; trust?: boolean }) => {
    const { start } = await import("./start.js");
    start({ ...(opts.dir ? { dir: opts.dir } : {}), ...(opts.browser === false ? { browser: false } : {}), ...(opts.port ? { port: opts.port } : {}), ...(opts.trust === false ? { trust: false } : {}) });
  });

program
  .command("run")
  .description("execute notebooks headless through the kernel and write them with their outputs")
  .argument("<notebook...>", "notebooks to run")
  .option("--out <dir>", "write executed notebooks here (default: in place)")
  .option("--param <name=value>", "set a parameter (repeatable), checked against the cell tagged 'parameters' and injected after it", (v: string, acc: string[]) => [...acc, v], [] as string[])
  .option("--timeout <seconds>", "interrupt a cell that runs longer than this", (v) => {
    const n = Number(v);
    if (!(n > 0)) throw new Error(`--timeout must be a number of seconds > 0; got '${v}'`);
    return n;
  })
  .option("--allow-errors", "run every cell even if one fails, recording errors in the output (exit status is still 1)")
  .option("--kernel <name>", "kernel to run (a kernelspec name, or typescript / javascript); default: the notebook's kernelspec")
  .action(async (notebooks: string[], opts: { out?: string; param: string[]; timeout?: number; allowErrors?: boolean; kernel?: string }) => {
    const { runNotebook, CellFailedError } = await import("./run.js");
    for (const nb of notebooks) {
      try {
        const out = await runNotebook(nb, { params: opts.param, ...(opts.out ? { outDir: opts.out } : {}), ...(opts.timeout ? { timeoutS: opts.timeout } : {}), ...(opts.allowErrors ? { allowErrors: true } : {}), ...(opts.kernel ? { kernel: opts.kernel } : {}) });
        process.stdout.write(`mlsd run: ${nb}: ok, written to ${out}\n`);
      } catch (err) {
        process.stderr.write(`mlsd run: ${err instanceof CellFailedError ? err.message : `${nb}: ${(err as Error).message}`}\n`);
        process.exitCode = 1;
        if (!opts.allowErrors) return;
      }
    }
  });

program
  .command("export")
  .description("export a notebook's cells tagged 'export' (or starting with //| export) as a TypeScript ES module, or a vitest test")
  .argument("<notebook>", "notebook to export")
  .option("-o, --output <file>", "write the script here, a .mts file (default: standard output)")
  .option("--test", "write a vitest test file (name it *.test.mts) running the pipeline with its parameters' defaults")
  .action(async (notebook: string, opts: { output?: string; test?: boolean }) => {
    const [{ exportNotebook }, { readNotebook }, { checkModuleFile }, { writeFileSync }] = await Promise.all([import("./export.js"), import("./notebook.js"), import("./module-kind.js"), import("node:fs")]);
    if (opts.output) checkModuleFile(opts.output, "-o");
    const script = await exportNotebook(readNotebook(notebook), notebook, { test: Boolean(opts.test) });
    if (opts.output) {
      writeFileSync(opts.output, script);
      process.stderr.write(`mlsd export: ${notebook} -> ${opts.output}\n`);
    } else process.stdout.write(script);
  });

program
  .command("clean")
  .description("normalise notebooks so a re-run without edits leaves git clean (counts, timings, view state; outputs kept)")
  .argument("[notebook...]", "notebooks to clean in place")
  .option("--check", "change nothing; exit 1 listing the notebooks that are not clean")
  .option("--reference <file>", "keep this version's outputs for unchanged cells tagged nbval-ignore-output (default: git's index)")
  .option("--stdin", "read one notebook from standard input and write it cleaned to standard output (git's clean filter)")
  .option("--path <file>", "with --stdin: the notebook's path, to find its committed version")
  .option("--install-git-filter", "register `mlsd clean` as the git clean filter for notebooks in this repository")
  .action(async (notebooks: string[], opts: { check?: boolean; reference?: string; stdin?: boolean; path?: string; installGitFilter?: boolean }) => {
    const [{ cleanNotebook }, { readNotebook, parseNotebook }, git, { readFileSync, writeFileSync }] = await Promise.all([import("./clean.js"), import("./notebook.js"), import("./git-filter.js"), import("node:fs")]);
    if (opts.installGitFilter) {
      const root = git.installGitFilter(process.cwd());
      process.stdout.write(`mlsd clean: git filter '${git.FILTER_NAME}' registered in ${root}/.git/config; notebooks matched by ${root}/.gitattributes are cleaned when staged\n`);
      if (notebooks.length === 0 && !opts.stdin) return;
    }
    const reference = (path: string | undefined) => (opts.reference ? readNotebook(opts.reference) : path ? git.committedVersion(path) : undefined);
    if (opts.stdin) {
      const input = readFileSync(0, "utf8");
      // As a git filter it must never lose a file: anything it cannot read as a notebook passes through unchanged.
      let output = input;
      try {
        output = cleanNotebook(parseNotebook(input, opts.path ?? "<stdin>"), reference(opts.path)).text;
      } catch (err) {
        process.stderr.write(`mlsd clean: ${(err as Error).message}; left unchanged\n`);
      }
      process.stdout.write(output);
      return;
    }
    if (notebooks.length === 0) throw new Error("clean: give notebooks to clean, or --stdin, or --install-git-filter");
    const dirty: string[] = [];
    for (const path of notebooks) {
      const before = readFileSync(path, "utf8");
      const { text } = cleanNotebook(readNotebook(path), reference(path));
      if (text === before) continue;
      dirty.push(path);
      if (!opts.check) writeFileSync(path, text);
    }
    if (opts.check && dirty.length > 0) {
      process.stderr.write(`mlsd clean: not clean (run \`mlsd clean\` on them): ${dirty.join(", ")}\n`);
      process.exitCode = 1;
    } else if (!opts.check) process.stderr.write(`mlsd clean: ${dirty.length} of ${notebooks.length} notebook(s) changed\n`);
  });

program
  .command("serve")
  .description("serve a saved model over HTTP with dynamic batching (POST /predict, the Open Inference Protocol's /v2 routes, GET /healthz, /readyz, /metrics)")
  .requiredOption("--model <dir>", "a folder written by saveModel (manifest.json and the model)")
  .option("--port <port>", "port to listen on", intOption("--port", 0), 8080)
  .option("--host <host>", "address to bind (default 127.0.0.1: this machine only)", "127.0.0.1")
  .option("--max-batch-size <n>", "instances per model call", intOption("--max-batch-size", 1), 32)
  .option("--max-queue-delay-ms <ms>", "longest wait for a batch to fill", intOption("--max-queue-delay-ms", 0), 5)
  .option("--max-queue-size <n>", "instances allowed to wait before answering 429", intOption("--max-queue-size", 1), 1024)
  .option("--model-name <name>", "the model's name in the Open Inference Protocol routes (/v2/models/<name>/infer)", "model")
  .action(async (opts: { model: string; port: number; host: string; maxBatchSize: number; maxQueueDelayMs: number; maxQueueSize: number; modelName: string }) => {
    const { loadSavedModel, readManifest, serve } = await import("../lib/deploy/index.js");
    // A tfjs model runs on the backend the kernel would choose (MLSD_BACKEND overrides), named in the log;
    // estimators need no tfjs at all.
    if (readManifest(opts.model).kind === "tfjs") {
      const { useBackend, describeBackend } = await import("../lib/backend/index.js");
      process.stdout.write(`mlsd serve: ${describeBackend(await useBackend())}\n`);
    }
    const model = await loadSavedModel(opts.model);
    if (model.executionProviders) process.stdout.write(`mlsd serve: ONNX Runtime (onnxruntime-node), execution providers ${model.executionProviders.join(", ")}\n`);
    const running = await serve(model, { port: opts.port, host: opts.host, maxBatchSize: opts.maxBatchSize, maxQueueDelayMs: opts.maxQueueDelayMs, maxQueueSize: opts.maxQueueSize, modelName: opts.modelName });
    process.stdout.write(`mlsd serve: ${opts.model} (version ${model.manifest.version}) on ${running.url}\n`);
    // SIGTERM (as an orchestrator sends) and Ctrl-C: stop taking requests, answer those in flight, exit.
    const stop = (signal: string) => {
      process.stderr.write(`mlsd serve: ${signal}, draining\n`);
      void running.close().then(() => process.exit(0));
    };
    process.once("SIGTERM", () => stop("SIGTERM"));
    process.once("SIGINT", () => stop("SIGINT"));
  });

program
  .command("predict")
  .description("batch prediction: read a table through DuckDB in chunks, predict, write Parquet atomically")
  .requiredOption("--model <dir>", "a folder written by saveModel")
  .requiredOption("--input <file>", "CSV, JSON or Parquet with the model's input columns")
  .requiredOption("--output <file>", "Parquet file to write (the input's columns plus the predictions)")
  .option("--chunk-rows <n>", "rows per chunk", intOption("--chunk-rows", 1), 100_000)
  .action(async (opts: { model: string; input: string; output: string; chunkRows: number }) => {
    const { loadSavedModel, batchPredict } = await import("../lib/deploy/index.js");
    const model = await loadSavedModel(opts.model);
    if (model.executionProviders) process.stdout.write(`mlsd predict: ONNX Runtime (onnxruntime-node), execution providers ${model.executionProviders.join(", ")}\n`);
    const { rows, chunks } = await batchPredict(model, { input: opts.input, output: opts.output, chunkRows: opts.chunkRows });
    process.stdout.write(`mlsd predict: ${rows} rows in ${chunks} chunks -> ${opts.output}\n`);
  });

program
  .command("worker")
  .description("run one rank of a distributed job: over TCP, one per machine, each with every rank's address; or under mpirun/srun (no --peers), rank and size from MPI")
  .argument("<module>", "the worker module: its default export is called with the rank's context (rank, size, collectives, args)")
  .option("--rank <r>", "this worker's rank, 0 to N - 1 (TCP)", intOption("--rank", 0))
  .option("--peers <endpoints>", "every rank's address in rank order, comma-separated (tcp://host:port); this rank binds its own. Without it, under an MPI launcher, MPI is the transport")
  .option("--args <json>", "arguments for the worker function, as JSON", "null")
  .action(async (module: string, opts: { rank?: number; peers?: string; args: string }) => {
    if (opts.peers === undefined && opts.rank !== undefined) throw new Error(`--rank comes with --peers (TCP); under mpirun or srun the rank comes from MPI; got --rank '${opts.rank}' without --peers`);
    if (opts.peers === undefined) return mpiWorker(module, opts.args);
    if (opts.rank === undefined) throw new Error("--rank is required with --peers");
    const peers = opts.peers.split(",").map((p) => p.trim());
    if (opts.rank >= peers.length) throw new Error(`--rank must be below the ${peers.length} peers given; got '${opts.rank}'`);
    const bad = peers.find((p) => !/^tcp:\/\/[^:]+:\d+$/.test(p));
    if (bad !== undefined) throw new Error(`--peers must be tcp://host:port addresses; got '${bad}'`);
    let args: unknown;
    try {
      args = JSON.parse(opts.args);
    } catch (err) {
      throw new Error(`--args must be JSON; got '${opts.args}' (${(err as Error).message})`);
    }
    const [{ ZmqTransport }, { runRank }, { pathToFileURL }, { resolve }, { existsSync }] = await Promise.all([import("../lib/distributed/transport.js"), import("../lib/distributed/worker-main.js"), import("node:url"), import("node:path"), import("node:fs")]);
    if (!existsSync(resolve(module))) throw new Error(`the worker module '${module}' does not exist`);
    const transport = await ZmqTransport.open(opts.rank, peers);
    const result = await runRank(pathToFileURL(resolve(module)).href, transport, args);
    // Typed arrays as plain arrays, so the result reads as JSON.
    process.stdout.write(`${JSON.stringify(result, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))}\n`);
  });

/** `mlsd worker MODULE` under mpirun or srun: rank and size from MPI; each rank prints its result as JSON. */
async function mpiWorker(module: string, argsJson: string): Promise<void> {
  const [{ runMpiWorker }, { underMpiLauncher }, { pathToFileURL }, { resolve }, { existsSync }] = await Promise.all([import("../lib/distributed/mpi-main.js"), import("../lib/distributed/mpi.js"), import("node:url"), import("node:path"), import("node:fs")]);
  if (!underMpiLauncher()) throw new Error("--peers is required unless the worker runs under an MPI launcher (mpirun -np N mlsd worker MODULE, or srun)");
  if (!existsSync(resolve(module))) throw new Error(`the worker module '${module}' does not exist`);
  let args: unknown;
  try {
    args = JSON.parse(argsJson);
  } catch (err) {
    throw new Error(`--args must be JSON; got '${argsJson}' (${(err as Error).message})`);
  }
  const result = await runMpiWorker(pathToFileURL(resolve(module)).href, args);
  process.stdout.write(`${JSON.stringify(result, (_k, v: unknown) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))}\n`);
}

program.parseAsync(process.argv).catch((err: Error) => {
  process.stderr.write(`mlsd: ${err.message}\n`);
  process.exitCode = 1;
});
