/**
 * bench/notebook-diff.ts: the figures bench/gpu-notebooks.ts compares between a notebook's WebGPU and wasm runs.
 * What counts as printed is test/notebooks/notebooks.test.ts's reading (stdout, text/plain of results and
 * displays); nbval's `nbval-ignore-output` tag marks the cells left out, as nbval leaves them out.
 */
import { describe, expect, it } from "vitest";
import { compareFigures, comparableText, describeComparison, extractNumbers, notebookFigures, printedText, skeleton } from "../../dist/bench/notebook-diff.js";
import type { Notebook } from "../../dist/kernel/notebook.js";

const nb = (cells: { id: string; tags?: string[]; outputs: Record<string, unknown>[] }[]): Notebook => ({
  nbformat: 4,
  nbformat_minor: 5,
  metadata: {},
  cells: [
    { cell_type: "markdown", id: "intro", metadata: {}, source: "# t" },
    ...cells.map((c) => ({ cell_type: "code" as const, id: c.id, metadata: c.tags ? { tags: c.tags } : {}, source: "", outputs: c.outputs.map((o) => ({ output_type: "stream", name: "stdout", ...o })), execution_count: 1 })),
  ],
});

describe("extractNumbers", () => {
  it("reads signs, fractions, exponents and thousands separators, and leaves numbers inside words", () => {
    expect(extractNumbers("accuracy 0.912 (1,024 rows), loss -3.5e-2, p95 12ms, 40%")).toEqual([0.912, 1024, -0.035, 12, 40]);
    expect(extractNumbers("DuckDB v1.5.5, cell3, x_2, [5000, 2] .25")).toEqual([5000, 2, 0.25]);
    expect(extractNumbers("no figures here")).toEqual([]);
  });

  it("keeps the text around the numbers as the skeleton", () => {
    expect(skeleton("loss 0.25 at epoch 3 of 1,000")).toBe("loss # at epoch # of #");
  });
});

describe("printedText and notebookFigures", () => {
  it("reads stdout and text/plain, not stderr or html", () => {
    const text = printedText([
      { output_type: "stream", name: "stdout", text: "a 1\n" },
      { output_type: "stream", name: "stderr", text: "warn 9\n" },
      { output_type: "execute_result", data: { "text/plain": ["b ", "2"], "text/html": "<b>7</b>" } },
      { output_type: "display_data", data: { "text/html": "<i>8</i>" } },
    ]);
    expect(text).toBe("a 1\nb 2\n\n");
  });

  it("drops cells tagged nbval-ignore-output, backend lines and figure sizes", () => {
    const cells = notebookFigures(
      nb([
        { id: "b", outputs: [{ text: "tfjs backend: webgpu [nvidia hopper]\nrows 12\n" }] },
        { id: "t", tags: ["nbval-ignore-output"], outputs: [{ text: "took 812 ms\n" }] },
        { id: "p", outputs: [{ output_type: "execute_result", data: { "text/plain": "<figure> (10162 characters)" } }] },
      ]),
    );
    expect(cells).toEqual([
      { cell: 2, id: "b", text: "\nrows 12\n" },
      { cell: 4, id: "p", text: "<figure> (characters)\n" },
    ]);
    expect(comparableText("x\ntfjs backend: wasm [WebAssembly]\ny 3")).toBe("x\n\ny 3");
  });
});

describe("compareFigures", () => {
  it("finds the largest relative and absolute differences and where they are", () => {
    const a = [
      { cell: 2, id: "m", text: "auc 0.910 loss 120.0" },
      { cell: 3, id: "n", text: "n 5" },
    ];
    const b = [
      { cell: 2, id: "m", text: "auc 0.900 loss 121.0" },
      { cell: 3, id: "n", text: "n 5" },
    ];
    const c = compareFigures(a, b);
    expect(c.compared).toBe(3);
    expect(c.textDiffers).toEqual([]);
    expect(c.largestRel?.cell).toBe(2);
    expect(c.largestRel?.a).toBe(0.91);
    expect(c.largestRel?.b).toBe(0.9);
    expect(c.largestRel?.rel).toBeCloseTo(0.01 / 0.91, 12);
    expect(c.largestAbs?.a).toBe(120);
    expect(c.largestAbs?.abs).toBe(1);
    expect(c.largestAbs?.rel).toBeCloseTo(1 / 121, 12);
    expect(describeComparison(c)).toBe("rel 1.1e-2 (abs 0.010: 0.91 vs 0.9, cell 2) of 3 numbers");
  });

  it("says identical for equal runs, and lists cells whose text differs or that one run lacks", () => {
    const a = [{ cell: 2, text: "x 1.5" }];
    expect(describeComparison(compareFigures(a, a))).toBe("identical (1 numbers)");
    const c = compareFigures([{ cell: 2, text: "x 1.5" }, { cell: 4, text: "ok" }], [{ cell: 2, text: "x NaN" }, { cell: 5, text: "ok" }]);
    expect(c.compared).toBe(0);
    expect(c.textDiffers.map((t) => t.cell)).toEqual([2, 4, 5]);
    expect(c.textDiffers[0]).toEqual({ cell: 2, a: "x 1.5", b: "x NaN" });
    expect(describeComparison(c)).toBe("identical (0 numbers); text differs in cells 2, 4, 5");
  });

  it("gives relative difference 2 for opposite signs and 0 for two zeros", () => {
    const c = compareFigures([{ cell: 1, text: "0 -1" }], [{ cell: 1, text: "0 1" }]);
    expect(c.largestRel?.rel).toBe(2);
    expect(c.largestRel?.a).toBe(-1);
    expect(c.largestAbs?.abs).toBe(2);
  });
});
