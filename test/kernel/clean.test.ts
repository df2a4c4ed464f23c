/**
 * `mlsd clean` and its git filter: nbformat's file format exactly (checked against nbformat itself), counts and
 * timings normalised (nbstripout's list of volatile metadata), nbval-ignore-output cells keep the committed
 * outputs, and a notebook re-run without edits leaves `git status` clean.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cleanNotebook } from "../../dist/kernel/clean.js";
import { formatNotebook, readNotebook, splitLines, type Notebook } from "../../dist/kernel/notebook.js";

const tmp = mkdtempSync(join(tmpdir(), "mlsd-clean-"));
const python = existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
const cli = (args: string[], cwd = ".") => spawnSync(process.execPath, [join(process.cwd(), "dist/kernel/cli.js"), ...args], { cwd, encoding: "utf8" });

describe("mlsd clean", () => {
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it("writes notebooks byte for byte as nbformat does", () => {
    for (const f of ["notebooks/00-welcome.ipynb", "test/fixtures/params.ipynb"]) {
      const res = spawnSync(python, ["-c", "import sys, nbformat; sys.stdout.write(nbformat.writes(nbformat.read(sys.argv[1], as_version=nbformat.NO_CONVERT), version=nbformat.NO_CONVERT) + '\\n')", f], { encoding: "utf8" });
      expect(res.status, res.stderr).toBe(0);
      expect(formatNotebook(readNotebook(f))).toBe(res.stdout);
    }
    // Python's str.splitlines(True): \r\n stays one line end.
    expect(splitLines("a\r\nb\rc\n")).toEqual(["a\r\n", "b\r", "c\n"]);
  });

  it("renumbers counts, drops view state and timings, keeps outputs; nbval-ignore-output cells keep the reference's", () => {
    const nb: Notebook = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { papermill: { parameters: { n: 2 }, start_time: "2026-01-01", duration: 3.5, input_path: "a.ipynb" } },
      cells: [
        { cell_type: "code", id: "a", source: "1", metadata: { collapsed: true, execution: { "iopub.status.busy": "t" } }, execution_count: 7, outputs: [{ output_type: "execute_result", execution_count: 7, data: { "text/plain": "1" }, metadata: {} }] },
        { cell_type: "code", id: "t", source: "time()", metadata: { tags: ["nbval-ignore-output"] }, execution_count: 9, outputs: [{ output_type: "stream", name: "stdout", text: "12 ms\n" }] },
      ],
    };
    const ref = JSON.parse(JSON.stringify(nb)) as Notebook;
    ref.cells[1]!.outputs = [{ output_type: "stream", name: "stdout", text: "10 ms\n" }];
    const { notebook } = cleanNotebook(nb, ref);
    expect(notebook.metadata["papermill"]).toEqual({ parameters: { n: 2 } });
    expect(notebook.cells[0]!.metadata).toEqual({});
    expect(notebook.cells.map((c) => c.execution_count)).toEqual([1, 2]);
    expect(notebook.cells[0]!.outputs).toEqual([{ output_type: "execute_result", execution_count: 1, data: { "text/plain": "1" }, metadata: {} }]);
    expect(notebook.cells[1]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "10 ms\n" }]);
    // An edited cell is a real change: its new outputs stay.
    nb.cells[1]!.source = "time() + 1";
    expect(cleanNotebook(nb, ref).notebook.cells[1]!.outputs).toEqual([{ output_type: "stream", name: "stdout", text: "12 ms\n" }]);
  });

  it("as a git filter, a notebook re-run without edits leaves git status clean; an edit shows", () => {
    const repo = join(tmp, "repo");
    const git = (...args: string[]) => execFileSync("git", ["-C", repo, "-c", "user.name=t", "-c", "user.email=t@t", ...args], { encoding: "utf8" });
    execFileSync("git", ["init", "-q", repo]);
    copyFileSync("notebooks/00-welcome.ipynb", join(repo, "welcome.ipynb"));
    const install = cli(["clean", "--install-git-filter"], repo);
    expect(install.status, install.stderr).toBe(0);
    expect(readFileSync(join(repo, ".gitattributes"), "utf8")).toBe("*.ipynb filter=mlsd-clean\n");
    git("add", ".");
    git("commit", "-q", "-m", "init");
    // What Jupyter leaves after running cells out of order: other counts, timing metadata, a fresh progress rate.
    const nb = readNotebook(join(repo, "welcome.ipynb"));
    for (const c of nb.cells) if (c.cell_type === "code") (c.execution_count = (c.execution_count ?? 0) + 40), (c.metadata["execution"] = { "shell.execute_reply": "2026-12-02T10:00:00Z" });
    const timed = nb.cells.find((c) => c.metadata.tags?.includes("nbval-ignore-output") && JSON.stringify(c.outputs).includes("it/s"))!;
    timed.outputs = JSON.parse(JSON.stringify(timed.outputs).replace(/[\d.]+ it\/s/g, "1.0 it/s")) as typeof timed.outputs;
    writeFileSync(join(repo, "welcome.ipynb"), JSON.stringify(nb));
    // git diff compares through the filter; staging it stages nothing. As with nbstripout, `git status` may list
    // the file until it is added, since git only sees that its size changed.
    expect(git("diff", "--stat")).toBe("");
    git("add", "welcome.ipynb");
    expect(git("status", "--porcelain")).toBe("");
    nb.cells.find((c) => c.cell_type === "code")!.source += "\n// edited";
    writeFileSync(join(repo, "welcome.ipynb"), JSON.stringify(nb));
    expect(git("diff", "--stat")).toMatch(/welcome\.ipynb \| \d+ \+/);
    expect(git("status", "--porcelain")).toBe(" M welcome.ipynb\n");
  });

  it("--check lists notebooks that are not clean and changes nothing", () => {
    const file = join(tmp, "dirty.ipynb");
    writeFileSync(file, readFileSync("test/fixtures/params.ipynb", "utf8"));
    const before = readFileSync(file, "utf8");
    const res = cli(["clean", "--check", file]);
    expect(res.status).toBe(1);
    expect(res.stderr).toContain(`not clean (run \`mlsd clean\` on them): ${file}`);
    expect(readFileSync(file, "utf8")).toBe(before);
    expect(cli(["clean", "--check", "notebooks/04-sampling.ipynb"]).status).toBe(0);
  });
});
