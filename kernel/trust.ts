/**
 * Trusting the shipped notebooks with Jupyter's own signature mechanism (`jupyter trust`, nbformat's
 * NotebookNotary): each notebook's HMAC goes into the user's signature database, so Jupyter renders its saved
 * SVG and HTML outputs on first open instead of showing them as untrusted text. Only this package's notebooks
 * are signed: trusting whatever folder is opened would defeat the point of Jupyter's check.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

/** An executable on PATH, found without running it (starting Python only to ask its version costs ~0.3 s). */
export function onPath(command: string): string | undefined {
  for (const dir of (process.env["PATH"] ?? "").split(delimiter)) {
    const file = join(dir, command);
    if (dir && existsSync(file)) return file;
  }
  return undefined;
}

/** The command that runs nbformat's TrustNotebookApp: `jupyter-trust`, else `python -m nbformat.sign` with Jupyter's Python. */
export function trustCommand(jupyter: string | undefined): string[] | undefined {
  const direct = onPath("jupyter-trust");
  if (direct) return [direct];
  // Debian packages nbformat without the jupyter-trust script; the Python that runs Jupyter has nbformat.
  if (!jupyter) return undefined;
  const shebang = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(readFileSync(jupyter, "utf8").split("\n", 1)[0] ?? "");
  if (!shebang) return undefined;
  const python = shebang[1]!.endsWith("/env") && shebang[2] ? shebang[2] : shebang[1]!;
  return [python, "-m", "nbformat.sign"];
}

/** The notebooks in `dir`, sorted. */
export const notebooksIn = (dir: string): string[] => (existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".ipynb")).sort().map((f) => join(dir, f)) : []);

/**
 * Signs `notebooks` in the user's Jupyter signature database; resolves with how many were newly signed.
 * @example await trustNotebooks(notebooksIn("notebooks"), findJupyterExecutable()) // 13 the first time, 0 after
 */
export function trustNotebooks(notebooks: string[], jupyter: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<{ signed: number; alreadyTrusted: number }> {
  const command = trustCommand(jupyter);
  if (!command) return Promise.reject(new Error("no `jupyter trust` (nbformat) found next to Jupyter"));
  if (notebooks.length === 0) return Promise.resolve({ signed: 0, alreadyTrusted: 0 });
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, [...command.slice(1), ...notebooks], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`${command.join(" ")} exited with ${code}: ${err.trim()}`));
      resolve({ signed: (out.match(/^Signing notebook/gm) ?? []).length, alreadyTrusted: (out.match(/^Notebook already signed/gm) ?? []).length });
    });
  });
}
