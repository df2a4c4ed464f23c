/** Worker side of the parallel histograms: waits on shared control words, builds its features' histograms. */
import { parentPort } from "node:worker_threads";
import { CTRL, type WorkerSetup } from "./parallel-protocol.js";
import { histogramFeatures, histogramSize } from "./histogram.js";

parentPort!.on("message", (setup: WorkerSetup) => {
  const ctrl = new Int32Array(setup.ctrl);
  const binned = new Uint8Array(setup.binned);
  const partition = new Uint32Array(setup.partition);
  const go = new Float64Array(setup.go);
  const ho = new Float64Array(setup.ho);
  const slotSize = histogramSize(setup.d);
  const hists = Array.from({ length: setup.slots }, (_, s) => new Float64Array(setup.hists, s * slotSize * 8, slotSize));
  let seen = Atomics.load(ctrl, CTRL.SEQ);
  Atomics.add(ctrl, CTRL.READY, 1);
  Atomics.notify(ctrl, CTRL.READY);
  for (;;) {
    Atomics.wait(ctrl, CTRL.SEQ, seen);
    seen = Atomics.load(ctrl, CTRL.SEQ);
    if (ctrl[CTRL.CMD] === CTRL.QUIT) break;
    const f0 = ctrl[CTRL.RANGES + 2 * setup.index]!;
    const f1 = ctrl[CTRL.RANGES + 2 * setup.index + 1]!;
    histogramFeatures(hists[ctrl[CTRL.SLOT]!]!, binned, setup.n, partition, ctrl[CTRL.START]!, ctrl[CTRL.M]!, go, ctrl[CTRL.HAS_H] ? ho : null, f0, f1, ctrl[CTRL.IDENTITY] === 1);
    Atomics.add(ctrl, CTRL.DONE, 1);
    Atomics.notify(ctrl, CTRL.DONE);
  }
});
