/**
 * progress() as a widget where a widget frontend renders widgets, text elsewhere. The widget layout is
 * tqdm.notebook's (tqdm/notebook.py, status_printer): HBox(children=[HTML(description), FloatProgress(min 0,
 * max total), HTML(counts)]), bar_style "success" when closed at the total, and with no total a full bar
 * styled "info". Comms go through a recording transport, as the kernel's would publish them.
 */
import { afterEach, describe, expect, it } from "vitest";
import { progress, setSink, type DisplaySink, type MimeBundle } from "../../../lib/display/index.js";
import { setCommTransport } from "../../../lib/widgets/comm.js";
import { resetWidgetFrontend } from "../../../lib/widgets/frontend.js";

type Sent = { type: string; content: Record<string, unknown> };

function record() {
  const sent: Sent[] = [];
  setCommTransport({ send: (type, content) => void sent.push({ type, content }) });
  const shown: { kind: string; bundle: MimeBundle }[] = [];
  const sink: DisplaySink = {
    interactive: true,
    display: (bundle) => void shown.push({ kind: "display", bundle }),
    update: (bundle) => void shown.push({ kind: "update", bundle }),
    clear: () => undefined,
  };
  setSink(sink);
  return { sent, shown };
}

const opened = (sent: Sent[], model: string) => sent.filter((m) => m.type === "comm_open" && (m.content["data"] as Record<string, unknown>)["_model_name"] === model);
const updatesOf = (sent: Sent[], id: string) => sent.filter((m) => m.type === "comm_msg" && m.content["comm_id"] === id).map((m) => (m.content["data"] as { state?: Record<string, unknown> }).state ?? {});

describe("progress() with a widget frontend", () => {
  afterEach(() => {
    setSink(undefined);
    setCommTransport(undefined);
    resetWidgetFrontend(undefined);
  });

  it("renders tqdm.notebook's HBox of description, FloatProgress and counts, and updates it over the comm", () => {
    resetWidgetFrontend({ validated: true, version: "2.1.4", protocol: 1 });
    const { sent, shown } = record();
    const bar = progress(4, { desc: "epochs", intervalMs: 0 });
    for (let i = 0; i < 4; i++) bar.update(1);
    bar.close();
    // One display, the widget view: no HTML re-sent on each step.
    expect(shown).toHaveLength(1);
    const view = shown[0]!.bundle["application/vnd.jupyter.widget-view+json"] as { model_id: string };
    const box = opened(sent, "HBoxModel");
    expect(box).toHaveLength(1);
    expect(view.model_id).toBe(box[0]!.content["comm_id"]);
    const [desc, info] = opened(sent, "HTMLModel");
    const [pbar] = opened(sent, "ProgressModel");
    expect((box[0]!.content["data"] as { children: string[] }).children).toEqual([`IPY_MODEL_${String(desc!.content["comm_id"])}`, `IPY_MODEL_${String(pbar!.content["comm_id"])}`, `IPY_MODEL_${String(info!.content["comm_id"])}`]);
    expect(pbar!.content["data"]).toMatchObject({ _view_name: "ProgressView", min: 0, max: 4, value: 0 });
    expect((desc!.content["data"] as { value: string }).value).toBe("epochs   0%");
    const barUpdates = updatesOf(sent, String(pbar!.content["comm_id"]));
    expect(barUpdates.filter((s) => "value" in s).map((s) => s["value"])).toEqual([1, 2, 3, 4]);
    expect(barUpdates.at(-1)).toEqual({ bar_style: "success" });
    const descUpdates = updatesOf(sent, String(desc!.content["comm_id"])).map((s) => s["value"]);
    expect(descUpdates).toEqual(["epochs  25%", "epochs  50%", "epochs  75%", "epochs 100%"]);
    const infoUpdates = updatesOf(sent, String(info!.content["comm_id"])).map((s) => String(s["value"]));
    expect(infoUpdates.at(-1)).toMatch(/^4\/4 \[/);
  });

  it("with no total the bar is full and styled 'info', the count in the text", () => {
    resetWidgetFrontend({ validated: true, version: "2.1.4", protocol: 1 });
    const { sent } = record();
    function* items() {
      yield* [1, 2, 3];
    }
    for (const _ of progress(items(), { intervalMs: 0 })) void _;
    const [pbar] = opened(sent, "ProgressModel");
    expect(pbar!.content["data"]).toMatchObject({ max: 1, value: 1, bar_style: "info" });
    const [, info] = opened(sent, "HTMLModel");
    expect(updatesOf(sent, String(info!.content["comm_id"])).map((s) => String(s["value"])).at(-1)).toMatch(/^3 it \[/);
  });

  it("on protocol 2.1.0 (an ipywidgets 8 frontend) the same bar goes out as ipywidgets 8's models, with the version in the comm_open's metadata", () => {
    resetWidgetFrontend({ validated: true, version: "control 1.0.0", protocol: 2 });
    const sent: (Sent & { metadata: Record<string, unknown> })[] = [];
    setCommTransport({ send: (type, content, _buffers, metadata) => void sent.push({ type, content, metadata }) });
    const shown: MimeBundle[] = [];
    setSink({ interactive: true, display: (b) => void shown.push(b), update: (b) => void shown.push(b), clear: () => undefined });
    const bar = progress(2, { desc: "steps", intervalMs: 0 });
    bar.update(2);
    bar.close();
    const opens = sent.filter((m) => m.type === "comm_open");
    const models = opens.map((m) => (m.content["data"] as { state: Record<string, unknown> }).state["_model_name"]);
    expect(models.sort()).toEqual(["FloatProgressModel", "HBoxModel", "HTMLModel", "HTMLModel"]);
    for (const m of opens) {
      expect(m.metadata).toEqual({ version: "2.1.0" });
      expect((m.content["data"] as { state: Record<string, unknown> }).state).toMatchObject({ _model_module: "@jupyter-widgets/controls", _model_module_version: "2.0.0" });
    }
    const pbar = opens.find((m) => (m.content["data"] as { state: Record<string, unknown> }).state["_model_name"] === "FloatProgressModel")!;
    const updates = sent.filter((m) => m.type === "comm_msg" && m.content["comm_id"] === pbar.content["comm_id"]).map((m) => m.content["data"]);
    expect(updates).toContainEqual({ method: "update", state: { value: 2 }, buffer_paths: [] });
    expect(updates.at(-1)).toEqual({ method: "update", state: { bar_style: "success" }, buffer_paths: [] });
    expect(shown[0]!["text/plain"]).toMatch(/^HBox\(children=\[/);
  });

  it("stays text and HTML where no widget frontend answered (mlsd run, nbclient)", () => {
    const { sent, shown } = record();
    const bar = progress(2, { desc: "steps", intervalMs: 0 });
    bar.update(2);
    bar.close();
    expect(sent).toEqual([]);
    expect(shown[0]!.kind).toBe("display");
    expect(Object.keys(shown[0]!.bundle).sort()).toEqual(["text/html", "text/plain"]);
    expect(String(shown.at(-1)!.bundle["text/plain"])).toMatch(/^steps 100% \|█{30}\| 2\/2/);
  });

  it("a frontend that refused the version check gets text too", () => {
    resetWidgetFrontend({ validated: false, version: "1.0.0", protocol: 1 });
    const { sent, shown } = record();
    progress(1, { intervalMs: 0 }).close();
    expect(sent).toEqual([]);
    expect(shown.every((s) => "text/plain" in s.bundle)).toBe(true);
  });
});
