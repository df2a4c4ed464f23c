/** The shared control words between the main thread and histogram workers. */
export const CTRL = { SEQ: 0, DONE: 1, READY: 2, CMD: 3, SLOT: 4, START: 5, M: 6, HAS_H: 7, IDENTITY: 8, BUILD: 1, QUIT: 2, RANGES: 9 } as const;

export interface WorkerSetup {
  index: number;
  ctrl: SharedArrayBuffer;
  binned: SharedArrayBuffer;
  partition: SharedArrayBuffer;
  go: SharedArrayBuffer;
  ho: SharedArrayBuffer;
  hists: SharedArrayBuffer;
  slots: number;
  n: number;
  d: number;
}
