/**
 * Which widget protocol the kernel speaks depends on what the frontend announces, as ipywidgets 6 decides it
 * (widget.py, handle_version_comm_opened): jupyter-js-widgets 2.1 opens `jupyter.widget.version`, is told the
 * range "~2.1.4", and answers `validated`. An ipywidgets 7/8 frontend (protocol 2.x: JupyterLab, Notebook 7)
 * opens `jupyter.widget.control` instead, which mlsd does not serve: that comm is closed, as ipykernel closes any
 * unknown target, and widgets keep their static view rather than sending models the frontend cannot read. Nor
 * does the kernel send ipywidgets 8's `echo_update` (protocol 2.1.0): jupyter-js-widgets 2.1 has no such method.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { KernelClient } from "../../dist/kernel/client.js";
import { startKernel } from "../helpers/kernel.js";
import { InteractiveFrontend } from "./interactive-client.js";

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

  it("an ipywidgets 8 frontend's jupyter.widget.control comm is closed, and widgets stay static", async () => {
    const open = fe.send("comm_open", { comm_id: "control", target_name: "jupyter.widget.control", data: {} }, [], fe.shell);
    await fe.done(open, false);
    expect(fe.outputs(open).find((m) => m.header.msg_type === "comm_close")?.content).toEqual({ comm_id: "control", data: {} });
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

  it("jupyter-js-widgets 2.1 gets live widgets; an update in the newer form (state, buffer_paths) reaches observe; no echo_update comes back", async () => {
    await fe.done(fe.send("comm_open", { comm_id: "v21", target_name: "jupyter.widget.version", data: {} }), false);
    await fe.done(fe.send("comm_msg", { comm_id: "v21", data: { validated: true, frontend_version: "2.1.4" } }), false);
    const setup = fe.execute("const s = new IntSlider({ value: 1, max: 10 });\ns.observe((c) => console.log(`seen ${c.new}`), 'value');\ndisplay(s);\ns.modelId");
    const { iopub } = await fe.done(setup);
    const id = String((iopub.find((m) => m.header.msg_type === "execute_result")!.content["data"] as Record<string, string>)["text/plain"]).replace(/'/g, "");
    expect(iopub.some((m) => m.header.msg_type === "comm_open" && m.content["comm_id"] === id)).toBe(true);
    const move = fe.send("comm_msg", { comm_id: id, data: { method: "update", state: { value: 6 }, buffer_paths: [] } });
    await fe.done(move, false);
    expect(fe.stdout(move)).toBe("seen 6\n");
    const sent = fe.outputs(move).filter((m) => m.header.msg_type === "comm_msg").map((m) => (m.content["data"] as { method: string }).method);
    expect(sent).toEqual([]);
  });
});
