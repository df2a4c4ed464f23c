/** Bad input: every public function and class of mlsd/features refuses a wrong argument with a message naming it and the value. */
import { describe, expect, it } from "vitest";
import {
  adversarialValidation, ColumnTransformer, crossDuplicates, crossFeatures, FeatureHasher, MinMaxScaler, MissingIndicator, OneHotEncoder, permutationImportance, Pipeline,
  murmurhash3_32, PolynomialFeatures, SimpleImputer, StandardScaler, TargetEncoder, timeFeatures, timeSplit,
} from "../../../lib/features/index.js";
import { LogisticRegression } from "../../../lib/linear/index.js";

const model = new LogisticRegression().fit([[0], [1], [2], [3]], [0, 0, 1, 1]);

describe("options are checked against each class's rules (scikit-learn's messages)", () => {
  it.each([
    [() => new StandardScaler({ withMean: "yes" as never }).fit([[1]]), "The 'withMean' parameter of StandardScaler must be a boolean. Got 'yes' instead."],
    [() => new MinMaxScaler({ featureRange: [1, 0] }).fit([[1]]), "The 'featureRange' parameter of MinMaxScaler must be a pair [min, max] of finite numbers with min < max. Got [1,0] instead."],
    [() => new SimpleImputer({ strategy: "mode" as never }).fit([[1]]), `The 'strategy' parameter of SimpleImputer must be one of "mean", "median", "most_frequent", "constant". Got 'mode' instead.`],
    [() => new MissingIndicator({ features: "some" as never }).fit([[1]]), `The 'features' parameter of MissingIndicator must be one of "missing-only", "all". Got 'some' instead.`],
    [() => new OneHotEncoder({ handleUnknown: "warn" as never }).fit([["a"]]), `The 'handleUnknown' parameter of OneHotEncoder must be one of "error", "ignore". Got 'warn' instead.`],
    [() => new TargetEncoder({ smooth: -1 }).fit([["a"]], [1]), `The 'smooth' parameter of TargetEncoder must be one of "auto" or a number >= 0. Got -1 instead.`],
    [() => new TargetEncoder({ cv: 1 }).fit([["a"]], [1]), "The 'cv' parameter of TargetEncoder must be an integer >= 2. Got 1 instead."],
    [() => new FeatureHasher({ nFeatures: 0 }).fit(), "The 'nFeatures' parameter of FeatureHasher must be an integer >= 1 <= 2147483647. Got 0 instead."],
    [() => new PolynomialFeatures({ degree: 1.5 }).fit([[1]]), "The 'degree' parameter of PolynomialFeatures must be an integer >= 0. Got 1.5 instead."],
    [() => new ColumnTransformer({ remainder: "keep" as never, transformers: [] }).fit([[1]]), `The 'remainder' parameter of ColumnTransformer must be one of "drop", "passthrough". Got 'keep' instead.`],
    [() => new Pipeline({ steps: "scale" as never }).fit([[1]]), "The 'steps' parameter of Pipeline must be a non-empty list of [name, estimator] pairs, every step but the last with transform. Got 'scale' instead."],
  ])("%#", (f, message) => expect(f).toThrow(message));
});

describe("inputs", () => {
  it("transformers name the bad cell, column or shape", () => {
    expect(() => new StandardScaler().fit([[1, "a"]])).toThrow(`StandardScaler needs numeric input, but column 1 holds the string "a" at row 0; encode it first (OneHotEncoder, TargetEncoder, FeatureHasher).`);
    expect(() => new StandardScaler().fit([1, 2] as never)).toThrow("X must be 2-dimensional (rows of values); got a 1-dimensional array.");
    expect(() => new StandardScaler().fit([[1, 2], [3]])).toThrow("X must be a rectangular matrix: row 0 has 2 columns but row 1 has 1.");
    expect(() => new StandardScaler().fit([[Infinity]])).toThrow("X contains infinity at row 0, column 0");
    expect(() => new StandardScaler().fit([[{}]] as never)).toThrow("X[0][0] must be a number, a string or null; got an object with keys [].");
    expect(() => new StandardScaler().fit("abc" as never)).toThrow('X must be rows of numbers and strings, a { data, rows, cols } matrix, a 2-D tf.Tensor or an Arrow table; got "abc".');
    expect(() => new StandardScaler().fit([[1, 2]]).transform([[1]])).toThrow("X has 1 features, but StandardScaler is expecting 2 features as input.");
    expect(() => new StandardScaler().transform([[1]])).toThrow("This StandardScaler instance is not fitted yet. Call 'fit'");
    expect(() => new MinMaxScaler().fit([[NaN], [NaN]])).toThrow("MinMaxScaler: column 0 of X holds only missing values");
    expect(() => new OneHotEncoder().fit([["a"], [1]])).toThrow("OneHotEncoder: column 0 mixes numbers and strings");
    expect(() => new TargetEncoder().fit([["a"]])).toThrow("TargetEncoder.fit: 'y' is required (the target the categories are encoded by); got undefined.");
    expect(() => new TargetEncoder().fit([["a"], ["b"]], [1])).toThrow("Found input variables with inconsistent numbers of samples: [2, 1].");
    expect(() => new TargetEncoder().fit([["a"]], [NaN])).toThrow("TargetEncoder.fit: y[0] must be a finite number or a string; got NaN.");
    expect(() => new TargetEncoder({ cv: 5 }).fitTransform([["a"], ["b"]], [0.5, 1.5])).toThrow("TargetEncoder: 'cv' is 5, but X has only 2 samples.");
    expect(() => new FeatureHasher().transform([["a"]] as never)).toThrow(`FeatureHasher (inputType "dict"): X[0] must be an object of name to value; got an array of length 1.`);
    expect(() => new FeatureHasher().transform([{ a: NaN }])).toThrow("FeatureHasher: the value of 'a' in X[0] must be a finite number; got NaN.");
    expect(() => new FeatureHasher({ inputType: "pair" }).transform([[["a"]]] as never)).toThrow(`FeatureHasher (inputType "pair"): X[0] must hold [name, value] pairs; got an array of length 1.`);
    expect(() => new FeatureHasher().transform("a" as never)).toThrow(`FeatureHasher.transform: 'X' must be an array of samples; got "a".`);
    expect(() => new ColumnTransformer({ transformers: [["a", new StandardScaler(), [3]]] }).fit([[1]])).toThrow("ColumnTransformer: transformer 'a' selects column 3, but X has columns 0 to 0.");
    expect(() => new ColumnTransformer({ transformers: [["a", new StandardScaler(), ["x"]]] }).fit([[1]])).toThrow("ColumnTransformer: transformer 'a' selects column 'x' by name, which needs an Arrow table; select by index for rows.");
    expect(() => new ColumnTransformer({ transformers: [["a", "drop", [0]], ["a", "drop", [0]]] }).fit([[1]])).toThrow("ColumnTransformer: transformer names must be unique and not 'remainder'; got 'a' twice or reserved.");
    expect(() => new Pipeline({ steps: [["s", new StandardScaler()]] }).fit([[1]]).predict([[1]])).toThrow("Pipeline.predict: the last step 's' has no predict.");
    expect(() => new Pipeline({ steps: [["s", new StandardScaler()]] }).fit([[1]]).namedStep("t" as never)).toThrow('Pipeline.namedStep: no step named "t"; the steps are s.');
  });

  it("functions name themselves, the argument and the value", () => {
    expect(() => murmurhash3_32(5 as never)).toThrow("murmurhash3_32: 'key' must be a string; got 5.");
    expect(() => murmurhash3_32("a", -1)).toThrow("murmurhash3_32: 'seed' must be an integer in [0, 2^32 - 1]; got -1.");
    expect(murmurhash3_32("foo", 42)).not.toBe(murmurhash3_32("foo"));
    expect(() => new StandardScaler().fit([[1, 2]]).inverseTransform([[1]])).toThrow("StandardScaler.inverseTransform: 'X' must be rows of 2 numbers; got an array of length 1.");
    expect(() => crossFeatures([["a", "b"]], [[0, 5]])).toThrow("crossFeatures: groups[0] must list at least two column indices in [0, 1]; got [0,5].");
    expect(() => crossFeatures([["a", "b"]], [])).toThrow("crossFeatures: 'groups' must be a non-empty array of column-index lists; got an array of length 0.");
    expect(() => crossFeatures([["a", "b"]], [[0, 1]], { separator: 1 as never })).toThrow("crossFeatures: 'separator' must be a string; got 1.");
    expect(() => crossFeatures([["a", "b"]], [[0, 1]], { sep: "-" } as never)).toThrow("crossFeatures got an unknown option 'sep'. Valid options are: separator.");
    expect(() => timeFeatures([new Date(NaN)])).toThrow("timeFeatures: times[0] must be a valid Date or epoch milliseconds; got Invalid Date.");
    expect(() => timeFeatures([0], { features: ["weekday" as never] })).toThrow(`timeFeatures: 'features' must be a non-empty list drawn from year, month, dayOfMonth, dayOfWeek, dayOfYear, hour, minute, isWeekend; got ["weekday"].`);
    expect(() => timeFeatures("2001" as never)).toThrow(`timeFeatures: 'times' must be an array of Dates or epoch milliseconds; got "2001".`);
    expect(() => timeFeatures([0], { cyclical: 1 as never })).toThrow("timeFeatures: 'cyclical' must be a boolean; got 1.");
    expect(() => permutationImportance(model, [[0]], [0, 1])).toThrow("permutationImportance: 'y' has 2 values but 'X' has 1 rows.");
    expect(() => permutationImportance(model, [[0], [1]], [0, 1], { nRepeats: 0 })).toThrow("permutationImportance: 'nRepeats' must be an integer >= 1; got 0.");
    expect(() => permutationImportance(model, [[0], [1]], [0, 1], { scoring: "f1" as never })).toThrow(`permutationImportance: 'scoring' must be "accuracy", "r2", "neg_mean_squared_error", "roc_auc", a function or null; got "f1".`);
    expect(() => permutationImportance(model, [[0], [1]], [0, 1], { permutations: [[0, 0]] })).toThrow("permutationImportance: permutations[0] must be a permutation of 0..1; got an array of length 2.");
    expect(() => permutationImportance(model, [[0], [1]], [0, 1], { permutations: [[0, 1]], nRepeats: 3 })).toThrow("permutationImportance: 'nRepeats' is 3 but 'permutations' holds 1 shuffles.");
    expect(() => permutationImportance(null as never, [[0]], [0])).toThrow("permutationImportance: 'model' must be a fitted model; got null.");
    expect(() => permutationImportance(model, [], [])).toThrow("permutationImportance: 'X' must be a non-empty array of rows; got an array of length 0.");
    expect(() => adversarialValidation([[1]], [[1, 2]])).toThrow("adversarialValidation: 'train' has 1 columns but 'test' has 2.");
    expect(() => adversarialValidation([["a"]] as never, [[1]])).toThrow("adversarialValidation: 'train' must be a non-empty array of rows of finite numbers; got an array of length 1.");
    expect(() => adversarialValidation([[1]], [[1]], { cv: 1 })).toThrow("adversarialValidation: 'cv' must be an integer >= 2; got 1.");
    expect(() => adversarialValidation([[1]], [[1]], { model: 3 as never })).toThrow("adversarialValidation: 'model' must be a function returning a classifier; got 3.");
    expect(() => crossDuplicates([[1]], [])).toThrow("crossDuplicates: 'test' is empty; got an array of length 0.");
    expect(() => crossDuplicates("x" as never, [[1]])).toThrow(`crossDuplicates: 'train' must be an array of rows; got "x".`);
    expect(() => timeSplit([1])).toThrow("timeSplit: 'times' must be an array of at least 2 timestamps; got an array of length 1.");
    expect(() => timeSplit([1, NaN])).toThrow("timeSplit: times[1] must be a finite number or a valid Date; got NaN.");
    expect(() => timeSplit([1, 2], { testSize: 0 })).toThrow("timeSplit: 'testSize' must be a finite number > 0 and <= 1; got 0.");
    expect(() => timeSplit([1, 2], { testSize: 1 })).toThrow("timeSplit: 'testSize' must be < 1; got 1.");
    expect(() => timeSplit([1, 1], { testSize: 0.5 })).toThrow("timeSplit: every timestamp is at or before the cut (1); nothing is left to test on.");
  });
});
