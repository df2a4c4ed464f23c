/**
 * The language half of the kernel: TypeScript cells checked, transpiled and run in this process, with rich
 * display, interrupt, and guards that keep the kernel alive whatever a cell does.
 */
import { createRequire } from "node:module";
import { join } from "node:path";
import { runInThisContext } from "node:vm";
import { describeBackend, useBackend, type BackendReport } from "../lib/backend/index.js";
import { mimeBundle, setSink, type MimeBundle } from "../lib/display/index.js";
import { display, clearOutput } from "../lib/display/display.js";
import { progress } from "../lib/display/progress.js";
import { OutputRouter, realStderrWrite } from "./capture.js";
import { commInfo, deliverComm, installComms } from "./comm.js";
import { InterruptGuard } from "./interrupt.js";
import { packageRoot } from "./paths.js";
import type { CompleteResult, ExecuteOutcome, ExecuteRequest, InspectResult, Interpreter, IsCompleteResult, OutputContext } from "./protocol/types.js";
import { setBroadcaster, makeDenoGlobal } from "./compat/deno.js";
import { isReactElement, jsx, jsxBundle } from "./compat/jsx.js";
import { installRuntime } from "./runtime.js";
import { cancelInput, installInputGlobals, setInputContext, watchInterrupts } from "./stdin.js";
import type { Message } from "./protocol/wire.js";
import { CellPositions } from "./ts/cell-positions.js";
import type { CellDiagnostic } from "./ts/checker.js";
import { describeProfile, kernelLanguage, kernelProfile, type CheckProfile, type Language } from "./ts/profile.js";
import { codePointToUnit, unitToCodePoint } from "./ts/positions.js";
import { TypeService } from "./ts/service.js";

const require = createRequire(import.meta.url);
const pkg = require("../../package.json") as { version: string };

const TRACE = Boolean(process.env["MLSD_TRACE"]);
/** `name?`, `name??`, `?name` or `??name` alone in a cell, or on the cell's last line after other code. */
const HELP = /^\s*(?:([A-Za-z_$][\w$.]*)\s*(\?{1,2})|(\?{1,2})\s*([A-Za-z_$][\w$.]*))\s*$/;
const HELP_LAST_LINE = /\n[ \t]*(?:([A-Za-z_$][\w$.]*)[ \t]*(\?{1,2})|(\?{1,2})[ \t]*([A-Za-z_$][\w$.]*))\s*$/;
const KERNEL_DIR = join(packageRoot, "dist", "kernel");

class InterruptedError extends Error {
  override name = "KeyboardInterrupt";
}

export interface InterpreterOptions {
  cwd?: string;
  /** Per-cell cap on stream output, in characters. */
  maxOutput?: number;
  /** Which tfjs backend to start; `MLSD_BACKEND` overrides it. */
  backend?: Parameters<typeof useBackend>[0];
  /** Cells' language: the "JavaScript (mlsd)" kernelspec sets MLSD_LANGUAGE=javascript. */
  language?: Language;
  /** A type service already started for this folder and language (the kernel starts it before loading the rest). */
  types?: TypeService;
}

export class TypeScriptInterpreter implements Interpreter {
  private readonly cwd: string;
  private readonly output: OutputRouter;
  private current: OutputContext | undefined;
  private readonly types: TypeService;
  private readonly backend: Promise<BackendReport | Error>;
  private interruptCurrent: ((err: Error) => void) | undefined;
  /** Marks when a cell runs and, with the native addon, stops busy code after an `await` on SIGINT. */
  readonly interrupts = new InterruptGuard();

  private readonly language: Language;
  private readonly profile: CheckProfile;
  /** Why tsconfig.json was not used, if it could not be read (the banner says so). */
  private readonly profileProblem: string | undefined;
  /** Position maps of the cells that ran, by script file name (`cell[3]`), for tracebacks. */
  private readonly positions = new Map<string, CellPositions>();

  constructor(options: InterpreterOptions = {}) {
    this.cwd = options.cwd ?? process.cwd();
    this.language = options.language ?? kernelLanguage();
    const { profile, problem } = kernelProfile(this.cwd, this.language);
    this.profile = profile;
    this.profileProblem = problem;
    this.output = new OutputRouter(options.maxOutput ?? Number(process.env["MLSD_MAX_OUTPUT_BYTES"] ?? 1_000_000));
    this.backend = useBackend(options.backend ?? "auto").catch((err: Error) => err);
    // The type service starts at once, beside the backend's start: its warm-up (parsing and binding the
    // standard library and Node's types, ~0.8 s of one core) is what a cell sent right after kernel_info waits
    // for. Started after the backend instead, kernel_info came ~0.3 s sooner on the 2-core machine but the first
    // cell ~0.45 s later (bench/RESULTS.md); with more cores, the two overlap completely.
    this.types = options.types ?? new TypeService(this.cwd, packageRoot, (text) => realStderrWrite(text), Promise.resolve(), this.profile);
    // When, since the process started, each half of the start-up was done (what "first cell after ready" waits on).
    if (TRACE) void this.backend.then(() => realStderrWrite(`mlsd trace: backend ready at ${performance.now().toFixed(0)} ms\n`));
    if (TRACE) void this.types.ready().then(() => realStderrWrite(`mlsd trace: type service warm at ${performance.now().toFixed(0)} ms\n`));
  }

  /** Patches the process for notebook use: output capture, display, crash guards, SIGINT. */
  install(): void {
    this.output.install();
    installRuntime(this.cwd);
    setSink({
      interactive: true,
      display: (data, metadata, displayId) => this.publish("display_data", { data, metadata, transient: displayId ? { display_id: displayId } : {} }),
      update: (data, metadata, displayId) => this.publish("update_display_data", { data, metadata, transient: { display_id: displayId } }),
      clear: (wait) => this.publish("clear_output", { wait }),
    });
    Object.assign(globalThis, { display, clearOutput, progress, __mlsd_jsx: jsx });
    installInputGlobals();
    watchInterrupts(this.interrupts.state);
    installComms((type, content, buffers, metadata) => {
      this.output.flush();
      this.current?.publish(type, content, buffers, metadata);
    }, () => this.current?.parent.header.msg_id);
    // Deno notebooks' display and version checks; a real Deno (none in Node) would be left alone.
    if (!("Deno" in globalThis)) Object.assign(globalThis, { Deno: makeDenoGlobal(pkg.version) });
    setBroadcaster((type, content, metadata) => this.publish(type, { ...content, ...(Object.keys(metadata).length > 0 && type.endsWith("display_data") ? { metadata } : {}) }));
    this.guardProcess();
    // Libraries loaded later (the wasm backend's Emscripten runtime) add handlers that rethrow and kill the process.
    void this.backend.then(() => this.guardProcess());
    process.on("SIGINT", () => {
      if (this.interrupts.sigintIsForRunningCell()) this.interrupt();
    });
    this.interrupts.watchSigint();
    // A cell calling process.exit() would take the kernel down with all its state: refuse, and say how to restart.
    process.exit = ((code?: number) => {
      throw new Error(`process.exit(${code ?? ""}) is disabled inside the kernel: it would lose every variable. Use Kernel > Restart instead.`);
    }) as typeof process.exit;
  }

  private readonly onUncaught = (err: unknown) => this.reportStray("Uncaught exception", err);
  private readonly onUnhandled = (err: unknown) => this.reportStray("Unhandled promise rejection", err);

  /** Makes the kernel's handlers the only process-level error handlers. */
  private guardProcess(): void {
    const events: [string, (err: unknown) => void][] = [["uncaughtException", this.onUncaught], ["unhandledRejection", this.onUnhandled]];
    const proc = process as unknown as NodeJS.EventEmitter;
    for (const [event, mine] of events) {
      for (const listener of proc.listeners(event)) if (listener !== mine) proc.removeListener(event, listener as (...a: unknown[]) => void);
      if (!proc.listeners(event).includes(mine)) proc.on(event, mine);
    }
  }

  async kernelInfo(): Promise<Record<string, unknown>> {
    const backend = await this.backend;
    const tsVersion = (require("typescript/package.json") as { version: string }).version;
    const backendLine = backend instanceof Error ? `tfjs backend: none (${backend.message})` : describeBackend(backend);
    return {
      status: "ok",
      protocol_version: "5.3",
      implementation: "mlsd",
      implementation_version: pkg.version,
      // codemirror_mode in the spec's common form (a string): strict clients type it as string | {name, version}.
      language_info:
        this.language === "javascript"
          ? { name: "javascript", version: process.versions.v8, mimetype: "text/javascript", file_extension: ".js", pygments_lexer: "javascript", codemirror_mode: "javascript" }
          : { name: "typescript", version: tsVersion, mimetype: "text/typescript", file_extension: ".ts", pygments_lexer: "typescript", codemirror_mode: "typescript" },
      banner: `mlsd ${pkg.version}: ${this.language === "javascript" ? "JavaScript" : `TypeScript ${tsVersion}`} on Node.js ${process.version}\n${backendLine}\n${describeProfile(this.profile)}${this.profileProblem ? `\n(tsconfig.json not used: ${this.profileProblem})` : ""}`,
      help_links: [
        { text: "mlsd README", url: "https://github.com/mlsd/mlsd#readme" },
        { text: "TypeScript handbook", url: "https://www.typescriptlang.org/docs/handbook/intro.html" },
        { text: "TensorFlow.js API", url: "https://js.tensorflow.org/api/latest/" },
      ],
      debugger: false,
    };
  }

  async execute(request: ExecuteRequest, ctx: OutputContext, announce?: () => void): Promise<ExecuteOutcome> {
    this.guardProcess();
    this.current = ctx;
    this.output.setTarget(ctx);
    setInputContext({ parent: ctx.parent, allowStdin: request.allow_stdin });
    // Before execute_input goes out: a SIGINT sent as soon as the frontend sees it must find this cell's serial.
    // Published first, a kernel thread descheduled between the two let the signal land "between cells", where it
    // is dropped as late, and the cell (awaiting forever) was never interrupted (a CI run under load).
    this.interrupts.cellBegins();
    try {
      announce?.();
      return await this.run(request, ctx);
    } finally {
      setInputContext(undefined);
      this.interrupts.cellEnded();
      this.interruptCurrent = undefined;
      this.output.finish();
    }
  }

  private async run(request: ExecuteRequest, ctx: OutputContext): Promise<ExecuteOutcome> {
    const help = HELP.exec(request.code);
    if (help) return this.page((help[1] ?? help[4])!, (help[2] ?? help[3])!.length);
    // IPython runs the code before a trailing `name?` line, then shows the help.
    const trailing = HELP_LAST_LINE.exec(request.code);
    const code = trailing ? request.code.slice(0, trailing.index) : request.code;
    // Armed before the type check: an interrupt that arrives while the cell is still being checked (slow on a
    // loaded machine) must stop this cell, not be lost and leave it to run.
    let interruptedBy: Error | undefined;
    const interrupted = new Promise<never>((_, reject) => {
      this.interruptCurrent = (err) => {
        interruptedBy = err;
        reject(err);
      };
    });
    interrupted.catch(() => undefined);
    const t0 = performance.now();
    let check: Awaited<ReturnType<TypeService["check"]>>;
    try {
      check = await this.types.check(code);
    } catch (err) {
      // The cell is not run unchecked; it gets an error (and its execute_reply) instead of waiting forever.
      return { status: "error", ename: "TypeServiceError", evalue: (err as Error).message.split("\n")[0]!, traceback: [(err as Error).message] };
    }
    const t1 = performance.now();
    if (interruptedBy) return runtimeErrorOutcome(interruptedBy, this.positions);
    if (check.diagnostics.length > 0) return typeErrorOutcome(code, check.diagnostics, ctx.executionCount);
    const { script } = check;
    const hasResult = check.hasResult && !trailing;
    if (check.positions) this.positions.set(`cell[${ctx.executionCount}]`, new CellPositions({ script, ...check.positions }));
    let value: unknown;
    try {
      this.interrupts.cellStarted();
      const filename = `cell[${ctx.executionCount}]`;
      const promise = this.interrupts.runCellScript((breakOnSigint) => runInThisContext(script, { filename, breakOnSigint }) as Promise<{ value: unknown } | undefined>);
      promise.catch(() => undefined); // an interrupted cell may still reject later; that is not "unhandled"
      const result = await Promise.race([promise, interrupted]);
      value = hasResult ? result?.value : undefined;
    } catch (err) {
      check.commit();
      this.output.flush();
      return runtimeErrorOutcome(err, this.positions);
    }
    check.commit();
    this.output.flush();
    if (trailing) return this.page((trailing[1] ?? trailing[4])!, (trailing[2] ?? trailing[3])!.length);
    const outcome: ExecuteOutcome = { status: "ok" };
    if (value !== undefined) outcome.result = await resultBundle(value);
    if (TRACE) realStderrWrite(`mlsd trace: check ${(t1 - t0).toFixed(2)} ms, run+display ${(performance.now() - t1).toFixed(2)} ms\n`);
    if (Object.keys(request.user_expressions).length > 0) outcome.userExpressions = await this.userExpressions(request.user_expressions);
    return outcome;
  }

  /** IPython's `name?` / `name??`: the type and documentation of `name`, shown in the pager. */
  private async page(name: string, marks: number): Promise<ExecuteOutcome> {
    const info = await this.inspect(name, name.length, marks - 1);
    if (!info.found) return { status: "error", ename: "NameError", evalue: `'${name}' is not defined`, traceback: [`NameError: '${name}' is not defined`] };
    return { status: "ok", payload: [{ source: "page", data: info.data, start: 0 }] };
  }

  async complete(code: string, cursorPos: number): Promise<CompleteResult> {
    const offset = codePointToUnit(code, cursorPos);
    const { matches, start, end } = await this.types.call("complete", { code, offset });
    return { matches, cursor_start: unitToCodePoint(code, start), cursor_end: unitToCodePoint(code, end), metadata: {} };
  }

  async inspect(code: string, cursorPos: number, detailLevel: number): Promise<InspectResult> {
    const info = await this.types.call("inspect", { code, offset: codePointToUnit(code, cursorPos) });
    if (!info) return { found: false, data: {}, metadata: {} };
    const doc = detailLevel > 0 || info.documentation ? `\n\n${info.documentation}` : "";
    return {
      found: true,
      data: { "text/plain": `${info.signature}${doc}`.trimEnd(), "text/markdown": `\`\`\`typescript\n${info.signature}\n\`\`\`${doc}` },
      metadata: {},
    };
  }

  async isComplete(code: string): Promise<IsCompleteResult> {
    return this.types.call("isComplete", { code });
  }

  interrupt(): void {
    cancelInput();
    this.interruptCurrent?.(new InterruptedError("The cell was interrupted; the kernel and its variables are kept."));
  }

  /** A comm message from the frontend; what its callbacks print or display has it as parent (Output widgets capture by that). */
  async comm(msg: Message, ctx: OutputContext): Promise<void> {
    const previous = this.current;
    this.output.flush();
    this.current = ctx;
    this.output.setTarget(ctx);
    try {
      await deliverComm(msg);
    } catch (err) {
      this.output.write("stderr", `Error in a comm callback: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    } finally {
      this.output.flush();
      this.current = previous;
      if (previous) this.output.setTarget(previous);
    }
  }

  commInfo(targetName?: string): Record<string, { target_name: string }> {
    return commInfo(targetName);
  }

  async shutdown(): Promise<void> {
    this.output.finish();
    await this.types.close();
  }

  private publish(type: string, content: Record<string, unknown>): void {
    this.output.flush();
    if (this.current) this.current.publish(type, content);
    else if (type === "display_data") realStderrWrite(`${String((content["data"] as MimeBundle)["text/plain"] ?? "")}\n`);
  }

  /** Errors from callbacks outside any cell's await chain: shown where the user is looking, never fatal. */
  private reportStray(kind: string, err: unknown): void {
    const text = err instanceof Error ? err.stack ?? `${err.name}: ${err.message}` : String(err);
    if (this.current) this.output.write("stderr", `${kind}: ${text}\n`);
    else realStderrWrite(`mlsd kernel: ${kind}: ${text}\n`);
  }

  private async userExpressions(expressions: Record<string, string>): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = {};
    for (const [key, expr] of Object.entries(expressions)) {
      try {
        const js = await this.types.call("expression", { code: expr });
        out[key] = { status: "ok", data: mimeBundle(runInThisContext(js)), metadata: {} };
      } catch (err) {
        out[key] = { status: "error", ...runtimeErrorFields(err, this.positions) };
      }
    }
    return out;
  }

}

function typeErrorOutcome(code: string, diagnostics: CellDiagnostic[], count: number): ExecuteOutcome {
  const lines = code.split("\n");
  const traceback: string[] = [];
  for (const d of diagnostics) {
    if (d.file) {
      // An error in a local module the cell imports: its own file, line and column.
      traceback.push(`${d.file}:${d.line}:${d.column} - error TS${d.code}: ${d.message}`);
      continue;
    }
    const src = lines[d.line - 1] ?? "";
    traceback.push(
      `cell[${count}]:${d.line}:${d.column} - error TS${d.code}: ${d.message}`,
      `  ${String(d.line).padStart(3)} | ${src}`,
      `      | ${" ".repeat(Math.max(0, d.column - 1))}^`,
    );
  }
  const first = diagnostics[0]!;
  return {
    status: "error",
    ename: "TypeScriptError",
    evalue: `${first.file ? `${first.file}, ` : ""}line ${first.line}, column ${first.column}: ${first.message}${diagnostics.length > 1 ? ` (and ${diagnostics.length - 1} more)` : ""}`,
    traceback,
  };
}

/**
 * The MIME bundle of a cell's value: React/JSX elements as HTML, a `[Symbol.for("Jupyter.display")]()` that
 * returns a promise (Deno's protocol allows it) awaited, anything else as mlsd's display shows it.
 */
async function resultBundle(value: unknown): Promise<MimeBundle> {
  if (isReactElement(value)) return jsxBundle(value);
  if (typeof value === "object" && value !== null) {
    const custom = (value as Record<symbol, unknown>)[Symbol.for("Jupyter.display")];
    if (typeof custom === "function") {
      const bundle = await (custom as () => unknown).call(value);
      if (typeof bundle === "object" && bundle !== null) return bundle as MimeBundle;
    }
  }
  return mimeBundle(value);
}

/** A stack frame's `cell[N]:line:column`, mapped to the cell's own line and column; null for the kernel's wrapper. */
const CELL_FRAME = /(cell\[\d+\]):(\d+):(\d+)/;

function mapFrame(frame: string, positions: Map<string, CellPositions>): string | null {
  const m = CELL_FRAME.exec(frame);
  if (!m) return frame;
  const map = positions.get(m[1]!);
  if (!map) return frame;
  const at = map.toCell(Number(m[2]), Number(m[3]));
  if (!at) return null;
  return frame.replace(CELL_FRAME, `${m[1]}:${at.line}:${at.column}`);
}

function runtimeErrorFields(err: unknown, positions: Map<string, CellPositions> = new Map()): { ename: string; evalue: string; traceback: string[] } {
  if (err instanceof Error || (typeof err === "object" && err !== null && "message" in err)) {
    const e = err as Error & { code?: string };
    const interruptedSync = e.code === "ERR_SCRIPT_EXECUTION_INTERRUPTED";
    const ename = interruptedSync ? "KeyboardInterrupt" : e.name || e.constructor?.name || "Error";
    const evalue = interruptedSync ? "The cell was interrupted; the kernel and its variables are kept." : String(e.message);
    // Keep the user's frames (cells and their libraries), drop the kernel's own.
    const frames = String(e.stack ?? "")
      .split("\n")
      .slice(1)
      .filter((l) => !l.includes(KERNEL_DIR) && !l.includes("node:vm") && !l.includes("node:internal"))
      .map((l) => mapFrame(l, positions))
      .filter((l): l is string => l !== null);
    return { ename, evalue, traceback: [`${ename}: ${evalue}`, ...frames] };
  }
  const text = String(err);
  return { ename: typeof err === "string" ? "Error" : typeof err, evalue: text, traceback: [`Uncaught ${text}`] };
}

function runtimeErrorOutcome(err: unknown, positions: Map<string, CellPositions>): ExecuteOutcome {
  return { status: "error", ...runtimeErrorFields(err, positions) };
}
