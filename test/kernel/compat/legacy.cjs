// A .cjs module: CommonJS, for require() and for import.
exports.double = (x) => 2 * x;
