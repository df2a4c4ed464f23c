/** The compatibility modules on their own: npm: specifiers, JSX rendering, Deno.jupyter and tslab's display. */
import { afterEach, describe, expect, it } from "vitest";
import { jupyter, makeDenoGlobal, setBroadcaster } from "../../../kernel/compat/deno.js";
import { Fragment, jsx, renderToHtml } from "../../../kernel/compat/jsx.js";
import { notInstalledMessage, packageName, parseNpmSpecifier, satisfies } from "../../../kernel/compat/specifiers.js";
import * as tslab from "../../../kernel/compat/tslab.js";
import { setSink, type DisplaySink } from "../../../lib/display/sink.js";

type Sent = [string, Record<string, unknown>, string | undefined];

function recordingSink(): { sink: DisplaySink; sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    sink: {
      interactive: true,
      display: (bundle, _m, id) => void sent.push(["display", bundle, id]),
      update: (bundle, _m, id) => void sent.push(["update", bundle, id]),
      clear: () => undefined,
    },
  };
}

afterEach(() => {
  setSink(undefined);
  setBroadcaster(undefined);
});

describe("npm: specifiers (Deno's form)", () => {
  it("parses name, scope, version and subpath", () => {
    expect(parseNpmSpecifier("npm:@observablehq/plot@0.6/dist")).toEqual({ name: "@observablehq/plot", version: "0.6", subpath: "/dist", bare: "@observablehq/plot/dist" });
    expect(parseNpmSpecifier("npm:preact@10.19.2/hooks")).toEqual({ name: "preact", version: "10.19.2", subpath: "/hooks", bare: "preact/hooks" });
    expect(parseNpmSpecifier("npm:lodash")).toEqual({ name: "lodash", subpath: "", bare: "lodash" });
    expect(parseNpmSpecifier("lodash")).toBeNull();
    expect(packageName("@a/b/c")).toBe("@a/b");
    expect(packageName("./x")).toBeNull();
  });

  it("checks an installed version against the requested one as npm's semver does for the common forms", () => {
    // npm semver: ^0.6.16 allows 0.6.x >= 0.6.16 only; ~1.2.3 allows 1.2.x >= 1.2.3; "18" is 18.x.x.
    expect([satisfies("18.3.1", "18"), satisfies("17.0.2", "18"), satisfies("0.6.17", "^0.6.16"), satisfies("0.7.0", "^0.6")]).toEqual([true, false, true, false]);
    expect([satisfies("1.2.5", "~1.2.3"), satisfies("1.3.0", "~1.2.3"), satisfies("1.2.2", "^1.2.3"), satisfies("9.9.9", "latest")]).toEqual([true, false, false, true]);
  });

  it("says what is missing and the exact install command", () => {
    expect(notInstalledMessage("npm:react@18", "/work/nb")).toBe(
      "Cannot find package 'react' (imported as 'npm:react@18'): it is not installed near the notebook (/work/nb) nor shipped with mlsd. mlsd does not download packages by itself; install it with: npm install --prefix \"/work/nb\" react@18",
    );
  });
});

describe("JSX rendering", () => {
  it("renders elements, attributes, styles, fragments and components to HTML, escaping text", () => {
    const Item = (p: { label: string }) => jsx.h("li", { className: "item" }, p.label);
    const tree = jsx.h("ul", { style: { marginTop: 4, opacity: 0.5 }, hidden: false, onClick: () => 1 }, jsx.h(Item, { label: "a < b" }), jsx.h(Fragment, null, jsx.h("br", null), null, true, 7));
    expect(renderToHtml(tree)).toBe('<ul style="margin-top:4px;opacity:0.5"><li class="item">a &lt; b</li><br/>7</ul>');
  });

  it("renders class components and React-shaped elements", () => {
    class Hello {
      constructor(private readonly props: { who: string }) {}
      render() {
        return jsx.h("b", null, `hi ${this.props.who}`);
      }
    }
    expect(renderToHtml(jsx.h(Hello, { who: "ann" }))).toBe("<b>hi ann</b>");
    const reactLike = { $$typeof: Symbol.for("react.element"), type: "i", props: { children: ["x", 1] } };
    expect(renderToHtml(reactLike)).toBe("<i>x1</i>");
  });
});

describe("Deno.jupyter (Deno's cli/js/40_jupyter.js)", () => {
  it("builds displayables from tagged templates and images, and formats values", async () => {
    expect(await jupyter.format(jupyter.html`<b>${1 + 1}</b>`)).toEqual({ "text/html": "<b>2</b>" });
    expect(await jupyter.format(jupyter.md`# ${"t"}`)).toEqual({ "text/markdown": "# t" });
    expect(await jupyter.format(jupyter.image(new Uint8Array([255, 216, 1, 255, 217])))).toEqual({ "image/jpeg": "/9gB/9k=" });
    expect(() => jupyter.image(new Uint8Array([1, 2, 3]))).toThrow("Object is not a valid image or a path to an image");
    expect(await jupyter.format(42)).toEqual({ "text/plain": "42" });
  });

  it("displays raw bundles and updates by display_id through the display sink", async () => {
    const { sink, sent } = recordingSink();
    setSink(sink);
    await jupyter.display({ "text/plain": "raw" }, { raw: true });
    await jupyter.display(jupyter.html`<i>1</i>`, { display_id: "p" });
    await jupyter.display(jupyter.html`<i>2</i>`, { display_id: "p", update: true });
    expect(sent).toEqual([["display", { "text/plain": "raw" }, undefined], ["display", { "text/html": "<i>1</i>" }, "p"], ["update", { "text/html": "<i>2</i>" }, "p"]]);
  });

  it("broadcasts through the kernel, and refuses outside it", async () => {
    await expect(jupyter.broadcast("display_data", {})).rejects.toThrow("Deno.jupyter.broadcast works only inside the kernel");
    const got: unknown[] = [];
    setBroadcaster((type, content) => void got.push([type, content]));
    await jupyter.broadcast("comm_msg", { comm_id: "c", data: {} });
    expect(got).toEqual([["comm_msg", { comm_id: "c", data: {} }]]);
  });

  it("gives a Deno global for version checks that says it is mlsd's", () => {
    const deno = makeDenoGlobal("0.1.0");
    expect(deno.version.deno).toBe("0.1.0-mlsd");
    expect(deno.version.v8).toBe(process.versions.v8);
    expect(deno.build.os).toBe(process.platform === "win32" ? "windows" : process.platform);
    expect(deno.jupyter).toBe(jupyter);
  });
});

describe("tslab module (tslab's src/public.ts)", () => {
  it("displays each MIME type, bytes as base64, and newDisplay updates its own output", () => {
    const { sink, sent } = recordingSink();
    setSink(sink);
    tslab.display.html("<b>x</b>");
    tslab.display.png(new Uint8Array([137, 80, 78, 71]));
    const d = tslab.newDisplay();
    d.text("0%");
    d.text("100%");
    expect(sent.slice(0, 2)).toEqual([["display", { "text/html": "<b>x</b>" }, undefined], ["display", { "image/png": "iVBORw==" }, undefined]]);
    expect(sent[2]![0]).toBe("display");
    expect(sent[3]).toEqual(["update", { "text/plain": "100%" }, sent[2]![2]]);
    expect(() => tslab.display.raw("html", "x")).toThrow('contentType must be a MIME type such as "text/html"; got html');
    expect(tslab.versions.node).toBe(process.version);
  });
});
