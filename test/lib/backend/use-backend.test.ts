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

  it("skips a backend that lacks a kernel the code needs, saying which (tfjs's wasm backend has no convolution gradient)", async () => {
    process.env["MLSD_BACKEND"] = "wasm";
    const r = await useBackend("auto", { kernels: ["Conv2DBackpropInput", "Conv2DBackpropFilter"] });
    expect(r.active).toBe("cpu");
    // The registries themselves (filled once each backend's module has loaded): wasm registers the input's
    // gradient but not the filter's.
    expect(tf.getKernel("Conv2DBackpropInput", "wasm")).toBeDefined();
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeUndefined();
    expect(tf.getKernel("Conv2DBackpropFilter", "cpu")).toBeDefined();
    expect(tf.getBackend()).toBe("cpu");
    expect(r.skipped).toEqual([{ backend: "wasm", reason: "it has no kernel 'Conv2DBackpropFilter'" }]);
    expect(describeBackend(r)).toBe("tfjs backend: cpu [JavaScript] (skipped: wasm: it has no kernel 'Conv2DBackpropFilter')");
    // A kernel no backend has: every one is skipped, and the error lists them.
    await expect(useBackend("wasm", { kernels: ["NoSuchKernel"] })).rejects.toThrow("useBackend: no tfjs backend could start: wasm: it has no kernel 'NoSuchKernel'; cpu: it has no kernel 'NoSuchKernel'");
    await expect(useBackend("cpu", { kernels: "Conv2D" as never })).rejects.toThrow(`useBackend: 'kernels' must be an array of tfjs kernel names such as "Conv2DBackpropFilter"; got "Conv2D"`);
    delete process.env["MLSD_BACKEND"];
    expect((await useBackend("wasm", { kernels: ["Conv2D"] })).active).toBe("wasm");
  });

  it("refuses an unknown backend, naming where it came from", async () => {
    delete process.env["MLSD_BACKEND"];
    await expect(useBackend("gpu" as never)).rejects.toThrow("useBackend: 'backend' must be one of auto, tensorflow, webgpu, wasm, cpu; got 'gpu'");
    process.env["MLSD_BACKEND"] = "metal";
    await expect(useBackend()).rejects.toThrow("'MLSD_BACKEND' must be one of");
  });
});
