/**
 * Which version of the Jupyter widget messaging protocol (ipywidgets' packages/schema/messages.md) the kernel
 * speaks follows what the frontend announces:
 * - jupyter-js-widgets 2.1 (ipywidgets 6.0, Notebook 6.4's extension) opens `jupyter.widget.version`, is told
 *   the range "~2.1.4" and answers `validated` (ipywidgets 6's handle_version_comm_opened): protocol version 1,
 *   which has no `echo_update`, so none is sent;
 * - @jupyter-widgets/base-manager (ipywidgets 7.7+ / 8) opens `jupyter.widget.control` with metadata
 *   `{version: "1.0.0"}`: the kernel speaks 2.1.0 with ipywidgets 8's models, as ipywidgets 8's widget.py
 *   does: comm_open `{state, buffer_paths}` with metadata `{version: "2.1.0"}`, `request_states` answered by
 *   `update_states`, and each frontend update echoed to every frontend as `echo_update` (set_state) before it
 *   is applied; JUPYTER_WIDGETS_ECHO=off turns the echo off, as in ipywidgets 8.
 * The 2.1.0 tests use two clients on one kernel: the echo of one client's update reaches the other.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelClient } from "../../dist/kernel/client.js";
import type { Message } from "../../dist/kernel/protocol/wire.js";
import { startKernel } from "../helpers/kernel.js";
import { InteractiveFrontend } from "./interactive-client.js";

const commMsgs = (msgs: Message[]) => msgs.filter((m) => m.header.msg_type === "comm_msg").map((m) => m.content["data"] as Record<string, unknown>);

describe("kernel: the widget protocol follows what the frontend announces", () => {
  let k: KernelClient;
  let fe: InteractiveFrontend;
  beforeAll(async () => {
    k = await startKernel();
    fe = new InteractiveFrontend(k);
    await fe.connect();
  }, 60_000);
  afterAll(async () => {
    fe.close();
    await k.shutdown();
  });

  const shown = async (code: string) => {
    const { iopub } = await fe.done(fe.execute(code));
    return { comms: iopub.filter((m) => m.header.msg_type.startsWith("comm_")), display: iopub.find((m) => m.header.msg_type === "display_data")?.content["data"] as Record<string, unknown> | undefined };
  };

  it("a control comm of another major version is closed (ipywidgets 8 refuses it), and widgets stay static", async () => {
    const open = fe.send("comm_open", { comm_id: "control-v2", target_name: "jupyter.widget.control", data: {} }, [], fe.shell, { version: "2.0.0" });
    await fe.done(open, false);
    expect(fe.outputs(open).find((m) => m.header.msg_type === "comm_close")?.content).toEqual({ comm_id: "control-v2", data: {} });
    const r = await shown('import { IntSlider } from "mlsd/widgets";\ndisplay(new IntSlider({ value: 2, description: "k" }))');
    expect(r.comms).toEqual([]);
    expect(Object.keys(r.display ?? {}).sort()).toEqual(["text/html", "text/plain"]);
  });

  it("a frontend that refuses the version range gets static widgets too", async () => {
    const open = fe.send("comm_open", { comm_id: "v-old", target_name: "jupyter.widget.version", data: {} });
    await fe.done(open, false);
    expect(fe.outputs(open).find((m) => m.header.msg_type === "comm_msg")?.content["data"]).toEqual({ version: "~2.1.4" });
    await fe.done(fe.send("comm_msg", { comm_id: "v-old", data: { validated: false, frontend_version: "3.0.0" } }), false);
    const r = await shown("display(new IntSlider({ value: 2 }))");
    expect(r.comms).toEqual([]);
    expect(r.display?.["text/plain"]).toBe("IntSlider(value=2)");
  });

  it("jupyter-js-widgets 2.1 gets live widgets on protocol 1; an update (with a binary buffer) reaches observe; no echo_update comes back", async () => {
    await fe.done(fe.send("comm_open", { comm_id: "v21", target_name: "jupyter.widget.version", data: {} }), false);
    await fe.done(fe.send("comm_msg", { comm_id: "v21", data: { validated: true, frontend_version: "2.1.4" } }), false);
    const setup = fe.execute("const s = new IntSlider({ value: 1, max: 10 });\ns.observe((c) => console.log(`seen ${c.new}`), 'value');\ndisplay(s);\ns.modelId");
    const { iopub } = await fe.done(setup);
    const id = String((iopub.find((m) => m.header.msg_type === "execute_result")!.content["data"] as Record<string, string>)["text/plain"]).replace(/'/g, "");
    const open = iopub.find((m) => m.header.msg_type === "comm_open" && m.content["comm_id"] === id)!;
    // Version 1: the state itself is the comm_open's data, with jupyter-js-widgets' module, and no protocol metadata.
    expect((open.content["data"] as Record<string, unknown>)["_model_module"]).toBe("jupyter-js-widgets");
    expect(open.metadata["version"]).toBeUndefined();
    expect(commMsgs(iopub).map((d) => d["method"])).toEqual(["display"]);
    const move = fe.send("comm_msg", { comm_id: id, data: { method: "backbone", sync_data: { value: 6 } } });
    await fe.done(move, false);
    expect(fe.stdout(move)).toBe("seen 6\n");
    expect(commMsgs(fe.outputs(move))).toEqual([]);
    // A binary value from the frontend (ipywidgets 6's buffer_keys) reaches observe as bytes; still no echo.
    const blob = await fe.done(fe.execute('import { AnyWidget } from "mlsd/widgets";\nconst a = new AnyWidget({ esm: "export default {}", state: { data: new Uint8Array([1]) } });\na.observe((c) => console.log("bytes", [...new Uint8Array((c.new as DataView).buffer, (c.new as DataView).byteOffset, (c.new as DataView).byteLength)].join(",")), "data");\na.modelId'));
    const aid = String((blob.iopub.find((m) => m.header.msg_type === "execute_result")!.content["data"] as Record<string, string>)["text/plain"]).replace(/'/g, "");
    const bytes = fe.send("comm_msg", { comm_id: aid, data: { method: "backbone", sync_data: {}, buffer_keys: ["data"] } }, [Buffer.from([7, 8])]);
    await fe.done(bytes, false);
    expect(fe.stdout(bytes)).toBe("bytes 7,8\n");
    expect(commMsgs(fe.outputs(bytes))).toEqual([]);
  });
});

describe("kernel: protocol 2.1.0 (ipywidgets 8) with two frontends: echo_update", () => {
  let k: KernelClient;
  let a: InteractiveFrontend;
  let b: InteractiveFrontend;
  beforeAll(async () => {
    k = await startKernel();
    a = new InteractiveFrontend(k);
    b = new InteractiveFrontend(k);
    await a.connect();
    await b.connect();
  }, 60_000);
  afterAll(async () => {
    a.close();
    b.close();
    await k.shutdown();
  });

  const resultOf = async (fe: InteractiveFrontend, code: string) => {
    const { iopub } = await fe.done(fe.execute(code));
    const error = iopub.find((m) => m.header.msg_type === "error");
    if (error) throw new Error(`${String(error.content["ename"])}: ${String(error.content["evalue"])}`);
    return { iopub, text: String((iopub.find((m) => m.header.msg_type === "execute_result")?.content["data"] as Record<string, string> | undefined)?.["text/plain"] ?? "").replace(/'/g, "") };
  };

  it("the control comm's request_states is answered with update_states (none yet), and the kernel speaks 2.1.0", async () => {
    const open = a.send("comm_open", { comm_id: "control", target_name: "jupyter.widget.control", data: {} }, [], a.shell, { version: "1.0.0" });
    await a.done(open, false);
    expect(a.outputs(open).some((m) => m.header.msg_type === "comm_close")).toBe(false);
    const ask = a.send("comm_msg", { comm_id: "control", data: { method: "request_states" } });
    await a.done(ask, false);
    expect(commMsgs(a.outputs(ask))).toEqual([{ method: "update_states", states: {}, buffer_paths: [] }]);
  });

  it("a slider opens with ipywidgets 8's model in {state, buffer_paths} and metadata version 2.1.0, and displays by mime type", async () => {
    const { iopub, text: id } = await resultOf(a, 'import { IntSlider, Dropdown, AnyWidget } from "mlsd/widgets";\nconst s = new IntSlider({ value: 1, max: 10, description: "k" });\ns.observe((c) => console.log(`seen ${c.new}`), "value");\ndisplay(s);\ns.modelId');
    const open = iopub.find((m) => m.header.msg_type === "comm_open" && m.content["comm_id"] === id)!;
    expect(open.metadata).toEqual({ version: "2.1.0" });
    expect(open.content["target_name"]).toBe("jupyter.widget");
    const data = open.content["data"] as { state: Record<string, unknown>; buffer_paths: unknown[] };
    expect(data.buffer_paths).toEqual([]);
    expect(data.state).toMatchObject({ _model_name: "IntSliderModel", _model_module: "@jupyter-widgets/controls", _model_module_version: "2.0.0", _view_name: "IntSliderView", _view_module: "@jupyter-widgets/controls", value: 1, min: 0, max: 10, step: 1, description: "k" });
    // Keys ipywidgets 8 does not have: msg_throttle (removed in protocol 2), mlsd's _range.
    expect(Object.keys(data.state)).not.toContain("msg_throttle");
    expect(Object.keys(data.state)).not.toContain("_range");
    // No `display` comm message on protocol 2: the display_data carries the view, with text/plain as ipywidgets 8's.
    expect(commMsgs(iopub)).toEqual([]);
    const shown = iopub.find((m) => m.header.msg_type === "display_data")!.content["data"];
    expect(shown).toEqual({ "text/plain": "IntSlider(value=1)", "application/vnd.jupyter.widget-view+json": { model_id: id, version_major: 2, version_minor: 0 } });
  });

  it("client A's update reaches observe, and client B gets it as an echo_update whose parent is A's message, before the callback's output", async () => {
    const id = (await resultOf(a, "s.modelId")).text;
    const move = a.send("comm_msg", { comm_id: id, data: { method: "update", state: { value: 6 }, buffer_paths: [] } });
    await b.done(move, false);
    const seenByB = b.outputs(move);
    const echo = seenByB.find((m) => m.header.msg_type === "comm_msg")!;
    expect(echo.content).toEqual({ comm_id: id, data: { method: "echo_update", state: { value: 6 }, buffer_paths: [] } });
    expect(echo.parent_header.msg_id).toBe(move.header.msg_id);
    expect(b.stdout(move)).toBe("seen 6\n");
    const order = seenByB.filter((m) => m.header.msg_type === "comm_msg" || m.header.msg_type === "stream").map((m) => m.header.msg_type);
    expect(order).toEqual(["comm_msg", "stream"]);
    expect((await resultOf(b, "s.value")).text).toBe("6");
  });

  it("a value the kernel clips is echoed as sent, then corrected by an update (ipywidgets 8: echo first, then the property lock)", async () => {
    const id = (await resultOf(a, "s.modelId")).text;
    const move = a.send("comm_msg", { comm_id: id, data: { method: "update", state: { value: 50 }, buffer_paths: [] } });
    await b.done(move, false);
    expect(commMsgs(b.outputs(move))).toEqual([
      { method: "echo_update", state: { value: 50 }, buffer_paths: [] },
      { method: "update", state: { value: 10 }, buffer_paths: [] },
    ]);
    expect(b.stdout(move)).toBe("seen 10\n");
  });

  it("binary buffers: comm_open, the echo and update_states carry them at their buffer_paths; observe gets the bytes", async () => {
    const { iopub, text: id } = await resultOf(a, 'const blob = new AnyWidget({ esm: "export default {}", state: { data: new Uint8Array([1, 2, 3]), n: 0 } });\nblob.observe((c) => console.log("bytes", [...new Uint8Array((c.new as DataView).buffer, (c.new as DataView).byteOffset, (c.new as DataView).byteLength)].join(",")), "data");\nblob.modelId');
    const open = iopub.find((m) => m.header.msg_type === "comm_open" && m.content["comm_id"] === id)!;
    const data = open.content["data"] as { state: Record<string, unknown>; buffer_paths: unknown[] };
    expect(data.buffer_paths).toEqual([["data"]]);
    expect(data.state).not.toHaveProperty("data");
    expect(data.state).toMatchObject({ _model_name: "AnyModel", _model_module: "anywidget", n: 0 });
    expect([...open.buffers[0]!]).toEqual([1, 2, 3]);
    const move = a.send("comm_msg", { comm_id: id, data: { method: "update", state: { n: 4 }, buffer_paths: [["data"]] } }, [Buffer.from([9, 8, 7])]);
    await b.done(move, false);
    const echo = b.outputs(move).find((m) => m.header.msg_type === "comm_msg")!;
    expect(echo.content["data"]).toEqual({ method: "echo_update", state: { n: 4 }, buffer_paths: [["data"]] });
    expect([...echo.buffers[0]!]).toEqual([9, 8, 7]);
    expect(b.stdout(move)).toBe("bytes 9,8,7\n");
    // A frontend that connects later loads every model at once (manager-base's _loadFromKernel).
    const ask = b.send("comm_msg", { comm_id: "control", data: { method: "request_states" } });
    await b.done(ask, false);
    const reply = b.outputs(ask).find((m) => m.header.msg_type === "comm_msg")!;
    const states = reply.content["data"] as { method: string; states: Record<string, { model_name: string; model_module: string; model_module_version: string; state: Record<string, unknown> }>; buffer_paths: unknown[] };
    expect(states.method).toBe("update_states");
    const sid = (await resultOf(a, "s.modelId")).text;
    expect(states.states[sid]).toMatchObject({ model_name: "IntSliderModel", model_module: "@jupyter-widgets/controls", model_module_version: "2.0.0", state: { value: 10, max: 10 } });
    expect(states.states[id]).toMatchObject({ model_name: "AnyModel", model_module: "anywidget", state: { n: 4 } });
    expect(states.buffer_paths).toEqual([[id, "state", "data"]]);
    expect([...reply.buffers[0]!]).toEqual([9, 8, 7]);
  });

  it("a Dropdown goes by index on 2.1.0 (ipywidgets 8's Selection): the frontend's index reaches observe as the option's value", async () => {
    const { iopub, text: id } = await resultOf(a, 'const d = new Dropdown({ options: [["low", 0.1], ["mid", 0.5], ["high", 0.9]], value: 0.5 });\nd.observe((c) => console.log(`value ${c.new}`), "value");\nd.modelId');
    const state = (iopub.find((m) => m.header.msg_type === "comm_open" && m.content["comm_id"] === id)!.content["data"] as { state: Record<string, unknown> }).state;
    expect(state).toMatchObject({ _model_name: "DropdownModel", _options_labels: ["low", "mid", "high"], index: 1 });
    expect(state).not.toHaveProperty("value");
    const pick = a.send("comm_msg", { comm_id: id, data: { method: "update", state: { index: 2 }, buffer_paths: [] } });
    await b.done(pick, false);
    expect(commMsgs(b.outputs(pick))).toEqual([{ method: "echo_update", state: { index: 2 }, buffer_paths: [] }]);
    expect(b.stdout(pick)).toBe("value 0.9\n");
    const fromKernel = await a.done(a.execute('d.value = 0.1'));
    expect(commMsgs(fromKernel.iopub)).toEqual([{ method: "update", state: { index: 0 }, buffer_paths: [] }]);
  });

  it("JUPYTER_WIDGETS_ECHO=off stops the echo, as in ipywidgets 8", async () => {
    await resultOf(a, 'process.env.JUPYTER_WIDGETS_ECHO = "off"');
    const id = (await resultOf(a, "s.modelId")).text;
    const move = a.send("comm_msg", { comm_id: id, data: { method: "update", state: { value: 3 }, buffer_paths: [] } });
    await b.done(move, false);
    expect(commMsgs(b.outputs(move))).toEqual([]);
    expect(b.stdout(move)).toBe("seen 3\n");
    await resultOf(a, "delete process.env.JUPYTER_WIDGETS_ECHO");
  });
});
