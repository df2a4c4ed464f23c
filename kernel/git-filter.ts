/**
 * `mlsd clean` as a git clean filter: git passes each notebook through it when staging or comparing, so a
 * notebook re-run without edits reads as unchanged. The committed version (git's index) is the reference for
 * cells tagged `nbval-ignore-output`.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { distDir } from "./paths.js";
import { parseNotebook, type Notebook } from "./notebook.js";

export const FILTER_NAME = "mlsd-clean";
const ATTRIBUTE = `*.ipynb filter=${FILTER_NAME}`;

/** The version of `path` in git's index, or undefined outside a repository or for a new file. */
export function committedVersion(path: string): Notebook | undefined {
  const dir = dirname(resolve(path));
  const res = spawnSync("git", ["-C", dir, "show", `:./${basename(path)}`], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  if (res.status !== 0) return undefined;
  try {
    return parseNotebook(res.stdout, `${path} (git index)`);
  } catch {
    return undefined;
  }
}

/**
 * Registers the filter in the repository holding `dir` (its .git/config) and makes sure a `.gitattributes`
 * there applies it to notebooks. Returns the repository's root.
 * @example installGitFilter("notebooks") // "/home/me/mlsd"
 */
export function installGitFilter(dir: string): string {
  let root: string;
  try {
    root = execFileSync("git", ["-C", dir, "rev-parse", "--show-toplevel"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  } catch {
    throw new Error(`--install-git-filter: '${dir}' is not inside a git repository`);
  }
  const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(join(distDir, "kernel", "cli.js"))} clean --stdin --path %f`;
  execFileSync("git", ["-C", root, "config", `filter.${FILTER_NAME}.clean`, command]);
  const attributes = join(root, ".gitattributes");
  const existing = existsSync(attributes) ? readFileSync(attributes, "utf8") : "";
  // A repository may already apply it to some notebooks only (this one: notebooks/*.ipynb); keep its choice.
  if (!existing.includes(`filter=${FILTER_NAME}`)) writeFileSync(attributes, `${existing}${existing && !existing.endsWith("\n") ? "\n" : ""}${ATTRIBUTE}\n`);
  return root;
}

/** Whether the filter is registered in the repository holding `dir`. */
export function gitFilterInstalled(dir: string): boolean {
  return spawnSync("git", ["-C", dir, "config", "--get", `filter.${FILTER_NAME}.clean`], { stdio: "ignore" }).status === 0;
}
