/**
 * Chooses the tfjs backend once, in the order that is fastest where it works: TensorFlow's native library
 * (CUDA, then CPU), WebGPU through Dawn, WebAssembly, then plain JavaScript. Each backend that is skipped is
 * reported with the reason, so a notebook can say why it is not on the GPU.
 */
import { createRequire } from "node:module";

export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";
export type BackendRequest = BackendName | "auto";

export interface BackendReport {
  requested: BackendRequest;
  /** The backend tfjs now runs on. */
  active: BackendName;
  /** What was tried first and why it was not used. */
  skipped: { backend: string; reason: string }[];
  /** GPU adapter or native library in use, when known. */
  detail?: string;
  /** Milliseconds the selection took. */
  ms: number;
}

const ORDER: BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];
const REPORT = Symbol.for("mlsd.backend.report");
const require = createRequire(import.meta.url);

type Tf = typeof import("@tensorflow/tfjs");

function installed(pkg: string): boolean {
  try {
    require.resolve(`${pkg}/package.json`);
    return true;
  } catch {
    return false;
  }
}

async function tryTensorflow(tf: Tf): Promise<string> {
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    if (!installed(pkg)) continue;
    await import(pkg);
    if (await tf.setBackend("tensorflow")) return pkg;
  }
  throw new Error("neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed (see README: CUDA machines)");
}

async function tryWebgpu(tf: Tf): Promise<string> {
  if (!installed("webgpu") || !installed("@tensorflow/tfjs-backend-webgpu")) {
    throw new Error("the optional packages 'webgpu' and '@tensorflow/tfjs-backend-webgpu' are not installed");
  }
  const g = globalThis as Record<string, unknown>;
  const dawn = (await import("webgpu")) as unknown as { create(flags: string[]): { requestAdapter(o?: object): Promise<unknown> }; globals: object };
  const gpu = (g["navigator"] as { gpu?: unknown } | undefined)?.gpu ?? dawn.create([]);
  const adapter = (await (gpu as { requestAdapter(o?: object): Promise<unknown> }).requestAdapter({ powerPreference: "high-performance" })) as
    | { info?: { vendor?: string; architecture?: string; device?: string; description?: string } }
    | null;
  if (!adapter) throw new Error("Dawn found no GPU adapter (no Vulkan driver or no GPU)");
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals);
  if (!g["navigator"]) g["navigator"] = { gpu };
  else if (!(g["navigator"] as { gpu?: unknown }).gpu) Object.defineProperty(g["navigator"], "gpu", { value: gpu, configurable: true });
  await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not initialise the webgpu backend");
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "GPU adapter";
}

async function tryWasm(tf: Tf): Promise<string> {
  if (!installed("@tensorflow/tfjs-backend-wasm")) throw new Error("the optional package '@tensorflow/tfjs-backend-wasm' is not installed");
  await import("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not initialise the wasm backend");
  return "WebAssembly";
}

async function tryCpu(tf: Tf): Promise<string> {
  if (!(await tf.setBackend("cpu"))) throw new Error("tfjs could not initialise the cpu backend");
  return "JavaScript";
}

const TRY: Record<BackendName, (tf: Tf) => Promise<string>> = { tensorflow: tryTensorflow, webgpu: tryWebgpu, wasm: tryWasm, cpu: tryCpu };

/**
 * Selects the tfjs backend: "auto" tries tensorflow, webgpu, wasm, then cpu. `MLSD_BACKEND` overrides the argument.
 * A named backend that fails falls through to the next ones in the order, and the report says why.
 * @example const { active, skipped } = await useBackend("auto");
 */
export async function useBackend(requested: BackendRequest = "auto"): Promise<BackendReport> {
  const started = performance.now();
  const env = process.env["MLSD_BACKEND"];
  const choice = (env && env.length > 0 ? env : requested) as BackendRequest;
  if (choice !== "auto" && !ORDER.includes(choice)) {
    const source = env ? "MLSD_BACKEND" : "backend";
    throw new Error(`useBackend: '${source}' must be one of auto, ${ORDER.join(", ")}; got '${choice}'`);
  }
  const tf = (await import("@tensorflow/tfjs")) as Tf;
  const candidates = choice === "auto" ? ORDER : ORDER.slice(ORDER.indexOf(choice));
  const skipped: BackendReport["skipped"] = [];
  for (const backend of candidates) {
    try {
      const detail = await TRY[backend](tf);
      await tf.ready();
      const report: BackendReport = { requested: choice, active: backend, skipped, detail, ms: performance.now() - started };
      (globalThis as Record<symbol, unknown>)[REPORT] = report;
      return report;
    } catch (err) {
      skipped.push({ backend, reason: (err as Error).message });
    }
  }
  throw new Error(`useBackend: no tfjs backend could start: ${skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")}`);
}

/** The report of the last `useBackend` call in this process, if any. @example backendReport()?.active */
export function backendReport(): BackendReport | undefined {
  return (globalThis as Record<symbol, unknown>)[REPORT] as BackendReport | undefined;
}

/** One line for banners and notebook headers. @example describeBackend(await useBackend()) */
export function describeBackend(r: BackendReport): string {
  const skipped = r.skipped.length > 0 ? ` (skipped: ${r.skipped.map((s) => `${s.backend}: ${s.reason}`).join("; ")})` : "";
  return `tfjs backend: ${r.active}${r.detail ? ` [${r.detail}]` : ""}${skipped}`;
}
