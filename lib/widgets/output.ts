/**
 * The Output widget: a place in the page that collects what code prints and displays. As in ipywidgets 6
 * (widgetsnbextension's widget_output.js), capture works by message id: while `capture` runs, the widget's
 * `msg_id` is the id of the request being served, and the frontend sends that request's outputs into the
 * widget instead of the cell. Without a widget frontend, captured output simply goes to the cell.
 */
import { clearOutput } from "../display/display.js";
import { currentParentId } from "./comm.js";
import { OUTPUT_MODULE, OUTPUT_VERSION, widgetsLive } from "./frontend.js";
import { Widget } from "./widget.js";

/**
 * @example
 * const out = new Output();
 * display(out);
 * await out.capture(() => console.log("inside the widget"));
 */
export class Output extends Widget<{ msg_id: string }> {
  constructor() {
    super({ modelName: "OutputModel", viewName: "OutputView", v8: { module: OUTPUT_MODULE, moduleVersion: OUTPUT_VERSION } }, { msg_id: "" });
  }

  /** Runs `fn` with its output sent into this widget; resolves with what `fn` returns. */
  async capture<T>(fn: () => T | Promise<T>): Promise<T> {
    const id = widgetsLive() ? currentParentId() : undefined;
    const previous = this.get("msg_id");
    if (id !== undefined) this.set({ msg_id: id });
    try {
      return await fn();
    } finally {
      if (id !== undefined) this.set({ msg_id: previous });
    }
  }

  /** Clears the widget's contents (inside `capture`, or for the cell's output without a widget frontend). */
  clear(options: { wait?: boolean } = {}): Promise<void> {
    return this.capture(() => clearOutput(options));
  }

  override toString(): string {
    return "Output()";
  }

  protected override staticHtml(): string {
    return "";
  }
}
