/**
 * Fashion-MNIST (Zalando Research): 28x28 grayscale article images in 10 classes,
 * 60,000 for training and 10,000 for testing.
 *
 *   const { train, test, classNames } = loadFashionMnist();
 *   train.images  // Uint8Array, 60000 * 28 * 28 pixels (0-255), row-major
 *   train.labels  // Uint8Array, 60000 class indices 0-9
 *
 * Files come from the download cache (`npx course data fetch fashion-mnist`) or
 * Debian's dataset-fashion-mnist package. Decoding takes a moment, so the arrays are
 * kept in memory and later calls in the same process return them at once. They are
 * shared between calls: copy (`images.slice()`) before changing pixels in place.
 */
import { decodePayload, checkPayload, checksumError } from "./payload";
import { fetchAdvice, locateDatasetFile } from "./locate";
import { IDX_MAGIC, parseIdx } from "./idx";
import * as fs from "node:fs";

export const FASHION_MNIST = "fashion-mnist";

/** The class names, indexed by label. */
export const FASHION_MNIST_CLASSES: readonly string[] = Object.freeze([
  "T-shirt/top",
  "Trouser",
  "Pullover",
  "Dress",
  "Coat",
  "Sandal",
  "Shirt",
  "Sneaker",
  "Bag",
  "Ankle boot",
]);

export type FashionMnistSplitName = "train" | "test";

export interface FashionMnistSplit {
  /** Pixels 0-255, image after image, each 28 rows of 28. */
  images: Uint8Array;
  /** One class index 0-9 per image; FASHION_MNIST_CLASSES[label] is its name. */
  labels: Uint8Array;
  /** [count, 28, 28] */
  shape: [number, number, number];
  count: number;
}

export interface FashionMnist {
  train: FashionMnistSplit;
  test: FashionMnistSplit;
  classNames: readonly string[];
}

const FILES: Record<FashionMnistSplitName, { images: string; labels: string; count: number }> = {
  train: { images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz", count: 60000 },
  test: { images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz", count: 10000 },
};

const loaded = new Map<string, Uint8Array>();

/** Reads, verifies (payload sha256) and parses one IDX file, once per process. */
function loadIdx(fileName: string, magic: number, count: number, itemShape: number[]): Uint8Array {
  const located = locateDatasetFile(FASHION_MNIST, fileName);
  const key = located.path;
  const hit = loaded.get(key);
  if (hit) return hit;
  const payload = decodePayload(fs.readFileSync(located.path), located.entry, located.path);
  // Hashing costs a fraction of the gunzip and catches a damaged or wrong file early.
  const check = checkPayload(payload, located.entry);
  if (!check.ok) throw checksumError(located.path, located.entry, check, fetchAdvice(located.dataset, true));
  const { data } = parseIdx(payload, located.path, { magic, count, itemShape });
  loaded.set(key, data);
  return data;
}

/** One split of Fashion-MNIST: "train" (60,000 images) or "test" (10,000). */
export function loadFashionMnistSplit(split: FashionMnistSplitName): FashionMnistSplit {
  const files = FILES[split];
  if (!files) throw new Error(`Fashion-MNIST has splits "train" and "test", not "${String(split)}".`);
  const images = loadIdx(files.images, IDX_MAGIC.images, files.count, [28, 28]);
  const labels = loadIdx(files.labels, IDX_MAGIC.labels, files.count, []);
  return { images, labels, shape: [files.count, 28, 28], count: files.count };
}

/** Both splits of Fashion-MNIST and the class names. */
export function loadFashionMnist(): FashionMnist {
  return { train: loadFashionMnistSplit("train"), test: loadFashionMnistSplit("test"), classNames: FASHION_MNIST_CLASSES };
}

/** The 784 pixels of image `index` of a split (a view, not a copy). */
export function fashionMnistImage(split: FashionMnistSplit, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 0 || index >= split.count) {
    throw new Error(`image index must be a whole number from 0 to ${split.count - 1}, got ${index}.`);
  }
  return split.images.subarray(index * 784, (index + 1) * 784);
}
