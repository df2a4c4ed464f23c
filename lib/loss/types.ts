/** What every loss in lib/loss is: targets and raw model outputs in, a scalar (or per-sample tensor) out. */
import type * as tf from "@tensorflow/tfjs";

/** How per-sample losses become one number: "mean" (over the batch, weights included), "sum" or "none". */
export type Reduction = "mean" | "sum" | "none";

/**
 * A loss: `yTrue` are targets (0/1 for binary, class indices or one-hot rows for categorical), `yPred` the
 * model's logits (or probabilities with `fromLogits: false`), `sampleWeight` one weight per row.
 */
export type Loss = (yTrue: tf.Tensor, yPred: tf.Tensor, sampleWeight?: tf.Tensor) => tf.Tensor;
