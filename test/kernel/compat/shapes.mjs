// An .mjs module: plain ES module JavaScript.
export const sides = { triangle: 3, square: 4 };
