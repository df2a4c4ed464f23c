/**
 * Chooses the tfjs backend once, in the order that is fastest where it works: TensorFlow's native library
 * (CUDA, then CPU), WebGPU through Dawn, WebAssembly, then plain JavaScript. Each backend that is skipped is
 * reported with the reason, so a notebook can say why it is not on the GPU.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

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
type Tf = typeof import("@tensorflow/tfjs");

const missing = (err: unknown) => {
  const code = (err as { code?: string }).code;
  return code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
};

async function tryTensorflow(tf: Tf): Promise<string> {
  let standIn: string | undefined;
  // Optional and usually absent: the names are not literals so bundlers leave them out.
  for (const pkg of ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"]) {
    try {
      await import(pkg);
    } catch (err) {
      if (missing(err)) continue;
      throw new Error(`${pkg} is installed but failed to load: ${(err as Error).message}`);
    }
    // danfojs-node's install maps @tensorflow/tfjs-node to plain tfjs (package.json overrides): such a stand-in
    // imports fine but registers no native backend.
    if (tf.engine().registryFactory["tensorflow"] === undefined) {
      standIn = pkg;
      continue;
    }
    if (await tf.setBackend("tensorflow")) return pkg;
  }
  if (standIn) throw new Error(`${standIn} is installed only as a stand-in for plain tfjs (an npm override), so the native TensorFlow library is not installed (see README: CUDA machines)`);
  throw new Error("neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node is installed (see README: CUDA machines)");
}

/**
 * Whether the Vulkan loader Dawn needs on Linux can be found: asking Dawn without it only prints a native
 * warning to stderr and finds nothing.
 */
export function vulkanLoaderPresent(): boolean {
  if (process.platform !== "linux") return true; // Metal or Direct3D elsewhere
  const dirs = [...(process.env["LD_LIBRARY_PATH"] ?? "").split(":").filter(Boolean), "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib", "/lib/x86_64-linux-gnu", "/lib64", "/usr/local/lib"];
  if (dirs.some((d) => existsSync(join(d, "libvulkan.so.1")))) return true;
  try {
    return readFileSync("/etc/ld.so.cache").includes("libvulkan.so.1");
  } catch {
    return false;
  }
}

async function tryWebgpu(tf: Tf): Promise<string> {
  if (!vulkanLoaderPresent()) throw new Error("no Vulkan loader (libvulkan.so.1), so Dawn cannot reach a GPU");
  const g = globalThis as Record<string, unknown>;
  let dawn: { create(flags: string[]): { requestAdapter(o?: object): Promise<unknown> }; globals: object };
  try {
    dawn = (await import("webgpu")) as unknown as typeof dawn;
  } catch (err) {
    throw new Error(missing(err) ? "the optional package 'webgpu' is not installed" : `the 'webgpu' package failed to load: ${(err as Error).message}`);
  }
  const gpu = (g["navigator"] as { gpu?: unknown } | undefined)?.gpu ?? dawn.create([]);
  const adapter = (await (gpu as { requestAdapter(o?: object): Promise<unknown> }).requestAdapter({ powerPreference: "high-performance" })) as
    | { info?: { vendor?: string; architecture?: string; device?: string; description?: string } }
    | null;
  if (!adapter) throw new Error("Dawn found no GPU adapter (no Vulkan driver or no GPU)");
  // tfjs-backend-webgpu registers itself only if navigator.gpu exists when it is imported.
  Object.assign(globalThis, dawn.globals);
  if (!g["navigator"]) g["navigator"] = { gpu };
  else if (!(g["navigator"] as { gpu?: unknown }).gpu) Object.defineProperty(g["navigator"], "gpu", { value: gpu, configurable: true });
  try {
    await import("@tensorflow/tfjs-backend-webgpu");
  } catch (err) {
    throw new Error(missing(err) ? "the optional package '@tensorflow/tfjs-backend-webgpu' is not installed" : (err as Error).message);
  }
  if (!(await tf.setBackend("webgpu"))) throw new Error("tfjs could not initialise the webgpu backend");
  const info = adapter.info ?? {};
  return [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(" ") || "GPU adapter";
}

async function tryWasm(tf: Tf): Promise<string> {
  try {
    await import("@tensorflow/tfjs-backend-wasm");
  } catch (err) {
    throw new Error(missing(err) ? "the optional package '@tensorflow/tfjs-backend-wasm' is not installed" : (err as Error).message);
  }
  if (!(await tf.setBackend("wasm"))) throw new Error("tfjs could not initialise the wasm backend");
  return "WebAssembly";
}

async function tryCpu(tf: Tf): Promise<string> {
  if (!(await tf.setBackend("cpu"))) throw new Error("tfjs could not initialise the cpu backend");
  // The cpu backend prints an advert for tfjs-node on first use; our report already says which backend runs and why.
  (tf.backend() as { firstUse?: boolean }).firstUse = false;
  return "JavaScript";
}

const TRY: Record<BackendName, (tf: Tf) => Promise<string>> = { tensorflow: tryTensorflow, webgpu: tryWebgpu, wasm: tryWasm, cpu: tryCpu };

export interface UseBackendOptions {
  /**
   * tfjs kernels the code needs (names as tfjs registers them, e.g. "Conv2DBackpropFilter", the gradient of a
   * convolution): a backend that has not registered one of them is skipped, with that reason, and the next in
   * the order is tried. tfjs's wasm backend, for one, trains no CNN.
   */
  kernels?: readonly string[];
}

/**
 * Selects the tfjs backend: "auto" tries tensorflow, webgpu, wasm, then cpu. `MLSD_BACKEND` overrides the argument.
 * A named backend that fails, or lacks one of `options.kernels`, falls through to the next ones in the order,
 * and the report says why.
 * @example const { active, skipped } = await useBackend("auto");
 * @example await useBackend("auto", { kernels: ["Conv2DBackpropFilter"] }) // WebGPU on a GPU, else cpu, never wasm
 */
export async function useBackend(requested: BackendRequest = "auto", options: UseBackendOptions = {}): Promise<BackendReport> {
  const started = performance.now();
  const kernels = options.kernels ?? [];
  if (!Array.isArray(kernels) || kernels.some((k) => typeof k !== "string" || k.length === 0)) {
    throw new Error(`useBackend: 'kernels' must be an array of tfjs kernel names such as "Conv2DBackpropFilter"; got ${JSON.stringify(kernels)}`);
  }
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
      const lacking = kernels.filter((k) => tf.getKernel(k, backend) === undefined);
      if (lacking.length > 0) throw new Error(`it has no kernel ${lacking.map((k) => `'${k}'`).join(", ")}`);
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
