/** `mlsd start`: registers the kernel and opens Jupyter on the notebooks. */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";
import { installKernelSpec } from "./install.js";
import { packageRoot } from "./paths.js";

const HOW_TO_INSTALL = `Jupyter is not installed. Install it with one of:
  sudo apt-get install -y jupyter-notebook python3-nbclient     # Debian/Ubuntu
  python3 -m pip install --user notebook                         # any system with pip
then run 'npm start' again.`;

function has(command: string): boolean {
  return spawnSync(command, ["--version"], { stdio: "ignore" }).status === 0;
}

/** Which Jupyter front end is installed: Lab first, then Notebook. */
export function findJupyter(): string[] | null {
  if (has("jupyter-lab")) return ["jupyter-lab"];
  if (has("jupyter-notebook")) return ["jupyter-notebook"];
  return null;
}

export function start(options: { dir?: string; browser?: boolean; port?: number } = {}): void {
  const jupyter = findJupyter();
  if (!jupyter) {
    process.stderr.write(`${HOW_TO_INSTALL}\n`);
    process.exitCode = 1;
    return;
  }
  const specDir = installKernelSpec({ user: true });
  const dir = options.dir ?? join(packageRoot, "notebooks");
  process.stdout.write(`mlsd: kernel 'mlsd' (TypeScript) registered in ${specDir}\nmlsd: starting ${jupyter[0]} on ${dir}; open the URL it prints below.\n`);
  const browser = options.browser ?? Boolean(process.env["DISPLAY"] || process.platform === "darwin" || process.platform === "win32");
  // Jupyter refuses to start as root unless told; containers and CI machines often run as root.
  const root = process.getuid?.() === 0;
  if (root) process.stdout.write("mlsd: running as root, so Jupyter is started with --allow-root.\n");
  const args = [`--notebook-dir=${dir}`, ...(browser ? [] : ["--no-browser"]), ...(root ? ["--allow-root"] : []), ...(options.port ? [`--port=${options.port}`] : [])];
  const child = spawn(jupyter[0]!, args, { stdio: "inherit" });
  const forward = (sig: NodeJS.Signals) => child.kill(sig);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  child.on("exit", (code) => {
    process.exitCode = code ?? 0;
  });
}
