/** Starts real kernels (built into dist/ by `npm test`'s pretest) and summarises what a cell produced. */
import { KernelClient, type ExecuteResult, type StartOptions } from "../../dist/kernel/client.js";

export async function startKernel(options: StartOptions & { extraEnv?: Record<string, string> } = {}): Promise<KernelClient> {
  return KernelClient.start({
    ...options,
    env: { ...process.env, MLSD_HISTORY_FILE: "", ...options.extraEnv },
  });
}

export interface CellRun {
  status: string;
  ename?: string;
  evalue?: string;
  traceback: string[];
  stdout: string;
  stderr: string;
  result?: Record<string, unknown>;
  displays: Record<string, unknown>[];
  types: string[];
  raw: ExecuteResult;
}

export function summarise(raw: ExecuteResult): CellRun {
  const c = raw.reply.content;
  const out: CellRun = { status: String(c["status"]), traceback: [], stdout: "", stderr: "", displays: [], types: [], raw };
  if (c["ename"] !== undefined) out.ename = String(c["ename"]);
  if (c["evalue"] !== undefined) out.evalue = String(c["evalue"]);
  for (const m of raw.iopub) {
    out.types.push(m.header.msg_type);
    const mc = m.content;
    if (m.header.msg_type === "stream") {
      if (mc["name"] === "stdout") out.stdout += String(mc["text"]);
      else out.stderr += String(mc["text"]);
    } else if (m.header.msg_type === "execute_result") out.result = mc["data"] as Record<string, unknown>;
    else if (m.header.msg_type === "display_data") out.displays.push(mc["data"] as Record<string, unknown>);
    else if (m.header.msg_type === "error") out.traceback = mc["traceback"] as string[];
  }
  return out;
}

export async function run(k: KernelClient, code: string, timeoutMs?: number): Promise<CellRun> {
  return summarise(await k.execute(code, timeoutMs === undefined ? {} : { timeoutMs }));
}
