/**
 * Online prediction over HTTP with dynamic batching, as Triton and TF Serving do it: requests wait in a queue
 * until `maxBatchSize` instances are there or the oldest has waited `maxQueueDelayMs`, then go through the
 * model together. Every request is validated against the manifest (400 with the reason), the queue is bounded
 * (429 when full), `/healthz`, `/readyz` and Prometheus `/metrics` are served, and `close()` drains: it stops
 * taking requests and answers those in flight before the server shuts.
 */
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { InputError } from "../core/errors.js";
import { ServerMetrics } from "./metrics.js";
import { toRow, type LoadedModel } from "./model-store.js";
import { binaryInferResponse, parseInferBody, wantsBinaryOutput } from "./oip-binary.js";
import { inferResponse, inferRows, routeV2 } from "./oip.js";

export interface ServeOptions {
  port?: number;
  /** Default 127.0.0.1: serving to other machines is a choice, not an accident. */
  host?: string;
  maxBatchSize?: number;
  maxQueueDelayMs?: number;
  /** Instances allowed to wait; beyond it, 429. */
  maxQueueSize?: number;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes?: number;
  /** The model's name in the Open Inference Protocol's /v2/models/{name} routes (default "model"). */
  modelName?: string;
}

interface Pending {
  rows: number[][];
  /** performance.now() when queued, for the queueing time. */
  at: number;
  resolve: (out: number[][]) => void;
  reject: (err: Error) => void;
}

export interface RunningServer {
  server: Server;
  url: string;
  metrics: ServerMetrics;
  /** Stops accepting requests, answers the queued and in-flight ones, then closes. */
  close(): Promise<void>;
}

/**
 * @example const s = await serve(await loadSavedModel("models/delay/1"), { port: 8080, maxBatchSize: 64 }); // POST /predict {"instances": [...]}
 */
export async function serve(model: LoadedModel, options: ServeOptions = {}): Promise<RunningServer> {
  const maxBatch = options.maxBatchSize ?? 32;
  const delay = options.maxQueueDelayMs ?? 5;
  const maxQueue = options.maxQueueSize ?? 1024;
  const maxBody = options.maxBodyBytes ?? 1 << 20;
  if (!(Number.isInteger(maxBatch) && maxBatch >= 1)) throw new InputError(`serve: 'maxBatchSize' must be an integer >= 1; got ${maxBatch}.`);
  if (!(delay >= 0)) throw new InputError(`serve: 'maxQueueDelayMs' must be >= 0; got ${delay}.`);
  const metrics = new ServerMetrics();
  const queue: Pending[] = [];
  let queued = 0;
  let timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  // A delay of 0 means "batch only what is already waiting": flush after this round of I/O (setImmediate),
  // not after a timer's minimum of 1 ms.
  const schedule = () => (delay === 0 ? setImmediate(() => void flush()) : setTimeout(() => void flush(), delay));
  const cancel = (t: NodeJS.Timeout | NodeJS.Immediate) => (delay === 0 ? clearImmediate(t as NodeJS.Immediate) : clearTimeout(t as NodeJS.Timeout));
  let draining = false;
  let idle: (() => void) | undefined;

  // One batch at a time, as one model instance serves it: requests that arrive meanwhile queue up and form the
  // next batch (that is where the batching comes from).
  let busy = false;
  const flush = async (): Promise<void> => {
    // Whoever calls (the delay timer, or a queue that filled), the pending timer is spent: forget it first,
    // or a timer that fires while a batch runs would stay set and no later request would schedule another.
    if (timer) cancel(timer);
    timer = undefined;
    if (busy) return; // the running flush looks at the queue again when its batch is done
    busy = true;
    try {
      while (queue.length > 0) {
        // Whole requests up to maxBatch instances (a request larger than maxBatch goes alone).
        const batch: Pending[] = [];
        let size = 0;
        while (queue.length > 0 && (batch.length === 0 || size + queue[0]!.rows.length <= maxBatch)) {
          const p = queue.shift()!;
          batch.push(p);
          size += p.rows.length;
        }
        queued -= size;
        metrics.queueDepth = queued;
        metrics.batchSize.observe(size);
        const start = performance.now();
        for (const p of batch) metrics.queueTime.observe((start - p.at) / 1000);
        try {
          const out = await model.predict(batch.flatMap((p) => p.rows));
          metrics.computeTime.observe((performance.now() - start) / 1000);
          let o = 0;
          for (const p of batch) {
            p.resolve(out.slice(o, o + p.rows.length));
            o += p.rows.length;
          }
        } catch (err) {
          for (const p of batch) p.reject(err as Error);
        }
        if (queued < maxBatch && !draining) break; // not a full batch yet: let the delay timer decide
      }
    } finally {
      busy = false;
    }
    if (queue.length > 0 && !timer) timer = schedule();
    if (draining && queue.length === 0) idle?.();
  };

  const enqueue = (rows: number[][]) =>
    new Promise<number[][]>((resolve, reject) => {
      queue.push({ rows, at: performance.now(), resolve, reject });
      queued += rows.length;
      metrics.queueDepth = queued;
      if (queued >= maxBatch) void flush();
      else if (!timer) timer = schedule();
    });

  const send = (res: ServerResponse, status: number, body: unknown, started: number, type = "application/json", closeConnection = false, headers: Record<string, number> = {}) => {
    if (res.destroyed || res.writableEnded) return; // the client is gone; its prediction is dropped
    const text = Buffer.isBuffer(body) ? body : type === "application/json" ? JSON.stringify(body) : String(body);
    // A length rather than chunked encoding: one write, less framing.
    res.writeHead(status, { "content-type": type, "content-length": Buffer.byteLength(text), ...headers, ...(closeConnection ? { connection: "close" } : {}) });
    res.end(text);
    metrics.countResponse(status);
    metrics.latency.observe((performance.now() - started) / 1000);
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const url = req.url ?? "/";
    if (req.method === "GET" && url === "/healthz") return send(res, 200, { status: "ok" }, started);
    if (req.method === "GET" && url === "/readyz") return send(res, draining ? 503 : 200, { ready: !draining }, started);
    if (req.method === "GET" && url === "/metrics") return send(res, 200, metrics.render(), started, "text/plain; version=0.0.4");
    if (url === "/v2" || url.startsWith("/v2/")) return handleV2(req, res, url, started);
    if (url !== "/predict") return send(res, 404, { error: `no route ${req.method} ${url}; use POST /predict, GET /healthz, /readyz or /metrics` }, started);
    if (req.method !== "POST") return send(res, 405, { error: "use POST for /predict" }, started);
    if (draining) return send(res, 503, { error: "the server is shutting down" }, started);
    const body = await readBody(req, res, started);
    if (body === undefined) return;
    let rows: number[][];
    try {
      const parsed = JSON.parse(body.toString("utf8")) as { instances?: unknown };
      if (!Array.isArray(parsed?.instances) || parsed.instances.length === 0) throw new InputError("the body must be {\"instances\": [ ... ]} with at least one instance");
      rows = parsed.instances.map((inst, i) => {
        try {
          return toRow(inst, model.manifest.inputs);
        } catch (err) {
          throw new InputError(`instance ${i}: ${(err as Error).message}`);
        }
      });
    } catch (err) {
      return send(res, 400, { error: err instanceof SyntaxError ? `the body is not JSON: ${err.message}` : (err as Error).message }, started);
    }
    if (queued + rows.length > maxQueue) return send(res, 429, { error: `queue full (${queued} instances waiting, limit ${maxQueue}); retry later` }, started);
    try {
      const predictions = await enqueue(rows);
      send(res, 200, { predictions, version: model.manifest.version }, started);
    } catch (err) {
      send(res, 500, { error: `prediction failed: ${(err as Error).message}` }, started);
    }
  };

  // The Open Inference Protocol: the same validation, queue, 429, body limit and metrics as /predict.
  const modelName = options.modelName ?? "model";
  const handleV2 = async (req: IncomingMessage, res: ServerResponse, url: string, started: number) => {
    const route = routeV2(req.method ?? "GET", url, modelName, model, !draining);
    if ("status" in route) return send(res, route.status, route.body, started);
    if (draining) return send(res, 503, { error: "the server is shutting down" }, started);
    const body = await readBody(req, res, started);
    if (body === undefined) return;
    let parsed: ReturnType<typeof inferRows>;
    try {
      // The binary tensor extension: the JSON header's length, the tensors after it.
      const header = req.headers["inference-header-content-length"];
      parsed = inferRows(parseInferBody(body, header === undefined ? undefined : Number(header)), model.manifest.inputs);
      if (parsed.rows.length === 0) throw new InputError("the request holds no rows (the batch dimension is 0)");
    } catch (err) {
      return send(res, 400, { error: err instanceof SyntaxError ? `the body is not JSON: ${err.message}` : (err as Error).message }, started);
    }
    if (queued + parsed.rows.length > maxQueue) return send(res, 429, { error: `queue full (${queued} instances waiting, limit ${maxQueue}); retry later` }, started);
    try {
      const response = inferResponse(modelName, model, parsed.request, await enqueue(parsed.rows)) as Parameters<typeof binaryInferResponse>[0];
      if (!wantsBinaryOutput(parsed.request)) return send(res, 200, response, started);
      const { body: binary, headerLength } = binaryInferResponse(response);
      send(res, 200, binary, started, "application/octet-stream", false, { "inference-header-content-length": headerLength });
    } catch (err) {
      send(res, 500, { error: `prediction failed: ${(err as Error).message}` }, started);
    }
  };

  /** The request body's bytes, or undefined when it was refused (413) or the client left. */
  const readBody = async (req: IncomingMessage, res: ServerResponse, started: number): Promise<Buffer | undefined> => {
    // Refuse what announces itself too big before reading it, and close that connection: its unread body
    // would otherwise be parsed as the next request.
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > maxBody) return void send(res, 413, { error: `request body of ${declared} bytes is over the limit of ${maxBody}` }, started, "application/json", true);
    const chunks: Buffer[] = [];
    let received = 0;
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        received += chunk.length;
        if (received > maxBody) return void send(res, 413, { error: `request body over ${maxBody} bytes` }, started, "application/json", true);
        chunks.push(chunk);
      }
    } catch {
      // The client went away mid-body: nothing to answer, nothing queued.
      metrics.countResponse(499);
      return;
    }
    // Decoded once, whole, by the caller: a multi-byte character may be split between chunks.
    return Buffer.concat(chunks);
  };

  const server = createHttpServer((req, res) => {
    // Whatever goes wrong with one request is answered (500) or dropped; it never takes the server down.
    handle(req, res).catch((err: Error) => {
      if (!res.headersSent) send(res, 500, { error: `internal error: ${err.message}` }, performance.now());
      else res.destroy();
    });
  });
  // A malformed request line or headers: answer 400 on the raw socket, as Node does by default, and go on.
  server.on("clientError", (_err, socket) => {
    metrics.countResponse(400);
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  return {
    server,
    url: `http://${address}:${port}`,
    metrics,
    close: async () => {
      draining = true;
      const drained = new Promise<void>((resolve) => {
        idle = resolve;
        if (queue.length === 0 && !busy) resolve();
      });
      void flush();
      await drained;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
