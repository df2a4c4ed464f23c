/** Shutdown, restart through jupyter_client, and what happens when the kernel's parent dies. */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { installKernelSpec, kernelArgv } from "../../dist/kernel/install.js";
import { startKernel } from "../helpers/kernel.js";

const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const prefix = mkdtempSync(join(tmpdir(), "mlsd-life-"));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("kernel lifecycle", () => {
  afterAll(() => rmSync(prefix, { recursive: true, force: true }));

  it("answers shutdown_request and exits cleanly", async () => {
    const k = await startKernel();
    const exited = new Promise<number | null>((ok) => k.process.once("exit", (code) => ok(code)));
    const reply = await k.controlRequest("shutdown_request", { restart: false });
    expect(reply.content).toEqual({ status: "ok", restart: false });
    expect(await exited).toBe(0);
    await k.shutdown();
  });

  it("restarts through jupyter_client: a fresh kernel, earlier state gone", () => {
    installKernelSpec({ prefix });
    const script = [
      "from jupyter_client.manager import start_new_kernel",
      "km, kc = start_new_kernel(kernel_name='mlsd')",
      "def run(code):",
      "    kc.execute(code)",
      "    while True:",
      "        m = kc.get_iopub_msg(timeout=30)",
      "        if m['msg_type'] in ('execute_result', 'error'):",
      "            return m['content'].get('data', {}).get('text/plain') or m['content']['ename']",
      "print('before', run('const kept = 41; kept + 1'))",
      "pid = km.provisioner.process.pid",
      "km.restart_kernel(now=False)",
      "kc.wait_for_ready(timeout=60)",
      "print('new process', km.provisioner.process.pid != pid)",
      "print('after', run('typeof (globalThis as any).kept'))",
      "kc.stop_channels(); km.shutdown_kernel()",
    ].join("\n");
    const res = spawnSync(python, ["-c", script], { encoding: "utf8", timeout: 120_000, env: { ...process.env, JUPYTER_PATH: join(prefix, "share", "jupyter"), MLSD_HISTORY_FILE: "" } });
    // (jupyter_client may print an "Exception ignored in __del__" at interpreter exit: not ours, not a failure.)
    expect(res.stdout.trim().split("\n")).toEqual(["before 42", "new process True", "after 'undefined'"]);
    expect(res.status).toBe(0);
  }, 120_000);

  it("exits when its parent dies, even while a cell is stuck in a loop", async () => {
    const parent = spawn(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `const { KernelClient } = await import(${JSON.stringify(resolve("dist/kernel/client.js"))});
         const k = await KernelClient.start({ env: { ...process.env, MLSD_HISTORY_FILE: "" } });
         await k.execute("1");
         console.log(k.process.pid);
         k.execute("await null; while (true) {}");
         setTimeout(() => process.kill(process.pid, "SIGKILL"), 500);`,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let out = "";
    parent.stdout.on("data", (d: Buffer) => (out += d.toString()));
    await new Promise((ok) => parent.once("exit", ok));
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(0);
    const deadline = Date.now() + 10_000;
    while (alive(pid) && Date.now() < deadline) await new Promise((ok) => setTimeout(ok, 200));
    const stillAlive = alive(pid);
    if (stillAlive) process.kill(pid, "SIGKILL");
    expect(stillAlive).toBe(false);
  });

  // ipykernel, when a port of its connection file is taken, raises ZMQError "Address already in use" and the
  // process ends with status 1, so Jupyter reports a dead kernel at once; mlsd must end too, not linger unanswering.
  it("ends with status 1 and says why when a port of its connection file is taken", async () => {
    const taken = createServer();
    await new Promise<void>((ok) => taken.listen(0, "127.0.0.1", ok));
    const port = (taken.address() as { port: number }).port;
    const dir = mkdtempSync(join(prefix, "conn-"));
    const file = join(dir, "connection.json");
    const free = [port + 1, port + 2, port + 3, port + 4];
    writeFileSync(file, JSON.stringify({ transport: "tcp", ip: "127.0.0.1", key: "k", signature_scheme: "hmac-sha256", shell_port: port, iopub_port: free[0], stdin_port: free[1], control_port: free[2], hb_port: free[3] }));
    const argv = kernelArgv().map((a) => a.replace("{connection_file}", file));
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((ok) => {
      const t = setTimeout(() => {
        child.kill("SIGKILL");
        ok(-1);
      }, 20_000);
      child.once("exit", (c) => {
        clearTimeout(t);
        ok(c);
      });
    });
    taken.close();
    expect(stderr).toMatch(/address already in use/i);
    expect(code).toBe(1);
  }, 30_000);
});
