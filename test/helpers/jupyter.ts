/**
 * What the real-browser tests share: a free port, Jupyter Notebook started on a folder with mlsd's kernelspec
 * (and its anywidget nbextension) installed under a prefix of the test's own, Debian's Chromium through
 * playwright-core, and stopping what was started.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { chromium, type Browser } from "playwright-core";
import { installKernelSpec } from "../../dist/kernel/install.js";

/** A TCP port nothing listens on now. */
export const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/** Debian's chromium binary, if installed (.ci/run installs it). */
export const chromiumPath = (): string | undefined => ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find(existsSync);

/** Chromium headless, as a container allows it. */
export function launchChromium(): Promise<Browser> {
  const path = chromiumPath();
  if (!path) throw new Error("Debian's chromium package is needed (installed by .ci/run)");
  return chromium.launch({ executablePath: path, args: ["--no-sandbox", "--disable-gpu"] });
}

/** SIGTERM, then wait for the exit (at most 10 s). */
export async function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([gone, new Promise((r) => setTimeout(r, 10_000))]);
}

/** Resolves once `url` answers 200, or after `tries` attempts 300 ms apart. */
export async function waitForHttp(url: string, tries = 100): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await fetch(url).then((r) => r.ok).catch(() => false)) return true;
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

export interface NotebookServer {
  readonly port: number;
  readonly token: string;
  readonly process: ChildProcess;
  /** The page of a notebook in the served folder, with the token. */
  notebookUrl(name: string): string;
  stop(): Promise<void>;
}

/**
 * Installs mlsd's kernelspec and anywidget nbextension under `prefix` and starts Debian's Jupyter Notebook on
 * `dir`, finding both there (JUPYTER_PATH for kernelspecs and nbextensions, JUPYTER_CONFIG_PATH for the
 * nbextension's enable flag); the system-wide widget extension (/etc/jupyter) stays enabled.
 * @example const nb = await startNotebookServer({ prefix: tmp, dir, token: "t" }); await page.goto(nb.notebookUrl("a.ipynb"));
 */
export async function startNotebookServer(options: { prefix: string; dir: string; token: string }): Promise<NotebookServer> {
  installKernelSpec({ prefix: options.prefix });
  const port = await freePort();
  const { token } = options;
  const args = ["-m", "notebook", "--no-browser", `--port=${port}`, "--ip=127.0.0.1", `--NotebookApp.token=${token}`, `--NotebookApp.notebook_dir=${options.dir}`, ...(process.getuid?.() === 0 ? ["--allow-root"] : [])];
  const env = { ...process.env, JUPYTER_PATH: join(options.prefix, "share", "jupyter"), JUPYTER_CONFIG_PATH: join(options.prefix, "etc", "jupyter"), MLSD_HISTORY_FILE: "" };
  const child = spawn("/usr/bin/python3", args, { env, stdio: "ignore" });
  if (!(await waitForHttp(`http://127.0.0.1:${port}/api?token=${token}`))) {
    await stopProcess(child);
    throw new Error(`Jupyter Notebook did not answer on port ${port} within 30 s`);
  }
  return {
    port,
    token,
    process: child,
    notebookUrl: (name) => `http://127.0.0.1:${port}/notebooks/${name}?token=${token}`,
    stop: () => stopProcess(child),
  };
}
