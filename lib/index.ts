/** mlsd: the Machine Learning Systems Design library. Each area is also its own entry point, `mlsd/<area>`. */
export * as display from "./display/index.js";
export * as backend from "./backend/index.js";
