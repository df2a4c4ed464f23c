/**
 * The prediction server under abuse, in its own process so that a crash would show: malformed JSON, wrong
 * feature counts, NaN and null, oversized bodies (declared and chunked), malformed HTTP, clients that hang up
 * mid-body and mid-prediction, and a flood past the queue bound. Every case gets the right answer, the server
 * stays up, and every request it accepted is answered.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeClassification } from "../../../datasets/index.js";
import { saveModel } from "../../../lib/deploy/index.js";
import { HistGradientBoostingClassifier } from "../../../lib/ensemble/index.js";

const dir = mkdtempSync(join(tmpdir(), "mlsd-faults-"));
let child: ChildProcess;
let url = "";
let exited: number | null | undefined;

beforeAll(async () => {
  await tf.setBackend("cpu");
  const { X, y } = makeClassification({ nSamples: 300, nFeatures: 3, nInformative: 2, nRedundant: 0, randomState: 4 });
  const rows = Array.from({ length: 300 }, (_, i) => Array.from(X.data.subarray(i * 3, (i + 1) * 3)));
  const model = new HistGradientBoostingClassifier({ maxIter: 10, randomState: 0 }).fit(rows, Array.from(y));
  await saveModel(model, join(dir, "m"), { version: "1", inputs: ["a", "b", "c"].map((name) => ({ name, type: "number" as const })), outputs: ["p0", "p1"] });
  child = spawn(process.execPath, ["test/fixtures/slow-server.mjs", join(dir, "m"), "40", "16"], { stdio: ["ignore", "pipe", "pipe"] });
  child.once("exit", (code) => (exited = code));
  url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      const m = /listening on (\S+)/.exec(String(d));
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the server exited with ${code}`)));
  });
});

afterAll(async () => {
  if (exited === undefined) {
    const done = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await done;
  }
  rmSync(dir, { recursive: true, force: true });
});

const post = (body: string, headers: Record<string, string> = {}) => fetch(`${url}/predict`, { method: "POST", body, headers });
const errorOf = async (r: Response) => ((await r.json()) as { error: string }).error;

/** Writes raw bytes to the server and returns what comes back before it closes (or after `waitMs`). */
function raw(bytes: string, options: { hangUpAfterWrite?: boolean; waitMs?: number } = {}): Promise<string> {
  const { port, hostname } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(bytes);
      if (options.hangUpAfterWrite) {
        socket.destroy();
        resolve("");
      }
    });
    let got = "";
    socket.on("data", (d) => (got += String(d)));
    socket.on("close", () => resolve(got));
    socket.on("error", () => resolve(got));
    setTimeout(() => {
      socket.destroy();
      resolve(got);
    }, options.waitMs ?? 2000);
  });
}

describe("the prediction server under faults", () => {
  it("refuses malformed JSON, wrong feature counts, NaN and null with 400 and the reason", async () => {
    const cases: [string, RegExp][] = [
      ['{"instances": [{"a": 1, "b": 2, "c": 3}', /the body is not JSON/],
      ['{"instances": [[1, 2]]}', /instance 0: the instance has 2 values; the model takes 3 \(a, b, c\)/],
      ['{"instances": [[1, 2, 3, 4]]}', /instance 0: the instance has 4 values; the model takes 3/],
      ['{"instances": [{"a": 1, "b": 2}]}', /instance 0: field 'c' is missing/],
      ['{"instances": [[NaN, 1, 2]]}', /the body is not JSON/],
      ['{"instances": [{"a": null, "b": 2, "c": 3}]}', /instance 0: field 'a' must be a finite number; got null/],
      ['{"instances": [[1, 2, 3], [1, "x", 3]]}', /instance 1: field 'b' must be a finite number; got "x"/],
      ['{"instances": []}', /at least one instance/],
      ["", /the body is not JSON/],
    ];
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, body).toBe(400);
      expect(await errorOf(r), body).toMatch(message);
    }
    const ok = await post('{"instances": [[0.1, 0.2, 0.3], {"a": 1, "b": 2, "c": 3}]}');
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { predictions: number[][] }).predictions).toHaveLength(2);
  });

  it("answers 413 to oversized bodies, declared or streamed, and 400 to malformed HTTP", async () => {
    const big = JSON.stringify({ instances: Array.from({ length: 5000 }, () => [1, 2, 3]) }); // ~ 50 kB... over 64 kB below
    const huge = big + " ".repeat(70 * 1024);
    const declared = await post(huge);
    expect(declared.status).toBe(413);
    expect(await errorOf(declared)).toMatch(/over the limit of 65536/);
    // Chunked: no content-length, so the limit is found while reading.
    const chunked = await raw(`POST /predict HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${(70 * 1024).toString(16)}\r\n${" ".repeat(70 * 1024)}\r\n0\r\n\r\n`);
    expect(chunked).toMatch(/^HTTP\/1.1 413/);
    expect(await raw("THIS IS NOT HTTP\r\n\r\n")).toMatch(/^HTTP\/1.1 400/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
  });

  it("survives clients that hang up mid-body and while their prediction is computed", async () => {
    await raw(`POST /predict HTTP/1.1\r\nhost: x\r\ncontent-length: 1000\r\n\r\n{"instances": [[1, 2,`, { hangUpAfterWrite: true });
    const body = '{"instances": [[1, 2, 3]]}';
    // The whole request arrives, the client leaves before the (40 ms) model answers.
    await raw(`POST /predict HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n${body}`, { hangUpAfterWrite: true });
    const aborted = new AbortController();
    const gone = post(body, {}).catch(() => null);
    const cut = fetch(`${url}/predict`, { method: "POST", body, signal: aborted.signal }).catch(() => "aborted");
    setTimeout(() => aborted.abort(), 5);
    expect(await cut).toBe("aborted");
    expect((await gone)?.status).toBe(200);
    await new Promise((r) => setTimeout(r, 100));
    const after = await post(body);
    expect(after.status).toBe(200);
    expect(exited).toBeUndefined();
  });

  it("sheds a flood past the queue bound with 429 and answers every request it accepted", async () => {
    const body = JSON.stringify({ instances: [[0.5, -0.5, 1]] });
    const statuses = await Promise.all(Array.from({ length: 300 }, () => post(body).then(async (r) => ({ status: r.status, body: (await r.json()) as { predictions?: number[][] } }))));
    const accepted = statuses.filter((s) => s.status === 200);
    const shed = statuses.filter((s) => s.status === 429);
    expect(accepted.length + shed.length).toBe(300); // nothing else: no 500, no dropped connection
    expect(shed.length).toBeGreaterThan(0);
    expect(accepted.length).toBeGreaterThanOrEqual(16);
    for (const a of accepted) expect(a.body.predictions).toHaveLength(1);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/mlsd_queue_depth 0/);
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    expect(exited).toBeUndefined();
  });
});
