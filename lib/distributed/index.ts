/** Distributed training: memory arithmetic, mixed precision emulation with loss scaling, and gradient all-reduce. */
export { trainingMemory, gib, BYTES, type Dtype, type MemoryEstimate, type MemoryOptions } from "./memory.js";
export { toFloat16, toBFloat16, castArray, GradScaler, type GradScalerOptions } from "./precision.js";
export { ringAllReduce, parameterServerAllReduce, type AllReduceResult } from "./allreduce.js";
export { trainDataParallel, type DataParallelOptions, type DataParallelReport } from "./data-parallel.js";
