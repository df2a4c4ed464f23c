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

let frontend: { validated: boolean; version: string } | undefined;

/** The frontend that answered the version check, if any. */
export function widgetFrontend(): { validated: boolean; version: string } | undefined {
  return frontend;
}

/** True when a frontend that renders widgets is connected; false in headless runs. */
export function widgetsLive(): boolean {
  return frontend?.validated === true;
}

/** For tests and the kernel's restart: forget the frontend. */
export function resetWidgetFrontend(value?: { validated: boolean; version: string }): void {
  frontend = value;
}

let registered = false;

/** Registers the kernel-side widget comm targets (the kernel calls this at start). */
export function registerWidgetTargets(): void {
  if (registered) return;
  registered = true;
  registerCommTarget("jupyter.widget.version", (comm) => {
    comm.onMsg((msg) => {
      const data = msg.content.data;
      frontend = { validated: data["validated"] === true, version: String(data["frontend_version"] ?? "") };
    });
    comm.send({ version: FRONTEND_VERSION });
  });
}
