/** tfjs device selection: `useBackend("auto")` and what it chose. */
export { useBackend, backendReport, describeBackend, type BackendName, type BackendRequest, type BackendReport } from "./use-backend.js";
