/** `mlsd start`: registers the kernel, trusts the shipped notebooks, and opens Jupyter on them. */
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { installKernelSpec } from "./install.js";
import { packageRoot } from "./paths.js";
import { notebooksIn, onPath, trustNotebooks } from "./trust.js";

const HOW_TO_INSTALL = `Jupyter is not installed. Install it with one of:
  sudo apt-get install -y jupyter-notebook python3-nbclient     # Debian/Ubuntu
  python3 -m pip install --user notebook                         # any system with pip
then run 'npm start' again.`;

/** Which Jupyter front end is installed: Lab first, then Notebook (looked up on PATH, not started). */
export function findJupyter(): string[] | null {
  for (const name of ["jupyter-lab", "jupyter-notebook"]) {
    const path = onPath(name);
    if (path) return [path];
  }
  return null;
}

export interface StartOptions {
  dir?: string;
  browser?: boolean;
  port?: number;
  /** Sign the shipped notebooks in Jupyter's signature database (default true). */
  trust?: boolean;
}

export function start(options: StartOptions = {}): void {
  const jupyter = findJupyter();
  if (!jupyter) {
    process.stderr.write(`${HOW_TO_INSTALL}\n`);
    process.exitCode = 1;
    return;
  }
  const specDir = installKernelSpec({ user: true });
  const shipped = join(packageRoot, "notebooks");
  const dir = options.dir ? resolve(options.dir) : shipped;
  process.stdout.write(`mlsd: kernel 'mlsd' (TypeScript) registered in ${specDir}\nmlsd: starting ${jupyter[0]} on ${dir}; open the URL it prints below.\n`);
  // Signing runs beside Jupyter's own start-up (both take about a second); it is done long before a click.
  if (options.trust !== false) {
    trustNotebooks(notebooksIn(shipped), jupyter[0]).then(
      ({ signed, alreadyTrusted }) => process.stdout.write(`mlsd: the ${signed + alreadyTrusted} shipped notebooks are trusted (${signed} newly signed with Jupyter's notebook signature), so their saved charts render\n`),
      (err: Error) => process.stderr.write(`mlsd: could not trust the shipped notebooks (${err.message}); use File > Trust Notebook in Jupyter to see their saved charts\n`),
    );
  }
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
