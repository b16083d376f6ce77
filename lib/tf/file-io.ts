/**
 * Saving and loading TensorFlow.js models as files, without @tensorflow/tfjs-node.
 *
 * The layout is tfjs-node's `file://` layout, so a model saved here loads there and
 * the other way round, and a model saved on one backend loads on any other:
 *
 *   DIR/model.json    topology, training config and the weights manifest
 *   DIR/weights.bin   all weights, float32 little-endian, in manifest order
 *
 *   await model.save(fileSystem("models/fashion"));
 *   const again = await tf.loadLayersModel(fileSystem("models/fashion"));
 *
 * `registerFileScheme()` also makes the plain "file://models/fashion" URLs work, as
 * they do with tfjs-node (it steps aside when tfjs-node is loaded and handles them).
 */
import fs from "node:fs";
import path from "node:path";
import { tfjs } from "./tfjs";

type IO = typeof import("@tensorflow/tfjs").io;
type ModelArtifacts = import("@tensorflow/tfjs").io.ModelArtifacts;
type IOHandler = import("@tensorflow/tfjs").io.IOHandler;
type SaveResult = import("@tensorflow/tfjs").io.SaveResult;

export const MODEL_JSON = "model.json";
export const WEIGHTS_BIN = "weights.bin";

/** A model folder, or the path of its model.json, as a folder path. */
function modelDir(location: string): string {
  const bare = location.replace(/^file:\/\//, "");
  return path.basename(bare) === MODEL_JSON ? path.dirname(bare) : bare;
}

function weightBytes(data: ModelArtifacts["weightData"], io: IO): ArrayBuffer {
  if (data === undefined) return new ArrayBuffer(0);
  return Array.isArray(data) ? io.concatenateArrayBuffers(data) : (data as ArrayBuffer);
}

/** An IOHandler that reads and writes a model folder (see the comment at the top). */
export function fileSystem(location: string): IOHandler {
  const io = tfjs().io;
  const dir = modelDir(location);
  return {
    async save(artifacts: ModelArtifacts): Promise<SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error("fileSystem: this model's topology is binary (a graph model); only Keras-style layers models can be saved here.");
      }
      fs.mkdirSync(dir, { recursive: true });
      const weights = Buffer.from(weightBytes(artifacts.weightData, io));
      const modelJson: Record<string, unknown> = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: artifacts.weightSpecs ?? [] }],
      };
      if (artifacts.trainingConfig) modelJson.trainingConfig = artifacts.trainingConfig;
      if (artifacts.userDefinedMetadata) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
      // Write both files under temporary names, then rename: a crash never leaves a
      // model.json that points at half-written weights.
      const tmpWeights = path.join(dir, `.${WEIGHTS_BIN}.${process.pid}.tmp`);
      const tmpJson = path.join(dir, `.${MODEL_JSON}.${process.pid}.tmp`);
      fs.writeFileSync(tmpWeights, weights);
      fs.writeFileSync(tmpJson, JSON.stringify(modelJson));
      fs.renameSync(tmpWeights, path.join(dir, WEIGHTS_BIN));
      fs.renameSync(tmpJson, path.join(dir, MODEL_JSON));
      return {
        modelArtifactsInfo: io.getModelArtifactsInfoForJSON({
          ...artifacts,
          weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength),
        }),
      };
    },

    async load(): Promise<ModelArtifacts> {
      const jsonPath = path.join(dir, MODEL_JSON);
      if (!fs.existsSync(jsonPath)) {
        throw new Error(
          `there is no saved model at ${dir} (${MODEL_JSON} is missing); save one there first with model.save(fileSystem(${JSON.stringify(dir)})).`,
        );
      }
      let modelJson: { modelTopology?: object; weightsManifest?: { paths: string[]; weights: unknown[] }[] } & Record<string, unknown>;
      try {
        modelJson = JSON.parse(fs.readFileSync(jsonPath, "utf8"));
      } catch (e) {
        throw new Error(
          `${jsonPath} is not valid JSON (${(e as Error).message}); the save that wrote it may have been cut short: save the model again.`,
        );
      }
      if (!modelJson.modelTopology) throw new Error(`${jsonPath} has no modelTopology: it is not a saved TensorFlow.js layers model.`);
      return io.getModelArtifactsForJSON(modelJson as never, async (manifest) => {
        const specs: unknown[] = [];
        const parts: Buffer[] = [];
        for (const group of manifest) {
          for (const file of group.paths) {
            const full = path.join(dir, file);
            if (!fs.existsSync(full)) throw new Error(`${jsonPath} lists the weights file ${file}, which is missing from ${dir}.`);
            parts.push(fs.readFileSync(full));
          }
          specs.push(...group.weights);
        }
        const all = Buffer.concat(parts);
        const expected = (specs as { shape: number[]; dtype?: string }[]).reduce(
          (n, s) => n + s.shape.reduce((a, b) => a * b, 1) * (s.dtype === "float16" ? 2 : 4),
          0,
        );
        if (all.length < expected)
          throw new Error(
            `the weights in ${dir} are ${all.length} bytes, but ${MODEL_JSON} describes ${expected}: the files do not belong together (or the save was cut short).`,
          );
        return [specs as never, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
      });
    },
  };
}

let registered = false;

/**
 * Makes `model.save("file://DIR")` and `tf.loadLayersModel("file://DIR/model.json")`
 * work without tfjs-node. When tfjs-node is loaded its own handler serves file:// and
 * this one does not answer, so there is never more than one.
 */
export function registerFileScheme(): void {
  if (registered) return;
  registered = true;
  const tf = tfjs();
  // tfjs-node registers the "tensorflow" backend and its own file:// handler when it loads.
  const nativeLoaded = () => tf.findBackendFactory("tensorflow") != null;
  const router = (url: string | string[]) => (Array.isArray(url) || !url.startsWith("file://") || nativeLoaded() ? null : fileSystem(url));
  tf.io.registerSaveRouter(router as never);
  tf.io.registerLoadRouter(router as never);
}

/** Saves a model into a folder (model.json + weights.bin). */
export async function saveModel(model: { save(handler: IOHandler): Promise<SaveResult> }, dir: string): Promise<SaveResult> {
  return model.save(fileSystem(dir));
}

/** Loads a layers model saved with saveModel, model.save("file://…") or tfjs-node. */
export async function loadModel(dir: string): Promise<import("@tensorflow/tfjs").LayersModel> {
  return tfjs().loadLayersModel(fileSystem(dir));
}
