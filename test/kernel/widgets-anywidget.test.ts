/**
 * anywidget's protocol over the real kernel sockets, as anywidget/widget.py puts it on the wire: a comm to
 * `jupyter.widget` whose state names the model `AnyModel` and view `AnyView` in module `anywidget`, and carries
 * the ES module (`_esm`), the CSS (`_css`) and `_anywidget_id` beside the user's keys; the frontend's
 * `model.set + save_changes` arrives as ipywidgets 6's backbone sync and reaches observe, the kernel's set goes
 * out as an update, and `model.send` / `model.on("msg:custom")` travel as `{method: "custom"}` messages.
 * Against jupyter-js-widgets 2.1 (the frontend version this test announces, as Debian's Notebook 6.4 extension
 * does) the kernel sends no `echo_update`: that method is ipywidgets 8's (protocol 2.1.0), which 2.1 does not know.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelClient } from "../../dist/kernel/client.js";
import { startKernel } from "../helpers/kernel.js";
import { InteractiveFrontend } from "./interactive-client.js";

const ESM = [
  "export default {",
  "  render({ model, el }) {",
  "    const b = document.createElement('button');",
  "    const show = () => (b.textContent = 'count is ' + model.get('count'));",
  "    b.onclick = () => { model.set('count', model.get('count') + 1); model.save_changes(); };",
  "    model.on('change:count', show); show(); el.appendChild(b);",
  "  },",
  "};",
].join("\n");

describe("kernel: anywidget's protocol", () => {
  let k: KernelClient;
  let fe: InteractiveFrontend;
  beforeAll(async () => {
    k = await startKernel();
    fe = new InteractiveFrontend(k);
    await fe.connect();
    // A widget frontend that renders: jupyter-js-widgets 2.1.4 answers the version check.
    await fe.done(fe.send("comm_open", { comm_id: "version", target_name: "jupyter.widget.version", data: {} }), false);
    await fe.done(fe.send("comm_msg", { comm_id: "version", data: { validated: true, frontend_version: "2.1.4" } }), false);
  }, 60_000);
  afterAll(async () => {
    fe.close();
    await k.shutdown();
  });

  const result = (iopub: { header: { msg_type: string }; content: Record<string, unknown> }[]) => (iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"] as Record<string, string> | undefined)?.["text/plain"];
  const error = (iopub: { header: { msg_type: string }; content: Record<string, unknown> }[]) => iopub.find((m) => m.header.msg_type === "error")?.content;

  let id = "";
  it("opens a jupyter.widget comm with anywidget's model, view, module, _esm, _css and _anywidget_id, and displays it", async () => {
    const setup = fe.execute(
      [
        'import { AnyWidget } from "mlsd/widgets";',
        `const ESM = ${JSON.stringify(ESM)};`,
        "class Counter extends AnyWidget<{ count: number }> {",
        "  constructor() { super({ esm: ESM, css: '.counter { color: red }', state: { count: 0 } }); }",
        "}",
        "const counter = new Counter();",
        "counter.observe((c) => console.log(`count ${c.old} -> ${c.new}`), 'count');",
        "counter.onMsg((content) => counter.send({ pong: content['ping'] }));",
        "display(counter);",
        "counter.modelId",
      ].join("\n"),
    );
    const { iopub } = await fe.done(setup);
    expect(error(iopub)).toBeUndefined();
    id = String(result(iopub)).replace(/'/g, "");
    const open = iopub.find((m) => m.header.msg_type === "comm_open" && m.content["comm_id"] === id)!;
    expect(open.content["target_name"]).toBe("jupyter.widget");
    // anywidget 0.9's AnyWidget traits (anywidget/widget.py), the class's name as _anywidget_id.
    expect(open.content["data"]).toMatchObject({
      _model_name: "AnyModel",
      _model_module: "anywidget",
      _model_module_version: "~0.9.*",
      _view_name: "AnyView",
      _view_module: "anywidget",
      _view_module_version: "~0.9.*",
      _esm: ESM,
      _css: ".counter { color: red }",
      _anywidget_id: "Counter",
      _dom_classes: [],
      count: 0,
    });
    const shown = iopub.find((m) => m.header.msg_type === "display_data")!.content["data"] as Record<string, unknown>;
    expect(shown["application/vnd.jupyter.widget-view+json"]).toEqual({ model_id: id, version_major: 2, version_minor: 0 });
  });

  it("the module's model.set + save_changes reaches observe; nothing is echoed to a 2.1 frontend (no echo_update)", async () => {
    const click = fe.send("comm_msg", { comm_id: id, data: { method: "backbone", sync_data: { count: 1 } } });
    await fe.done(click, false);
    expect(fe.stdout(click)).toBe("count 0 -> 1\n");
    expect(fe.outputs(click).filter((m) => m.header.msg_type === "comm_msg")).toEqual([]);
    const read = await fe.done(fe.execute("counter.get('count')"));
    expect(result(read.iopub)).toBe("1");
  });

  it("the kernel's set goes to the module as an update (its model.on('change:count') fires)", async () => {
    const msg = fe.execute("counter.set({ count: 7 }); undefined");
    const set = await fe.done(msg);
    const update = set.iopub.find((m) => m.header.msg_type === "comm_msg" && m.content["comm_id"] === id)!;
    expect(update.content["data"]).toEqual({ method: "update", state: { count: 7 }, buffers: [] });
    expect(fe.stdout(msg)).toBe("count 1 -> 7\n");
  });

  it("custom messages both ways: model.send reaches onMsg, widget.send reaches msg:custom", async () => {
    const ping = fe.send("comm_msg", { comm_id: id, data: { method: "custom", content: { ping: 42 } } });
    await fe.done(ping, false);
    const pong = fe.outputs(ping).find((m) => m.header.msg_type === "comm_msg")!;
    expect(pong.content).toEqual({ comm_id: id, data: { method: "custom", content: { pong: 42 } } });
  });

  it("without a widget frontend the static view names the widget and its state", async () => {
    const r = await fe.done(fe.execute("counter.staticView()"));
    expect(result(r.iopub)).toBe("{ 'text/plain': 'Counter(count=7)', 'text/html': '<code>Counter(count=7)</code>' }");
  });

  it("refuses a missing module, an unknown option and state names that clash with the protocol's", async () => {
    const cases: [string, string][] = [
      ["new AnyWidget({ esm: '' })", "The 'esm' option of AnyWidget must be the ES module's source, a non-empty string. Got \"\" instead."],
      ["new AnyWidget({ esm: ESM, sate: {} } as never)", "AnyWidget has no option 'sate'. Valid options: esm, css, state, id."],
      ["new AnyWidget({ esm: ESM, state: { _esm: 'x' } })", "AnyWidget state names must not start with '_' (the protocol's own keys do): got '_esm'."],
    ];
    for (const [code, message] of cases) {
      const r = await fe.done(fe.execute(code));
      expect(error(r.iopub)?.["evalue"], code).toBe(message);
    }
  });
});
