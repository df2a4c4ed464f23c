/**
 * Notebooks written in the styles learners bring (tslab's TypeScript, jslab's / IJavascript's JavaScript,
 * Deno's), run cell by cell through mlsd's kernel over the Jupyter protocol. Each code cell must succeed, and a
 * cell's `metadata.mlsd.expect` lists the outputs it must produce (message type, MIME type, exact or partial
 * data). Whether tslab and Deno run the same notebooks is measured by run-others.mjs (bench/RESULTS.md).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelClient } from "../../../dist/kernel/client.js";
import { run, startKernel } from "../../helpers/kernel.js";

const here = resolve("test/kernel/compat");

interface Expect {
  type: string;
  mime: string;
  equals?: string;
  contains?: string;
}
interface Cell {
  cell_type: string;
  id: string;
  source: string | string[];
  metadata: { mlsd?: { expect?: Expect[] } };
}

const notebooks = ["tslab-typescript.ipynb", "jslab-javascript.ipynb", "deno.ipynb"];

function load(name: string): { language: string; cells: Cell[] } {
  const nb = JSON.parse(readFileSync(join(here, name), "utf8")) as { cells: Cell[]; metadata: { language_info: { name: string } } };
  return { language: nb.metadata.language_info.name, cells: nb.cells.filter((c) => c.cell_type === "code") };
}

const source = (c: Cell) => (Array.isArray(c.source) ? c.source.join("") : c.source);

describe.each(notebooks)("compat notebook %s", (name) => {
  const { language, cells } = load(name);
  let k: KernelClient;
  beforeAll(async () => {
    k = await startKernel({ cwd: here, extraEnv: language === "javascript" ? { MLSD_LANGUAGE: "javascript" } : {} });
  }, 120_000);
  afterAll(async () => {
    await k.shutdown();
    rmSync(join(here, "counter.gen.ts"), { force: true });
  });

  it.each(cells.map((c) => [c.id, c] as const))("cell %s runs and shows what it should", async (_id, cell) => {
    const r = await run(k, source(cell), 60_000);
    if (r.status !== "ok") throw new Error(`${r.ename}: ${r.evalue}\n${r.traceback.join("\n")}`);
    const outputs = r.raw.iopub.filter((m) => ["execute_result", "display_data", "update_display_data"].includes(m.header.msg_type));
    const expected = cell.metadata.mlsd?.expect ?? [];
    expect(outputs.length).toBe(expected.length);
    expected.forEach((e, i) => {
      const m = outputs[i]!;
      expect(m.header.msg_type).toBe(e.type);
      const data = (m.content["data"] as Record<string, unknown>)[e.mime];
      if (e.equals !== undefined) expect(data).toBe(e.equals);
      if (e.contains !== undefined) expect(String(data)).toContain(e.contains);
    });
  });
});

describe("compat: what the notebooks cannot show", () => {
  let k: KernelClient;
  let js: KernelClient;
  const dir = mkdtempSync(join(tmpdir(), "mlsd-compat-"));
  beforeAll(async () => {
    writeFileSync(join(dir, "typed.ts"), "export function half(n: number): number {\n  return n / 2;\n}\n");
    writeFileSync(join(dir, "broken.ts"), "export const wrong: string = 5;\n");
    [k, js] = await Promise.all([startKernel({ cwd: dir }), startKernel({ cwd: dir, extraEnv: { MLSD_LANGUAGE: "javascript" } })]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([k.shutdown(), js.shutdown()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("says which type-check profile is on in the banner, and gives language_info in the spec's common form", async () => {
    const ts = (await k.request("kernel_info_request")).content;
    const jsInfo = (await js.request("kernel_info_request")).content;
    expect(String(ts["banner"])).toMatch(/type checking: loose \(tslab's defaults/);
    expect(String(jsInfo["banner"])).toMatch(/type checking: off \(JavaScript/);
    // codemirror_mode: a string (or {name, version} with an integer version), as strict clients parse it.
    expect(ts["language_info"]).toMatchObject({ name: "typescript", codemirror_mode: "typescript", file_extension: ".ts", mimetype: "text/typescript" });
    expect(jsInfo["language_info"]).toMatchObject({ name: "javascript", codemirror_mode: "javascript", file_extension: ".js", mimetype: "text/javascript" });
  });

  it("still stops a real type error in typed code, with its position, in the cell and in a local module", async () => {
    const r = await run(k, "const fine = 1;\nconst s: string = 5;");
    expect(r.ename).toBe("TypeScriptError");
    expect(r.evalue).toMatch(/^line 2, column 7: Type 'number' is not assignable to type 'string'/);
    const imported = await run(k, 'import { half } from "./typed";\nhalf("4")');
    expect(imported.evalue).toMatch(/^line 2, column 6: Argument of type 'string' is not assignable to parameter of type 'number'/);
    const local = await run(k, 'import { wrong } from "./broken";');
    expect(local.traceback[0]).toBe("broken.ts:1:14 - error TS2322: Type 'number' is not assignable to type 'string'.");
  });

  it("names the missing package and the exact install command, in TypeScript and in JavaScript cells", async () => {
    const hint = `npm install --prefix ${JSON.stringify(dir)} left-pad@1.3`;
    expect((await run(k, 'import pad from "npm:left-pad@1.3";')).evalue).toContain(hint);
    const r = await run(js, 'const pad = await import("npm:left-pad@1.3");');
    expect(r.ename).toBe("Error");
    expect(r.evalue).toContain("Cannot find package 'left-pad' (imported as 'npm:left-pad@1.3')");
    expect(r.evalue).toContain(hint);
    expect((await run(js, 'require("left-pad")')).evalue).toContain(`npm install --prefix ${JSON.stringify(dir)} left-pad`);
    // An installed package of another major version is refused, never used in its place.
    const wrong = await run(k, 'import { tableFromArrays } from "npm:apache-arrow@20";');
    expect(wrong.evalue).toMatch(/^'npm:apache-arrow@20' asks for apache-arrow@20, but the version installed near the notebook is 21\./);
    expect(wrong.evalue).toContain(`npm install --prefix ${JSON.stringify(dir)} apache-arrow@20`);
  });

  it("re-reads an edited local CommonJS module on the next require", async () => {
    writeFileSync(join(dir, "counter.cjs"), "module.exports = 1;\n");
    expect((await run(js, 'require("./counter")')).result?.["text/plain"]).toBe("1");
    writeFileSync(join(dir, "counter.cjs"), "module.exports = 2;\n");
    expect((await run(js, 'require("./counter.cjs")')).result?.["text/plain"]).toBe("2");
  });

  it("imports a .mts module by its own extension", async () => {
    writeFileSync(join(dir, "unit.mts"), "export const unit: string = 'kg';\n");
    expect((await run(k, 'import { unit } from "./unit.mts";\nunit.toUpperCase()')).result?.["text/plain"]).toBe("'KG'");
  });

  it("points a traceback at the cell's own line and column, without kernel or wrapper frames", async () => {
    // Type annotations removed by TypeScript's emit and the kernel's rewrite must not shift the column.
    const r = await run(k, "const scale: number = 2;\nfunction explode(why: string): never {\n  throw new RangeError(why);\n}\nexplode('too far');");
    expect(r.ename).toBe("RangeError");
    expect(r.traceback).toEqual(["RangeError: too far", expect.stringMatching(/^ {4}at explode \(cell\[\d+\]:3:9\)$/), expect.stringMatching(/^ {4}at cell\[\d+\]:5:1$/)]);
  });

  it("runs the code before a trailing `name?` line, then shows the help (IPython's order)", async () => {
    const r = await run(k, "const answer = 6 * 7;\nanswer?");
    expect(r.status).toBe("ok");
    const payload = r.raw.reply.content["payload"] as { source: string; data: Record<string, string> }[];
    expect(payload[0]?.source).toBe("page");
    expect(payload[0]?.data["text/plain"]).toBe("const answer: number");
    expect((await run(k, "answer + 0")).result?.["text/plain"]).toBe("42");
  });

  it("says an undefined name is not defined, for `name?` and for inspect", async () => {
    const r = await run(k, "noSuchThing?");
    expect([r.ename, r.evalue]).toEqual(["NameError", "'noSuchThing' is not defined"]);
    const reply = await k.request("inspect_request", { code: "noSuchThing", cursor_pos: 5, detail_level: 0 });
    expect(reply.content).toMatchObject({ status: "ok", found: false });
  });

  it("completes module specifiers: mlsd's areas, then installed packages", async () => {
    const code = 'import { SMOTE } from "mlsd/imb';
    const reply = await k.request("complete_request", { code, cursor_pos: code.length });
    expect(reply.content).toMatchObject({ matches: ["mlsd/imbalance"], cursor_start: code.indexOf("mlsd/"), cursor_end: code.length });
    const bare = 'import * as arrow from "apache-a';
    expect((await k.request("complete_request", { code: bare, cursor_pos: bare.length })).content["matches"]).toEqual(["apache-arrow"]);
  });

  it("opts into strict checks with a tsconfig.json beside the notebook", async () => {
    const strictDir = mkdtempSync(join(tmpdir(), "mlsd-strict-"));
    writeFileSync(join(strictDir, "tsconfig.json"), JSON.stringify({ compilerOptions: { strict: true } }));
    const strict = await startKernel({ cwd: strictDir });
    try {
      expect(String((await strict.request("kernel_info_request")).content["banner"])).toContain(`type checking: strict (strict, from ${join(strictDir, "tsconfig.json")})`);
      const r = await run(strict, "function add(a, b) { return a + b }");
      expect(r.evalue).toMatch(/^line 1, column 14: Parameter 'a' implicitly has an 'any' type/);
      // Strict mode at run time too: `this` in a plain call is undefined.
      expect((await run(strict, "function who(this: unknown) { return this }\nwho() === undefined")).result?.["text/plain"]).toBe("true");
    } finally {
      await strict.shutdown();
      rmSync(strictDir, { recursive: true, force: true });
    }
  }, 120_000);
});
