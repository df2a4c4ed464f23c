/**
 * A closed-loop HTTP load generator, run as its own process so it does not share the server's event loop:
 *   node dist/bench/loadgen.js URL CONCURRENCY REQUESTS MAX_SECONDS BODY_FILE
 * Keeps CONCURRENCY keep-alive connections with one request in flight on each until REQUESTS are answered or
 * MAX_SECONDS pass, and prints one JSON line: answered, seconds, throughput, latency percentiles, statuses.
 * It speaks HTTP/1.1 on raw sockets with requests serialised in advance: on a 2-core machine the generator
 * shares the CPU with the server, and node:http's client costs about as much per request as the server does.
 */
import { readFileSync } from "node:fs";
import { connect, type Socket } from "node:net";

const [url, c, n, maxS, bodyFile] = process.argv.slice(2);
const concurrency = Number(c);
const total = Number(n);
const deadline = performance.now() + Number(maxS) * 1000;
const target = new URL(url!);
const requests = (JSON.parse(readFileSync(bodyFile!, "utf8")) as string[]).map((body) =>
  Buffer.from(`POST /predict HTTP/1.1\r\nhost: ${target.host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`),
);
const latencies: number[] = [];
const statuses: Record<number, number> = {};
let sent = 0;

/** One connection's loop: send, read one whole response (headers, then content-length bytes), repeat. */
function connection(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(Number(target.port), target.hostname);
    socket.setNoDelay(true);
    let pending = Buffer.alloc(0);
    let t = 0;
    const next = () => {
      if (sent >= total || performance.now() >= deadline) {
        socket.end();
        return resolve();
      }
      t = performance.now();
      socket.write(requests[sent++ % requests.length]!);
    };
    socket.on("connect", next);
    socket.on("data", (chunk: Buffer) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      const end = pending.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = pending.subarray(0, end).toString("latin1");
      const declared = /content-length: *(\d+)/i.exec(head);
      if (!declared) return reject(new Error(`a response without content-length: ${head}`));
      const length = Number(declared[1]);
      if (pending.length < end + 4 + length) return;
      const status = Number(head.slice(9, 12));
      latencies.push(performance.now() - t);
      statuses[status] = (statuses[status] ?? 0) + 1;
      pending = pending.subarray(end + 4 + length);
      next();
    });
    socket.on("error", reject);
  });
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, connection));
const seconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))]!;
process.stdout.write(`${JSON.stringify({ concurrency, answered: latencies.length, seconds, throughput: latencies.length / seconds, p50: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), statuses })}\n`);
