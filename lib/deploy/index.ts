/** Deployment: models saved with a manifest, online prediction with dynamic batching, and the metrics it exports. */
export { saveModel, loadSavedModel, readManifest, toRow, type Manifest, type InputField, type LoadedModel } from "./model-store.js";
export { serve, type ServeOptions, type RunningServer } from "./server.js";
export { ServerMetrics, Histogram } from "./metrics.js";
export { batchPredict, type BatchPredictOptions } from "./batch-predict.js";
export { edgeVsCloud, type EdgeCloudInput, type EdgeCloudEstimate } from "./edge-cloud.js";
export { quantizeInt8, toFloat16Weights, prune, distill, type CompressedModel, type DistillOptions } from "./compress.js";
export { toOnnx, onnxGraph, floorFloat32 } from "./onnx/export.js";
export { loadOnnx, onnxProviders } from "./onnx/runtime.js";
