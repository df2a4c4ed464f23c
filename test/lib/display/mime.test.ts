import { tableFromArrays } from "apache-arrow";
import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import { mimeBundle, tableHtml, tableText } from "../../../lib/display/index.js";
import { plot, dot } from "../../../lib/plot/index.js";

describe("mimeBundle", () => {
  it("renders plain values as text/plain like Node's inspect", () => {
    expect(mimeBundle(42)).toEqual({ "text/plain": "42" });
    expect(mimeBundle("s")).toEqual({ "text/plain": "'s'" });
    expect(mimeBundle({ a: [1, 2] })).toEqual({ "text/plain": "{ a: [ 1, 2 ] }" });
  });

  it("renders Arrow tables as a table preview with shape and types", () => {
    const b = mimeBundle(tableFromArrays({ id: Int32Array.from({ length: 12 }, (_, i) => i), v: Float64Array.from({ length: 12 }, (_, i) => i / 3) }));
    expect(b["text/html"]).toContain("Arrow Table: 12 rows × 2 columns");
    expect(b["text/html"]).toContain("<td>0.333333</td>");
    expect(b["text/html"]).toContain("… 2 more rows");
    expect(String(b["text/plain"]).split("\n").slice(0, 3)).toEqual(["Arrow Table: 12 rows × 2 columns", "id       v", "<Int32>  <Float64>"]);
  });

  it("renders danfo-like DataFrames by shape", () => {
    const df = { columns: ["a"], dtypes: ["int32"], shape: [2, 1], values: [[1], [2]] };
    expect(mimeBundle(df)["text/html"]).toContain("DataFrame: 2 rows × 1 columns");
  });

  it("renders tensors with shape and dtype", () => {
    expect(mimeBundle(tf.tensor1d([1, 2, 3], "int32"))["text/plain"]).toBe("Tensor shape=[3] dtype=int32\n    [1, 2, 3]");
  });

  it("renders Plot charts as SVG with a namespace", () => {
    const svg = String(mimeBundle(plot({ marks: [dot([{ x: 1, y: 1 }], { x: "x", y: "y" })] }))["image/svg+xml"]);
    expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain("<circle");
  });

  it("escapes HTML in table cells", () => {
    const html = tableHtml({ kind: "T", columns: ["<a>"], types: ["x"], rows: [["<script>"]], totalRows: 1 });
    expect(html).toContain("&lt;script&gt;");
    expect(html).not.toContain("<script>");
    expect(tableText({ kind: "T", columns: ["c"], types: ["t"], rows: [[null]], totalRows: 1 })).toBe("T: 1 rows × 1 columns\nc\n<t>\nnull");
  });
});
