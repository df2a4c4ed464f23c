/** Exact k-nearest-neighbour search, shared by the resamplers and usable on its own. */
export { NearestNeighbors, type NearestNeighborsOptions } from "./nearest-neighbors.js";
export { bruteKnn, type Neighbors } from "./brute.js";
export { KDTree } from "./kd-tree.js";
export { kneighbors, chooseAlgorithm, type Algorithm } from "./search.js";
