/** Jupyter connection files: the ports, address and key a kernel binds with. */
import { readFileSync } from "node:fs";

export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  key: string;
  signature_scheme: string;
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  kernel_name?: string;
}

const PORTS = ["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"] as const;
export type Channel = "shell" | "iopub" | "stdin" | "control" | "hb";

/**
 * Reads and checks a connection file.
 * @example readConnectionFile("/run/user/1000/jupyter/kernel-1.json").shell_port
 */
export function readConnectionFile(path: string): ConnectionInfo {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`connection file '${path}' could not be read as JSON: ${(err as Error).message}`);
  }
  const info = raw as Partial<ConnectionInfo>;
  for (const port of PORTS) {
    if (!Number.isInteger(info[port])) {
      throw new Error(`connection file '${path}': '${port}' must be an integer port, got ${JSON.stringify(info[port])}`);
    }
  }
  const scheme = info.signature_scheme ?? "hmac-sha256";
  if (scheme !== "hmac-sha256") {
    throw new Error(`connection file '${path}': signature_scheme '${scheme}' is not supported (only 'hmac-sha256')`);
  }
  return {
    transport: info.transport ?? "tcp",
    ip: info.ip ?? "127.0.0.1",
    key: info.key ?? "",
    signature_scheme: scheme,
    ...(Object.fromEntries(PORTS.map((p) => [p, info[p]])) as Pick<ConnectionInfo, (typeof PORTS)[number]>),
    ...(info.kernel_name === undefined ? {} : { kernel_name: info.kernel_name }),
  };
}

/** The zeromq endpoint of one channel, on the connection file's address only. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port`];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
