/** `mlsd kernel install`: writes the kernelspec where `jupyter kernelspec install` would. */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { installAnywidgetNbextension } from "../lib/widgets/nbextension.js";
import { packageRoot } from "./paths.js";

export interface InstallOptions {
  user?: boolean;
  sysPrefix?: boolean;
  prefix?: string;
  name?: string;
}

/** Jupyter's per-user data directory on this OS (jupyter_core's rules). */
export function userDataDir(): string {
  if (process.env["JUPYTER_DATA_DIR"]) return process.env["JUPYTER_DATA_DIR"];
  if (process.platform === "darwin") return join(homedir(), "Library", "Jupyter");
  if (process.platform === "win32") return join(process.env["APPDATA"] ?? homedir(), "jupyter");
  return join(process.env["XDG_DATA_HOME"] || join(homedir(), ".local", "share"), "jupyter");
}

function pythonSysPrefix(): string {
  try {
    return execFileSync("python3", ["-c", "import sys; print(sys.prefix)"], { encoding: "utf8" }).trim();
  } catch (err) {
    throw new Error(`--sys-prefix needs python3 to find sys.prefix: ${(err as Error).message}`);
  }
}

/** The kernels/ folder the options select. */
export function kernelsDir(options: InstallOptions): string {
  const chosen = [options.user, options.sysPrefix, options.prefix !== undefined].filter(Boolean).length;
  if (chosen > 1) throw new Error("choose at most one of --user, --sys-prefix and --prefix");
  if (options.user) return join(userDataDir(), "kernels");
  if (options.sysPrefix) return join(pythonSysPrefix(), "share", "jupyter", "kernels");
  if (options.prefix !== undefined) return join(options.prefix, "share", "jupyter", "kernels");
  // jupyter kernelspec install's default: the system-wide location.
  return process.platform === "win32" ? join(process.env["PROGRAMDATA"] ?? "C:\\ProgramData", "jupyter", "kernels") : "/usr/local/share/jupyter/kernels";
}

/** The Jupyter config directory matching kernelsDir's choice (where `jupyter nbextension enable` writes). */
function configDirFor(options: InstallOptions): string {
  if (options.user) return process.env["JUPYTER_CONFIG_DIR"] ?? join(homedir(), ".jupyter");
  if (options.sysPrefix) return join(pythonSysPrefix(), "etc", "jupyter");
  if (options.prefix !== undefined) return join(options.prefix, "etc", "jupyter");
  return process.platform === "win32" ? join(process.env["PROGRAMDATA"] ?? "C:\\ProgramData", "jupyter") : "/usr/local/etc/jupyter";
}

/** The argv Jupyter runs to start the kernel. */
export function kernelArgv(): string[] {
  return [process.execPath, "--experimental-import-meta-resolve", "--no-warnings=ExperimentalWarning", join(packageRoot, "dist", "kernel", "cli.js"), "kernel", "--connection-file", "{connection_file}"];
}

/** The two kernels mlsd registers: TypeScript, and JavaScript for JavaScript notebooks (tslab's jslab, IJavascript). */
export type SpecLanguage = "typescript" | "javascript";

function writeSpec(dir: string, spec: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.kernel.json.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(spec, null, 2) + "\n");
  renameSync(tmp, join(dir, "kernel.json"));
  for (const logo of ["logo-32x32.png", "logo-64x64.png", "logo-svg.svg"]) copyFileSync(join(packageRoot, "kernel", "logo", logo), join(dir, logo));
}

/** kernel.json for one language: the JavaScript kernel is the same process with MLSD_LANGUAGE=javascript. */
export function kernelSpec(name: string, language: SpecLanguage): Record<string, unknown> {
  const label = language === "javascript" ? "JavaScript" : "TypeScript";
  const base = language === "javascript" ? name.replace(/-js$/, "") : name;
  return {
    argv: kernelArgv(),
    display_name: base === "mlsd" ? `${label} (mlsd)` : `${label} (${base})`,
    language,
    interrupt_mode: "signal",
    ...(language === "javascript" ? { env: { MLSD_LANGUAGE: "javascript" } } : {}),
    metadata: { debugger: false },
  };
}

/**
 * Writes kernel.json and the logos for the TypeScript kernel (`name`, default `mlsd`) and the JavaScript kernel
 * (`<name>-js`, "JavaScript (mlsd)"); returns the TypeScript kernel's folder. `language` writes only one of them.
 * @example installKernelSpec({ user: true }) // ~/.local/share/jupyter/kernels/mlsd (and mlsd-js beside it)
 */
export function installKernelSpec(options: InstallOptions & { language?: SpecLanguage } = {}): string {
  const name = options.name ?? "mlsd";
  if (!/^[a-z0-9._-]+$/i.test(name)) throw new Error(`--name must use letters, digits, '.', '_' or '-'; got '${name}'`);
  const root = kernelsDir(options);
  const tsDir = join(root, name);
  if (options.language !== "javascript") writeSpec(tsDir, kernelSpec(name, "typescript"));
  if (options.language !== "typescript") writeSpec(join(root, `${name}-js`), kernelSpec(`${name}-js`, "javascript"));
  // anywidget's front end for Notebook 6's widget extension, beside the kernelspec (lib/widgets/nbextension.ts).
  installAnywidgetNbextension(dirname(root), configDirFor(options));
  return options.language === "javascript" ? join(root, `${name}-js`) : tsDir;
}
