/**
 * The type service in its own thread: type-checking never blocks the main thread's event loop (heartbeat,
 * control messages, output of background callbacks), and the compiler's garbage stays out of the user's heap.
 */
import { parentPort, workerData } from "node:worker_threads";
import { MemoryKeeper } from "../memory.js";
import { createHandler } from "./handler.js";
import { answer } from "./requests.js";
import type { CheckProfile } from "./profile.js";
import type { Reply, Request } from "./protocol.js";

const { cwd, packageRoot, profile } = workerData as { cwd: string; packageRoot: string; profile: CheckProfile };

// ipykernel's parent poller: a kernel whose parent (Jupyter, mlsd run) died must not linger. This thread
// keeps running when a cell has the main thread stuck in a loop, so the check lives here.
const parentPid = process.ppid;
setInterval(() => {
  if (process.ppid !== parentPid) process.kill(process.pid, "SIGKILL");
}, 2000).unref();
const port = parentPort!;
const handler = createHandler(cwd, packageRoot, profile);
// Each check's program is garbage by the next one: give the pages V8 grew into back (kernel/memory.ts).
const memory = new MemoryKeeper();

// A memory release runs after the reply: it delays the next check, never this one.
port.on("message", (req: Request) => answer(handler, req, (reply) => port.postMessage(reply), () => memory.afterRequest()));
port.postMessage({ id: 0, ok: true, value: "warm" } satisfies Reply);
