// A .js module in a folder without "type": "module": CommonJS.
module.exports = { triple: (x) => 3 * x };
