/** Errors with scikit-learn's names and messages that say what to do. */

export class NotFittedError extends Error {
  override name = "NotFittedError";
  constructor(estimator: string) {
    super(`This ${estimator} instance is not fitted yet. Call 'fit' with appropriate arguments before using this estimator.`);
  }
}

export class InvalidParameterError extends Error {
  override name = "InvalidParameterError";
}

export class InputError extends Error {
  override name = "InputError";
}
