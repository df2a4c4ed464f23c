/** tfjs: device selection (`useBackend("auto")` and what it chose), and typed forms of tfjs calls that tfjs types as unions. */
export { useBackend, backendReport, describeBackend, type BackendName, type BackendRequest, type BackendReport, type UseBackendOptions } from "./use-backend.js";
export { predictTensor, predictTensors, applyLayer, applyOutputs, type Predicts, type Applies } from "./tensors.js";
