/**
 * The types of results by input kind: a matrix comes back in the kind that went in (number[][], `{ data, rows,
 * cols }`, tf.Tensor2D, Arrow table), labels in the kind `fit` saw. Type-only imports: nothing is loaded.
 */
import type { Tensor2D } from "@tensorflow/tfjs";
import type { Table } from "apache-arrow";
import type { Label } from "./validation.js";

/** A row-major Float64 matrix, what dense inputs give back. */
export interface Dense {
  data: Float64Array;
  rows: number;
  cols: number;
}

type Rows = readonly (readonly number[])[];

/** A matrix result for input `X`: number[][] for rows, a tf.Tensor2D for a tensor, an Arrow table for a table, else `Dense`. */
export type MatrixOut<X> = X extends Rows ? number[][] : X extends { dataSync(): unknown; shape: readonly number[] } ? Tensor2D : X extends { numRows: number; getChildAt(i: number): unknown } ? Table : Dense;

/** A vector result for input `X`: number[] for rows, else a Float64Array. */
export type VectorOut<X> = X extends Rows ? number[] : Float64Array;

/** Labels in the kind of `Y`: arrays of strings or numbers stay arrays, typed arrays keep their type. */
export type LabelsOut<Y> = Y extends readonly string[]
  ? string[]
  : Y extends readonly number[]
    ? number[]
    : Y extends readonly Label[]
      ? Label[]
      : Y extends Int32Array
        ? Int32Array
        : Y extends Float64Array
          ? Float64Array
          : Y extends Float32Array
            ? Float32Array
            : Y extends Uint8Array
              ? Uint8Array
              : Y extends Int8Array
                ? Int8Array
                : Y extends Uint16Array
                  ? Uint16Array
                  : Y extends Int16Array
                    ? Int16Array
                    : Y extends Uint32Array
                      ? Uint32Array
                      : Label[];
