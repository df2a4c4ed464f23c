/** The kernel process: `mlsd kernel --connection-file F`. */
import { realStderrWrite } from "./capture.js";
import { packageRoot } from "./paths.js";
import { readConnectionFile } from "./protocol/connection.js";
import { kernelLanguage, kernelProfile } from "./ts/profile.js";
import { TypeService } from "./ts/service.js";

const realExit = process.exit.bind(process);

export async function startKernel(connectionFile: string): Promise<void> {
  const conn = readConnectionFile(connectionFile);
  // The type service first, before the rest of the kernel (the protocol, tfjs and its backend) is even loaded:
  // its start (from the snapshot, or its worker's warm-up) is what a cell sent right after kernel_info waits for.
  const cwd = process.cwd();
  const types = new TypeService(cwd, packageRoot, (text) => realStderrWrite(text), Promise.resolve(), kernelProfile(cwd, kernelLanguage()).profile);
  const [{ TypeScriptInterpreter }, { KernelServer }] = await Promise.all([import("./interpreter.js"), import("./protocol/server.js")]);
  const interpreter = new TypeScriptInterpreter({ types });
  interpreter.install();
  if (!interpreter.interrupts.native) {
    // Said where an operator looks (the kernel's stderr, Jupyter's log), once: interrupts still mostly work.
    realStderrWrite(`mlsd kernel: busy code after an await cannot be interrupted (${interpreter.interrupts.unavailable})\n`);
  }
  const server = new KernelServer(conn, interpreter, { onShutdown: () => realExit(0), interruptState: interpreter.interrupts.state.buffer as SharedArrayBuffer });
  try {
    await server.start();
  } catch (err) {
    // A kernel that cannot bind its connection file's ports must end, as ipykernel does (ZMQError, status 1), so
    // Jupyter or the client that chose the ports sees it fail at once; the type service and the sockets bound
    // so far would otherwise keep it alive, looking like a kernel that never answers. The interpreter has
    // replaced process.exit for cells, hence the real one.
    realStderrWrite(`mlsd: ${(err as Error).message}\n`);
    realExit(1);
  }
}
