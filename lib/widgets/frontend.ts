/**
 * Which widget frontend is listening. The protocol spoken is that of jupyter-js-widgets 2.1 (ipywidgets 6.0,
 * Debian's python3-widgetsnbextension for Notebook 6.4): its widget manager opens a `jupyter.widget.version`
 * comm on connect, gets the semver range the kernel wants, and answers whether its version satisfies it
 * (ipywidgets/widgets/widget.py, handle_version_comm_opened). That answer tells the kernel a live frontend
 * renders widgets; without it (`mlsd run`, nbclient, scripts) widgets display a static view.
 */
import { registerCommTarget } from "./comm.js";

/** ipywidgets 6.0's `__frontend_version__`: the jupyter-js-widgets versions this kernel's messages fit. */
export const FRONTEND_VERSION = "~2.1.4";
/** The module the models and views live in, on that frontend. */
export const WIDGET_MODULE = "jupyter-js-widgets";

// Kept on globalThis: a cell may load this module under another URL than the kernel did (the loader's
// re-read of files changed on disk), and both copies must agree on the frontend.
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for("mlsd.widgets.frontend")] ??= { frontend: undefined }) as { frontend: Frontend | undefined; registered?: boolean };

/** A widget frontend that opened the version comm; `validated` is its answer, undefined until it comes. */
export interface Frontend {
  validated: boolean | undefined;
  version: string;
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

/** For tests and the kernel's restart: forget the frontend. */
export function resetWidgetFrontend(value?: Frontend): void {
  shared.frontend = value;
}

/** Registers the kernel-side widget comm targets (the kernel calls this at start). */
export function registerWidgetTargets(): void {
  if (shared.registered) return;
  shared.registered = true;
  registerCommTarget("jupyter.widget.version", (comm) => {
    shared.frontend = { validated: undefined, version: "" };
    comm.onMsg((msg) => {
      const data = msg.content.data;
      shared.frontend = { validated: data["validated"] === true, version: String(data["frontend_version"] ?? "") };
    });
    comm.send({ version: FRONTEND_VERSION });
  });
}
