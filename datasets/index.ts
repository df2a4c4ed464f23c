/** Datasets: a registry of real data packaged from npm, loaders returning Arrow tables, and seeded generators. */
export { DATASETS, listDatasets, loadDataset, type DatasetCard } from "./registry.js";
export { loadSeattleWeather, loadPenguins, loadFlights } from "./loaders.js";
export { makeClassification, makeBlobs, makeMoons, type Generated, type MakeClassificationOptions, type MakeBlobsOptions, type MakeMoonsOptions } from "./generators.js";
export { parseCsv } from "./csv.js";
export { vegaDataPath } from "./files.js";
