import { describe, expect, it } from "vitest";
import * as Plot from "../../../lib/plot/index.js";

describe("mlsd/plot", () => {
  it("draws Plot.plot and mark.plot() without a browser", () => {
    const svg = Plot.plot({ marks: [Plot.barY([3, 1, 2])] }) as unknown as { outerHTML: string; tagName: string };
    expect(svg.tagName.toLowerCase()).toBe("svg");
    expect(svg.outerHTML.match(/<rect/g)?.length).toBe(3);
    const fig = Plot.lineY([1, 3, 2]).plot({ title: "a line" }) as unknown as { outerHTML: string };
    expect(fig.outerHTML).toMatch(/^<figure/);
    expect(fig.outerHTML).toContain("a line");
  });

  it("does not pretend to be a browser (tfjs checks for window)", () => {
    expect(typeof (globalThis as { window?: unknown }).window).toBe("undefined");
  });
});
