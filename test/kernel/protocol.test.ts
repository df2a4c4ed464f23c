/** The kernel over the real Jupyter protocol (zeromq, signed messages), as a notebook front end drives it. */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { KernelClient } from "../../dist/kernel/client.js";
import { Signer } from "../../dist/kernel/protocol/wire.js";
import { run } from "../helpers/kernel.js";
import { shareKernel } from "./protocol/shared-kernel.js";

const fixtures = resolve("test/fixtures");

describe("kernel: cells", () => {
  let k!: KernelClient;
  shareKernel({ cwd: fixtures }, (client) => (k = client));

  it("answers kernel_info with status, language_info and the tfjs backend in the banner", async () => {
    const reply = await k.request("kernel_info_request");
    expect(reply.content["status"]).toBe("ok");
    expect(reply.content["protocol_version"]).toBe("5.3");
    expect((reply.content["language_info"] as { name: string }).name).toBe("typescript");
    expect(String(reply.content["banner"])).toMatch(/tfjs backend: (tensorflow|webgpu|wasm|cpu)/);
  });

  it("keeps declarations across cells and returns the last expression as execute_result", async () => {
    expect((await run(k, "const a: number = 20; function twice(x: number) { return 2 * x }")).status).toBe("ok");
    const r = await run(k, "twice(a) + 2");
    expect(r.status).toBe("ok");
    expect(r.result?.["text/plain"]).toBe("42");
    expect(r.types).toContain("execute_result");
  });

  it("lets a cell re-declare a const, as re-running a cell does", async () => {
    expect((await run(k, "const redeclared = 1")).status).toBe("ok");
    const again = await run(k, "const redeclared = 'now a string'; redeclared.toUpperCase()");
    expect(again.status).toBe("ok");
    expect(again.result?.["text/plain"]).toBe("'NOW A STRING'");
    // Later cells see the newest type: a string method type-checks.
    expect((await run(k, "redeclared.length")).result?.["text/plain"]).toBe("12");
  });

  it("supports top-level await", async () => {
    const r = await run(k, "const v = await new Promise<number>((ok) => setTimeout(() => ok(7), 20)); v * 6");
    expect(r.result?.["text/plain"]).toBe("42");
  });

  it("imports ES modules and CommonJS modules, local and from node_modules", async () => {
    const r = await run(
      k,
      [
        'import triple, { kind as esmKind } from "./esm-lib.mjs";',
        'import { double, kind as cjsKind } from "./cjs-lib.cjs";',
        'import * as tf from "@tensorflow/tfjs";', // CommonJS build in Node
        'import { tableFromArrays } from "apache-arrow";', // ES module
        "[triple(2), double(5), esmKind, cjsKind, typeof tf.tensor, typeof tableFromArrays]",
      ].join("\n"),
    );
    expect(r.status).toBe("ok");
    expect(r.result?.["text/plain"]).toBe("[ 6, 10, 'esm', 'commonjs', 'function', 'function' ]");
  });

  it("reports a type error with its line and column and does not run the cell", async () => {
    const r = await run(k, "(globalThis as any).ranAnyway = true;\nconst n: number = 'text';");
    expect(r.status).toBe("error");
    expect(r.ename).toBe("TypeScriptError");
    expect(r.evalue).toMatch(/^line 2, column 7: Type 'string' is not assignable to type 'number'/);
    expect(r.traceback[0]).toMatch(/:2:7 - error TS2322/);
    expect((await run(k, "(globalThis as any).ranAnyway")).result).toBeUndefined();
  });

  it("reports runtime errors with ename, evalue and a traceback that points into the cell", async () => {
    const r = await run(k, "const boom = () => { throw new RangeError('out of range') };\nboom()");
    expect(r.status).toBe("error");
    expect(r.ename).toBe("RangeError");
    expect(r.evalue).toBe("out of range");
    expect(r.traceback.join("\n")).toMatch(/cell\[\d+\]:1:/);
    expect(r.traceback.join("\n")).not.toMatch(/dist\/kernel/);
  });

  it("captures console output, including callbacks that fire during a later cell", async () => {
    expect((await run(k, "setTimeout(() => console.log('late line'), 300); 'scheduled'")).status).toBe("ok");
    const later = await run(k, "await new Promise((ok) => setTimeout(ok, 700)); console.log('own line')");
    expect(later.stdout).toContain("late line");
    expect(later.stdout).toContain("own line");
  });

  it("survives unhandled rejections and refuses process.exit()", async () => {
    const rej = await run(k, "Promise.reject(new Error('nobody caught me')); await new Promise((ok) => setTimeout(ok, 50)); 1");
    expect(rej.status).toBe("ok");
    expect(rej.stderr).toContain("nobody caught me");
    const exit = await run(k, "process.exit(3)");
    expect(exit.status).toBe("error");
    expect(exit.evalue).toContain("process.exit(3) is disabled");
    expect((await run(k, "a")).result?.["text/plain"]).toBe("20");
  });

  it("truncates a huge output with a note", async () => {
    const r = await run(k, "for (let i = 0; i < 200000; i++) console.log('line ' + i)");
    expect(r.status).toBe("ok");
    expect(r.stdout.length).toBeLessThanOrEqual(1_000_000);
    expect(r.stderr).toMatch(/output truncated: \d+ more characters/);
  });

  it("interrupts a busy loop and keeps the kernel's state", async () => {
    await run(k, "let spins = 0");
    const busy = k.execute("while (true) { spins++ }");
    await new Promise((ok) => setTimeout(ok, 1000));
    k.interrupt();
    const r = await busy;
    expect(r.reply.content["status"]).toBe("error");
    expect(r.reply.content["ename"]).toBe("KeyboardInterrupt");
    const after = await run(k, "spins > 0 && a === 20");
    expect(after.result?.["text/plain"]).toBe("true");
  });

  it("interrupts a cell waiting on a promise", async () => {
    const waiting = k.execute("await new Promise(() => {})");
    await new Promise((ok) => setTimeout(ok, 300));
    k.interrupt();
    expect((await waiting).reply.content["ename"]).toBe("KeyboardInterrupt");
  });

  it("interrupts a cell whose interrupt arrives while it is still being type-checked", async () => {
    // On a loaded machine the check can outlast the client's wait; the interrupt must not be lost
    // (ipykernel interrupts whatever the kernel is doing for that request).
    // execute_input is published just before the type check starts: interrupt at once.
    const waiting = k.execute("const neverSettles: Promise<void> = new Promise(() => {}); await neverSettles", {
      onOutput: (m) => m.header.msg_type === "execute_input" && k.interrupt(),
    });
    expect((await waiting).reply.content["ename"]).toBe("KeyboardInterrupt");
    const after = await run(k, "1 + 1");
    expect(after.result?.["text/plain"]).toBe("2");
  });

  it("completes and inspects from TypeScript's types", async () => {
    const c = await k.request("complete_request", { code: "Math.lo", cursor_pos: 7 });
    expect(c.content["matches"]).toEqual(["log", "log10", "log1p", "log2"]);
    expect(c.content["cursor_start"]).toBe(5);
    const own = await k.request("complete_request", { code: "twi", cursor_pos: 3 });
    expect(own.content["matches"]).toContain("twice");
    const i = await k.request("inspect_request", { code: "twice", cursor_pos: 5, detail_level: 0 });
    expect(i.content["found"]).toBe(true);
    expect((i.content["data"] as Record<string, string>)["text/plain"]).toContain("function twice(x: number): number");
  });

  it("says whether code is complete, incomplete (with indent) or invalid", async () => {
    const ask = async (code: string) => (await k.request("is_complete_request", { code })).content;
    expect(await ask("const x = 1")).toEqual({ status: "complete" });
    expect(await ask("function f() {")).toEqual({ status: "incomplete", indent: "  " });
    expect(await ask("const y = [1,\n  [2,")).toEqual({ status: "incomplete", indent: "    " });
    expect((await ask("const = 5")).status).toBe("invalid");
  });

  it("keeps history: tail, range and search", async () => {
    await run(k, "'history marker one'");
    await run(k, "'history marker two'");
    const tail = await k.request("history_request", { hist_access_type: "tail", n: 2, output: true, raw: true });
    const rows = tail.content["history"] as [number, number, [string, string | null]][];
    expect(rows.map((r) => r[2][0])).toEqual(["'history marker one'", "'history marker two'"]);
    expect(rows[1]![2][1]).toBe("'history marker two'");
    const [session, line] = rows[0]!;
    const range = await k.request("history_request", { hist_access_type: "range", session, start: line, stop: line + 1, output: false, raw: true });
    expect(range.content["history"]).toEqual([[session, line, "'history marker one'"]]);
    const search = await k.request("history_request", { hist_access_type: "search", pattern: "*marker t*", output: false, raw: true });
    expect((search.content["history"] as unknown[][]).map((r) => r[2])).toEqual(["'history marker two'"]);
  });

  it("drops a message with a wrong signature and never executes it", async () => {
    const forged = k.message("execute_request", { code: "(globalThis as any).forged = true", silent: false, store_history: true, user_expressions: {}, allow_stdin: false, stop_on_error: true });
    await k.sendRawShell(k.encode(forged, new Signer("not-the-key")));
    const unsigned = k.encode(k.message("execute_request", { code: "(globalThis as any).forged = true", silent: false }), new Signer(""));
    await k.sendRawShell(unsigned);
    await new Promise((ok) => setTimeout(ok, 300));
    expect((await run(k, "typeof (globalThis as any).forged")).result?.["text/plain"]).toBe("'undefined'");
    expect(k.stderr).toMatch(/dropped a message: invalid signature/);
  });
});

describe("kernel: rich display", () => {
  let k!: KernelClient;
  shareKernel({ cwd: fixtures }, (client) => (k = client));

  it("shows an Arrow table as an HTML table with shape and column types", async () => {
    const r = await run(k, 'import { tableFromArrays } from "apache-arrow";\ntableFromArrays({ x: Float64Array.from([1.5, 2, 3]), name: ["a", "b", "c"] })');
    expect(r.result?.["text/html"]).toContain("<table>");
    expect(r.result?.["text/html"]).toContain("Arrow Table: 3 rows × 2 columns");
    expect(r.result?.["text/html"]).toContain("<td>1.5</td>");
    expect(r.result?.["text/plain"]).toMatch(/<Float64>/);
  });

  it("shows a DuckDB result as a table of its first rows", async () => {
    const r = await run(
      k,
      'import { DuckDBInstance } from "@duckdb/node-api";\nconst db = await DuckDBInstance.create(":memory:");\nconst con = await db.connect();\nawait con.runAndReadAll("select range as i, range * range as sq from range(25)")',
    );
    expect(r.status).toBe("ok");
    expect(r.result?.["text/html"]).toContain("DuckDB result: 25 rows × 2 columns");
    expect(r.result?.["text/html"]).toContain("<td>81</td>");
    expect(r.result?.["text/html"]).toContain("… 15 more rows");
  });

  it("shows an Observable Plot figure as SVG", async () => {
    const r = await run(k, 'import * as Plot from "mlsd/plot";\nPlot.plot({ marks: [Plot.dot([{ x: 1, y: 2 }, { x: 2, y: 4 }], { x: "x", y: "y" })] })');
    expect(r.status).toBe("ok");
    expect(String(r.result?.["image/svg+xml"])).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(String(r.result?.["image/svg+xml"]).match(/<circle/g)?.length).toBe(2);
  });

  it("uses an object's own Jupyter.display bundle, and display/clearOutput globals", async () => {
    const r = await run(k, 'display({ [Symbol.for("Jupyter.display")]() { return { "text/markdown": "**hi**" } } }); display.html("<i>x</i>"); clearOutput({ wait: true })');
    expect(r.displays).toEqual([{ "text/markdown": "**hi**" }, { "text/html": "<i>x</i>", "text/plain": "<HTML>" }]);
    expect(r.types).toContain("clear_output");
  });

  it("updates a display in place and draws progress bars with update_display_data", async () => {
    const r = await run(k, 'const h = display("first", { displayId: true })!; h.update("second");\nconst bar = progress(4, { label: "work", intervalMs: 0 });\nfor (let i = 0; i < 4; i++) bar.tick();\nbar.close();');
    const updates = r.raw.iopub.filter((m) => m.header.msg_type === "update_display_data");
    expect(updates.length).toBeGreaterThanOrEqual(5);
    expect(String((updates[0]!.content["data"] as Record<string, string>)["text/plain"])).toBe("'second'");
    const last = updates[updates.length - 1]!.content;
    expect((last["data"] as Record<string, string>)["text/plain"]).toMatch(/^work 100% \|█+\| 4\/4/);
    const ids = new Set(updates.slice(1).map((m) => (m.content["transient"] as { display_id: string }).display_id));
    expect(ids.size).toBe(1);
  });

  it("displays PNG bytes as base64 and JSON as application/json", async () => {
    const r = await run(k, "display.png(new Uint8Array([137, 80, 78, 71])); display.json({ a: [1, 2] })");
    expect(r.displays).toEqual([
      { "image/png": "iVBORw==", "text/plain": "<PNG image>" },
      { "application/json": { a: [1, 2] }, "text/plain": '{\n  "a": [\n    1,\n    2\n  ]\n}' },
    ]);
  });

  it("summarises a tensor with shape and dtype", async () => {
    const r = await run(k, 'import * as tf from "@tensorflow/tfjs";\ntf.tensor2d([[1, 2], [3, 4]])');
    expect(r.result?.["text/plain"]).toMatch(/^Tensor shape=\[2, 2\] dtype=float32\n\s+\[\[1, 2\],\n\s+\[3, 4\]\]/);
  });
});

describe("kernel: from another folder", () => {
  let k!: KernelClient;
  const elsewhere = mkdtempSync(join(tmpdir(), "mlsd-elsewhere-"));
  // Registered first, so it runs after the kernel's shutdown (vitest runs after-hooks last in, first out).
  afterAll(() => rmSync(elsewhere, { recursive: true, force: true }));
  shareKernel({ cwd: elsewhere }, (client) => (k = client));

  it("imports mlsd/... with types from a folder outside the package", async () => {
    const r = await run(k, 'import { mimeBundle } from "mlsd/display";\nimport { backendReport } from "mlsd/backend";\nconst b: Record<string, unknown> = mimeBundle(1);\n[b["text/plain"], backendReport()?.active !== undefined]');
    expect(r.status).toBe("ok");
    expect(r.result?.["text/plain"]).toBe("[ '1', true ]");
    const bad = await run(k, 'import { mimeBundle } from "mlsd/display";\nmimeBundle(1, 2)');
    expect(bad.ename).toBe("TypeScriptError");
  });
});
