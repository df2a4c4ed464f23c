/**
 * The type service in its own thread: type-checking never blocks the main thread's event loop (heartbeat,
 * control messages, output of background callbacks), and the compiler's garbage stays out of the user's heap.
 */
import { parentPort, workerData } from "node:worker_threads";
import { createHandler } from "./handler.js";
import type { Reply, Request } from "./protocol.js";

const { cwd, packageRoot } = workerData as { cwd: string; packageRoot: string };
const port = parentPort!;
const handler = createHandler(cwd, packageRoot);

port.on("message", (req: Request) => {
  let reply: Reply;
  try {
    reply = { id: req.id, ok: true, value: handler.handle(req) };
  } catch (err) {
    reply = { id: req.id, ok: false, error: (err as Error).stack ?? String(err) };
  }
  port.postMessage(reply);
});
port.postMessage({ id: 0, ok: true, value: "warm" } satisfies Reply);
