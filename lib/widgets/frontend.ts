/**
 * Which widget frontend is listening, and so which version of the Jupyter widget messaging protocol
 * (ipywidgets' packages/schema/messages.md) the kernel speaks. Two kinds of frontend announce themselves:
 * - jupyter-js-widgets 2.1 (ipywidgets 6.0, Debian's python3-widgetsnbextension for Notebook 6.4) opens a
 *   `jupyter.widget.version` comm on connect, gets the semver range the kernel wants, and answers whether its
 *   version satisfies it (ipywidgets 6's handle_version_comm_opened): protocol version 1.
 * - @jupyter-widgets/base-manager (ipywidgets 7.7+ and 8: JupyterLab, Notebook 7, the html-manager) opens a
 *   `jupyter.widget.control` comm (metadata `{version: "1.0.0"}`, the control protocol) and asks for every
 *   widget's state with `request_states`: the kernel then speaks protocol 2.1.0 with ipywidgets 8's models
 *   (@jupyter-widgets/controls 2.0.0), as ipywidgets 8's kernel side does, `echo_update` included.
 * Without either (`mlsd run`, nbclient, scripts) widgets display a static view.
 */
import { registerCommTarget, type Comm } from "./comm.js";

/** ipywidgets 6.0's `__frontend_version__`: the jupyter-js-widgets versions this kernel's messages fit. */
export const FRONTEND_VERSION = "~2.1.4";
/** The module the models and views live in, on that frontend. */
export const WIDGET_MODULE = "jupyter-js-widgets";

// Kept on globalThis: a cell may load this module under another URL than the kernel did (the loader's
// re-read of files changed on disk), and both copies must agree on the frontend.
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for("mlsd.widgets.frontend")] ??= { frontend: undefined }) as { frontend: Frontend | undefined; registered?: boolean; sendStates?: StatesSender };

/** The widget protocol's major version a frontend speaks: 1 (ipywidgets 6) or 2 (ipywidgets 7.7+ / 8, protocol 2.1.0). */
export type WidgetProtocol = 1 | 2;

/** ipywidgets 8's `__protocol_version__`: sent as the metadata of every widget's comm_open on protocol 2. */
export const PROTOCOL_VERSION = "2.1.0";
/** ipywidgets 8's `__control_protocol_version__`: the `jupyter.widget.control` comm's version. */
export const CONTROL_PROTOCOL_VERSION = "1.0.0";
/** ipywidgets 8's frontend modules (the model state of packages/schema/jupyterwidgetmodels.v8.md). */
export const CONTROLS_MODULE = "@jupyter-widgets/controls";
export const CONTROLS_VERSION = "2.0.0";
export const OUTPUT_MODULE = "@jupyter-widgets/output";
export const OUTPUT_VERSION = "1.0.0";

/**
 * A widget frontend that announced itself; `validated` is its answer to the version check (protocol 1),
 * undefined until it comes.
 */
export interface Frontend {
  validated: boolean | undefined;
  version: string;
  protocol: WidgetProtocol;
}

/** The frontend that opened the version check, if any. */
export function widgetFrontend(): Frontend | undefined {
  return shared.frontend;
}

/**
 * True when a frontend that renders widgets is connected; false in headless runs. As in ipywidgets 6, a
 * frontend counts from its version comm's opening: its answer is queued behind cells a "Run All" already sent,
 * and only a refusal (validated: false) turns widgets back to their static view.
 */
export function widgetsLive(): boolean {
  return shared.frontend !== undefined && shared.frontend.validated !== false;
}

/** The protocol widgets speak now: that of the connected frontend, undefined where widgets stay static. */
export function widgetProtocol(): WidgetProtocol | undefined {
  return widgetsLive() ? shared.frontend!.protocol : undefined;
}

/**
 * Whether frontend updates are echoed (`echo_update`, protocol 2.1.0): on unless JUPYTER_WIDGETS_ECHO is
 * 'no', 'n', 'false', 'off', '0' or '0.0' (any case), as ipywidgets 8's `envset` reads it.
 * @example process.env.JUPYTER_WIDGETS_ECHO = "off"; echoUpdates() // false
 */
export function echoUpdates(): boolean {
  const v = process.env["JUPYTER_WIDGETS_ECHO"];
  return v === undefined || !["no", "n", "false", "off", "0", "0.0"].includes(v.toLowerCase());
}

/** Answers a control comm's `request_states` (set by widget.ts, which knows the widgets). */
type StatesSender = (comm: Comm) => void;

/** @internal widget.ts registers how the whole state of every widget goes out on the control comm. */
export function setStatesSender(send: StatesSender): void {
  shared.sendStates = send;
}

/** For tests and the kernel's restart: forget the frontend. */
export function resetWidgetFrontend(value?: Frontend): void {
  shared.frontend = value;
}

/** Registers the kernel-side widget comm targets (the kernel calls this at start). */
export function registerWidgetTargets(): void {
  if (shared.registered) return;
  shared.registered = true;
  registerCommTarget("jupyter.widget.version", (comm) => {
    shared.frontend = { validated: undefined, version: "", protocol: 1 };
    comm.onMsg((msg) => {
      const data = msg.content.data;
      shared.frontend = { validated: data["validated"] === true, version: String(data["frontend_version"] ?? ""), protocol: 1 };
    });
    comm.send({ version: FRONTEND_VERSION });
  });
  // ipywidgets 8's handle_control_comm_opened: another major version of the control protocol is refused
  // (ipykernel then closes the comm, and the frontend falls back to comm_info and request_state).
  registerCommTarget("jupyter.widget.control", (comm, msg) => {
    const version = String(msg.metadata["version"] ?? "");
    if (version.split(".")[0] !== CONTROL_PROTOCOL_VERSION.split(".")[0]) {
      comm.close();
      return;
    }
    shared.frontend = { validated: true, version: `control ${version}`, protocol: 2 };
    comm.onMsg((m) => {
      if (m.content.data["method"] !== "request_states") return;
      // No widget module loaded yet: no widgets, and an answer spares the frontend its 4 s timeout.
      if (shared.sendStates) shared.sendStates(comm);
      else comm.send({ method: "update_states", states: {}, buffer_paths: [] });
    });
  });
}
