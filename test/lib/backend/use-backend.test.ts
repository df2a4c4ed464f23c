import * as tf from "@tensorflow/tfjs";
import { afterEach, describe, expect, it } from "vitest";
import { backendReport, describeBackend, useBackend } from "../../../lib/backend/index.js";

describe("useBackend", () => {
  const saved = process.env["MLSD_BACKEND"];
  afterEach(() => {
    if (saved === undefined) delete process.env["MLSD_BACKEND"];
    else process.env["MLSD_BACKEND"] = saved;
  });

  it("auto picks the first backend that starts and says why the others were skipped", async () => {
    delete process.env["MLSD_BACKEND"];
    const r = await useBackend("auto");
    expect(["tensorflow", "webgpu", "wasm", "cpu"]).toContain(r.active);
    expect(tf.getBackend()).toBe(r.active);
    if (r.active !== "tensorflow") expect(r.skipped[0]).toMatchObject({ backend: "tensorflow", reason: expect.stringMatching(/tfjs-node.* is installed|native TensorFlow library is not installed/) });
    expect(backendReport()).toBe(r);
    expect(describeBackend(r)).toMatch(new RegExp(`^tfjs backend: ${r.active}`));
    expect(tf.add(tf.scalar(2), tf.scalar(3)).dataSync()[0]).toBe(5);
  });

  it("honours a named backend and MLSD_BACKEND", async () => {
    expect((await useBackend("cpu")).active).toBe("cpu");
    process.env["MLSD_BACKEND"] = "wasm";
    expect((await useBackend("cpu")).active).toBe("wasm");
  });

  it("refuses an unknown backend, naming where it came from", async () => {
    delete process.env["MLSD_BACKEND"];
    await expect(useBackend("gpu" as never)).rejects.toThrow("useBackend: 'backend' must be one of auto, tensorflow, webgpu, wasm, cpu; got 'gpu'");
    process.env["MLSD_BACKEND"] = "metal";
    await expect(useBackend()).rejects.toThrow("'MLSD_BACKEND' must be one of");
  });
});
