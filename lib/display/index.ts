/** Rich output for notebooks and scripts: `display`, `clearOutput`, `progress`, MIME bundles. */
export { display, clearOutput, type DisplayHandle, type DisplayOptions } from "./display.js";
export { progress, type ProgressBar, type ProgressOptions } from "./progress.js";
export { mimeBundle, DISPLAY_SYMBOL, type MimeBundle } from "./mime.js";
export { currentSink, setSink, type DisplaySink } from "./sink.js";
export { tableHtml, tableText, type TablePreview } from "./table.js";
