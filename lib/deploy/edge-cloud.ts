/**
 * Edge or cloud, as the notes frame it: where a prediction should run is a latency budget. On the device it
 * costs the device's inference time; in the cloud it costs a network round trip, the request and response
 * transfer, the server's queueing and the server's (faster) inference. Given measured inference latencies,
 * this says which is faster and at what round-trip time the answer flips.
 */
import { InputError } from "../core/errors.js";

export interface EdgeCloudInput {
  /** Inference on the device, measured (ms). */
  deviceInferenceMs: number;
  /** Inference on the server, measured (ms). */
  serverInferenceMs: number;
  /** Network round trip between device and server (ms). */
  roundTripMs: number;
  /** Request and response sizes (bytes) and link speeds (Mbit/s); transfer time is bytes x 8 / rate. */
  requestBytes?: number;
  responseBytes?: number;
  uplinkMbps?: number;
  downlinkMbps?: number;
  /** Time a request waits on the server before its model call (batching delay, queueing), ms. */
  serverQueueMs?: number;
}

export interface EdgeCloudEstimate {
  edgeMs: number;
  cloudMs: number;
  /** The cloud's network share: round trip plus transfers. */
  networkMs: number;
  faster: "edge" | "cloud";
  /** The round trip at which both take the same time: below it the cloud wins. Negative: the edge always wins. */
  breakEvenRoundTripMs: number;
}

/**
 * @example edgeVsCloud({ deviceInferenceMs: 40, serverInferenceMs: 4, roundTripMs: 60, requestBytes: 20_000, uplinkMbps: 10 })
 */
export function edgeVsCloud(input: EdgeCloudInput): EdgeCloudEstimate {
  const o = { requestBytes: 0, responseBytes: 0, uplinkMbps: Infinity, downlinkMbps: Infinity, serverQueueMs: 0, ...input };
  for (const [k, v] of Object.entries(o)) if (typeof v !== "number" || Number.isNaN(v) || v < 0) throw new InputError(`edgeVsCloud: '${k}' must be a number >= 0; got ${JSON.stringify(v)}.`);
  for (const k of ["uplinkMbps", "downlinkMbps"] as const) if (o[k] === 0) throw new InputError(`edgeVsCloud: '${k}' must be > 0; got 0.`);
  const transfer = (o.requestBytes * 8) / (o.uplinkMbps * 1000) + (o.responseBytes * 8) / (o.downlinkMbps * 1000);
  const networkMs = o.roundTripMs + transfer;
  const cloudMs = networkMs + o.serverQueueMs + o.serverInferenceMs;
  const edgeMs = o.deviceInferenceMs;
  return { edgeMs, cloudMs, networkMs, faster: edgeMs <= cloudMs ? "edge" : "cloud", breakEvenRoundTripMs: edgeMs - (transfer + o.serverQueueMs + o.serverInferenceMs) };
}
