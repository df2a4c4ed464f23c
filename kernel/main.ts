/** The kernel process: `mlsd kernel --connection-file F`. */
import { realStderrWrite } from "./capture.js";
import { readConnectionFile } from "./protocol/connection.js";
import { KernelServer } from "./protocol/server.js";
import { TypeScriptInterpreter } from "./interpreter.js";

const realExit = process.exit.bind(process);

export async function startKernel(connectionFile: string): Promise<void> {
  const conn = readConnectionFile(connectionFile);
  const interpreter = new TypeScriptInterpreter();
  interpreter.install();
  if (!interpreter.interrupts.native) {
    // Said where an operator looks (the kernel's stderr, Jupyter's log), once: interrupts still mostly work.
    realStderrWrite(`mlsd kernel: busy code after an await cannot be interrupted (${interpreter.interrupts.unavailable})\n`);
  }
  const server = new KernelServer(conn, interpreter, { onShutdown: () => realExit(0), interruptState: interpreter.interrupts.state.buffer as SharedArrayBuffer });
  await server.start();
}
