import { describe, expect, it } from "vitest";
import { exportNotebook, isExported } from "../../dist/kernel/export.js";
import type { Cell, Notebook } from "../../dist/kernel/notebook.js";

const cell = (source: string, tags?: string[]): Cell => ({ cell_type: "code", source, metadata: tags ? { tags } : {}, outputs: [], execution_count: null });
const nb = (cells: Cell[]): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells });

describe("mlsd export", () => {
  it("takes cells tagged export or starting with //| export, in jupytext percent format", async () => {
    const script = await exportNotebook(nb([cell("const n = 3;", ["parameters"]), cell("//| export\nconst xs = [1, 2, n];"), cell("console.log('not exported')"), cell("xs.length", ["export"])]), "demo.ipynb");
    expect(script).toContain('// %% parameters\nconst n = __param("n", 3);');
    expect(script).toContain("// %%\nconst xs = [1, 2, n];");
    expect(script).not.toContain("//| export");
    expect(script).not.toContain("not exported");
    // The notebook would show the last expression; the script displays it.
    expect(script).toContain("// %%\n__show(xs.length);");
    expect(script.startsWith("// Exported from demo.ipynb by `mlsd export`")).toBe(true);
  });

  it("leaves assignments and output calls alone", async () => {
    const script = await exportNotebook(nb([cell("let a = 1;\na = 2", ["export"]), cell("console.log(a)", ["export"])]), "x.ipynb");
    expect(script).toContain("a = 2");
    expect(script).not.toContain("__show(a = 2)");
    expect(script).not.toContain("__show(console.log(a))");
  });

  it("refuses a notebook without exported cells", async () => {
    await expect(exportNotebook(nb([cell("1")]), "empty.ipynb")).rejects.toThrow("empty.ipynb has no exported cells: tag cells 'export' or start them with '//| export'.");
    expect(isExported({ cell_type: "markdown", source: "//| export", metadata: {} })).toBe(false);
  });
});
