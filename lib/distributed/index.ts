/**
 * Distributed training: memory arithmetic, mixed precision emulation with loss scaling, gradient all-reduce
 * (simulated in one process, or between real workers over threads, TCP or MPI), data-parallel training, gradient
 * checkpointing, and a simulator of scaling past this machine.
 */
export { trainingMemory, gib, BYTES, type Dtype, type MemoryEstimate, type MemoryOptions } from "./memory.js";
export { toFloat16, toBFloat16, castArray, GradScaler, type GradScalerOptions } from "./precision.js";
export { ringAllReduce, parameterServerAllReduce, chunkBounds, type AllReduceResult } from "./allreduce.js";
export { trainDataParallel, type DataParallelOptions, type DataParallelReport } from "./data-parallel.js";
export { ThreadTransport, ZmqTransport, Mailbox, threadPorts, type Transport, type NativeCollectives } from "./transport.js";
export { MpiTransport, mpiAvailable, mpiStatus, underMpiLauncher, type MpiOpenOptions } from "./mpi.js";
export { runMpiWorker } from "./mpi-main.js";
export { SharedGroup, sharedMemory } from "./shared-memory.js";
export { Collectives, type AllReduceOptions, type CollectiveStats } from "./collectives.js";
export { launch, type LaunchOptions, type WorkerContext, type WorkerFunction } from "./launch.js";
export { measureAllReduce, type AllReduceTiming } from "./measure-allreduce.js";
export { trainDistributed, type TrainDistributedOptions, type TrainDistributedReport } from "./train-distributed.js";
export { checkpointedGradients, plainGradients, measureCheckpointing, type CheckpointOptions, type CheckpointMeasurement } from "./checkpoint.js";
export { simulateStep, scalingCurve, allReduceSeconds, expectedMaxOfNormals, vgg16Layers, resnet101Layers, inceptionV3Layers, HOROVOD_MODELS, HOROVOD_CLUSTER, HOROVOD_PUBLISHED, type ModelProfile, type LayerCost, type ClusterSpec, type SimulationOptions, type SimulatedStep } from "./simulate.js";
export { shardRows, type LossSpec, type DdpJob, type DdpResult } from "./ddp-worker.js";
