// The animated decision boundary: the recording of a training run (one grid of
// predictions every few epochs), the figure made from it (frames, slider, play button)
// and what reaches a notebook through show(): both outputs must keep the frames, and the
// HTML one must hand them to plotly.js.
import { afterEach, describe, test } from "node:test";
import assert from "node:assert/strict";
import vm from "node:vm";
import {
  PLOTLY_MIME,
  boundaryAnimation,
  boundaryGrid,
  compactFigure,
  describeFigure,
  recordBoundaryTraining,
  show,
  type BoundaryRecording,
  type Figure,
} from "../../lib/viz";
import { Network } from "../../lib/nn/network";
import { makeCircles, makeMoons, makeSpirals } from "../../lib/data/synthetic";

type Written = { data: Record<string, unknown> };
const jupyter = require("tslab/dist/jupyter") as { lastWriteDisplayData: ((content: Written, update: boolean) => void) | null };

afterEach(() => {
  jupyter.lastWriteDisplayData = null;
});

const moons = makeMoons(80, { noise: 0.15, seed: 3 });
function moonsRun(options: { epochs?: number; every?: number; resolution?: number } = {}): BoundaryRecording {
  const net = new Network([2, 6, 1], ["tanh", "sigmoid"], { seed: 2 });
  return recordBoundaryTraining(net, moons.X, moons.y, {
    epochs: options.epochs ?? 60,
    every: options.every,
    resolution: options.resolution ?? 20,
    batchSize: 10,
    learningRate: 0.3,
    seed: 1,
  });
}

type Frame = { name: string; data: { z: number[][] }[]; traces: number[] };
type Step = { label: string; method: string; args: [string[], unknown] };

function stepsOf(figure: Figure): Step[] {
  return (figure.layout.sliders as { steps: Step[] }[])[0].steps;
}

describe("recordBoundaryTraining", () => {
  test("one snapshot before training, then every k epochs, the last epoch included", () => {
    const run = moonsRun({ epochs: 50, every: 15 });
    assert.deepEqual(
      run.snapshots.map((s) => s.epoch),
      [0, 15, 30, 45, 50],
    );
    assert.equal(run.snapshots[0].loss, undefined, "no loss before training");
    assert.equal(run.history?.epochs.length, 50);
    assert.equal(run.snapshots[4].loss, run.history?.epochs[49].loss);
  });

  test("by default about 20 frames whatever the number of epochs", () => {
    for (const epochs of [40, 100, 137]) {
      const n = moonsRun({ epochs, resolution: 4 }).snapshots.length;
      assert.ok(n >= 18 && n <= 22, `${epochs} epochs gave ${n} snapshots`);
    }
  });

  test("each snapshot is a resolution × resolution grid of probabilities, rounded, and training changes it", () => {
    const run = moonsRun();
    assert.equal(run.classes, 2);
    for (const s of run.snapshots) {
      assert.equal(s.z.length, 20);
      assert.ok(s.z.every((row) => row.length === 20));
      for (const v of s.z.flat()) {
        assert.ok(v >= 0 && v <= 1, `probability ${v} out of [0, 1]`);
        assert.equal(Math.round(v * 100) / 100, v, `${v} has more than 2 decimals`);
      }
    }
    for (let k = 1; k < run.snapshots.length; k++) {
      assert.notDeepEqual(
        run.snapshots[k].z,
        run.snapshots[k - 1].z,
        `frame ${k} (epoch ${run.snapshots[k].epoch}) is the same grid as the one before`,
      );
    }
  });

  test("the snapshot is the trained network's own prediction at that moment", () => {
    const net = new Network([2, 6, 1], ["tanh", "sigmoid"], { seed: 2 });
    const run = recordBoundaryTraining(net, moons.X, moons.y, {
      epochs: 30,
      every: 10,
      resolution: 5,
      batchSize: 10,
      learningRate: 0.3,
      seed: 1,
    });
    const { points } = boundaryGrid(moons.X, { resolution: 5 });
    const p = net.predict(points);
    assert.deepEqual(
      run.snapshots[3].z.flat(),
      Array.from(p.data, (v) => Math.round(v * 100) / 100),
    );
  });

  test("three or more classes record the predicted class", () => {
    const spirals = makeSpirals(30, 3, { noise: 0.2, seed: 1 });
    const net = new Network([2, 16, 3], ["tanh", "softmax"], { seed: 1 });
    const run = recordBoundaryTraining(net, spirals.X, spirals.y, {
      epochs: 20,
      resolution: 10,
      optimizer: "adam",
      learningRate: 0.02,
      seed: 1,
    });
    assert.equal(run.classes, 3);
    const values = new Set(run.snapshots.flatMap((s) => s.z.flat()));
    assert.ok(
      [...values].every((v) => v === 0 || v === 1 || v === 2),
      `labels ${[...values]}`,
    );
    const figure = boundaryAnimation(run, spirals.X, spirals.y);
    assert.deepEqual([figure.data[0].zmin, figure.data[0].zmax], [-0.5, 2.5]);
    assert.equal(figure.data[0].zsmooth, undefined, "class labels are not blended (between 0 and 2 lies no class 1)");
    assert.deepEqual((figure.frames as unknown as Frame[]).at(-1)!.data[0].z, run.snapshots.at(-1)!.z, "labels are drawn as they are");
    assert.deepEqual(run.snapshots.at(-1)!.z.flat(), net.predictClasses(boundaryGrid(spirals.X, { resolution: 10 }).points));
  });

  test("a network that does not take 2 inputs is refused, with the reason", () => {
    const net = new Network([3, 2, 1], ["tanh", "sigmoid"], { seed: 1 });
    assert.throws(() => recordBoundaryTraining(net, [[0, 0, 0]], [0]), /3 inputs; a boundary in the plane needs 2/);
  });
});

describe("boundaryAnimation", () => {
  test("one frame per snapshot, each changing only the grid trace; slider steps name the frames in order", () => {
    const run = moonsRun();
    const figure = boundaryAnimation(run, moons.X, moons.y, { title: "moons" });
    const frames = figure.frames as unknown as Frame[];
    assert.equal(frames.length, run.snapshots.length);
    const percent = (z: number[][]) => z.map((row) => row.map((p) => Math.round(100 * p)));
    frames.forEach((f, k) => {
      assert.equal(f.name, String(run.snapshots[k].epoch));
      assert.deepEqual(f.traces, [0]);
      assert.deepEqual(f.data[0].z, percent(run.snapshots[k].z), "probabilities as whole percentages");
      for (const v of f.data[0].z.flat()) assert.ok(Number.isInteger(v) && v >= 0 && v <= 100, `frame value ${v}`);
    });
    for (let k = 1; k < frames.length; k++)
      assert.notDeepEqual(frames[k].data[0].z, frames[k - 1].data[0].z, `frame ${k} shows the same grid as frame ${k - 1}`);
    assert.equal(figure.data[0].type, "heatmap");
    assert.deepEqual([figure.data[0].zmin, figure.data[0].zmax], [0, 100]);
    assert.equal(figure.data[0].zsmooth, "best", "probabilities are drawn smoothed");
    assert.deepEqual(figure.data[0].z, frames[0].data[0].z, "the figure opens on the first frame");
    const captions = frames.map((f) => (f as unknown as { layout: { annotations: { text: string }[] } }).layout.annotations[0].text);
    assert.match(captions[0], /^epoch 0$/);
    assert.match(captions[frames.length - 1], /^epoch 60 · loss \d\.\d{3} · training accuracy \d+\.\d%$/);
    const steps = stepsOf(figure);
    assert.equal(steps.length, frames.length);
    steps.forEach((s, k) => {
      assert.equal(s.method, "animate");
      assert.deepEqual(s.args[0], [frames[k].name]);
    });
    const buttons = (figure.layout.updatemenus as { buttons: { label: string; method: string; args: unknown[] }[] }[])[0].buttons;
    assert.deepEqual(
      buttons.map((b) => b.method),
      ["animate", "animate"],
    );
    assert.equal(buttons[0].args[0], null, "play runs through all frames");
    assert.match(buttons[1].label, /pause/);
  });

  test("the points of each class are drawn once, outside the frames", () => {
    const figure = boundaryAnimation(moonsRun({ resolution: 4 }), moons.X, moons.y);
    const scatters = figure.data.filter((t) => t.type === "scatter");
    assert.equal(scatters.length, 2);
    assert.equal(
      scatters.reduce((n, t) => n + (t.x as number[]).length, 0),
      moons.X.length,
    );
  });

  test("a snapshot of the wrong size or with values out of range is refused", () => {
    const run = moonsRun({ resolution: 4 });
    const short = { ...run, snapshots: [...run.snapshots, { epoch: 99, z: [[0.5]] }] };
    assert.throws(() => boundaryAnimation(short, moons.X, moons.y), /snapshot \d+ \(epoch 99\) is not a 4 × 4 grid/);
    const wild = { ...run, snapshots: [{ epoch: 0, z: run.snapshots[0].z.map((row) => row.map(() => 1.5)) }] };
    assert.throws(() => boundaryAnimation(wild, moons.X, moons.y), /holds 1.5/);
    assert.throws(() => boundaryAnimation({ ...run, snapshots: [] }, moons.X, moons.y), /no snapshots/);
  });

  test("a 40 × 40 grid over about 20 frames stays small", () => {
    const circles = makeCircles(200, { noise: 0.08, factor: 0.5, seed: 1 });
    const net = new Network([2, 8, 1], ["tanh", "sigmoid"], { seed: 1 });
    const run = recordBoundaryTraining(net, circles.X, circles.y, { epochs: 100, batchSize: 20, learningRate: 0.1, seed: 1 });
    const figure = compactFigure(boundaryAnimation(run, circles.X, circles.y));
    assert.equal(figure.frames!.length, 21);
    const bytes = JSON.stringify(figure).length;
    assert.ok(bytes < 150_000, `the figure is ${bytes} bytes of JSON`);
  });
});

describe("show keeps the animation", () => {
  test("compactFigure keeps the frames and rounds their numbers", () => {
    const figure: Figure = { data: [{ z: [[0.123456789]] }], layout: {}, frames: [{ name: "0", data: [{ z: [[1 / 3]] }], traces: [0] }] };
    const compact = compactFigure(figure);
    assert.deepEqual(compact.frames, [{ name: "0", data: [{ z: [[0.33333]] }], traces: [0] }]);
    assert.equal(
      figure.frames![0].data instanceof Array && (figure.frames![0].data as { z: number[][] }[])[0].z[0][0],
      1 / 3,
      "the original is left alone",
    );
  });

  test("outside a notebook the one-line description counts the frames", () => {
    const figure = boundaryAnimation(moonsRun({ epochs: 20, every: 10, resolution: 4 }), moons.X, moons.y, { title: "moons" });
    assert.match(describeFigure(figure), /, 3 animation frames$/);
  });

  test("in a notebook both the plotly JSON and the HTML fallback carry every frame, and the HTML adds them to the plot", async () => {
    const saved = process.env.NNCOURSE_PLOTLY;
    process.env.NNCOURSE_PLOTLY = "omit";
    try {
      const outputs: Written[] = [];
      jupyter.lastWriteDisplayData = (content) => outputs.push(content);
      const run = moonsRun({ resolution: 8 });
      const figure = boundaryAnimation(run, moons.X, moons.y, { title: "moons" });
      show(figure);
      assert.equal(outputs.length, 1);
      const data = outputs[0].data;
      const json = data[PLOTLY_MIME] as Figure;
      assert.equal(json.frames?.length, run.snapshots.length, "the plotly JSON output lost its frames");
      assert.deepEqual(
        (json.frames as unknown as Frame[]).map((f) => f.data[0].z),
        (figure.frames as unknown as Frame[]).map((f) => f.data[0].z),
      );
      assert.equal(stepsOf(json).length, run.snapshots.length);

      // Run the HTML output's script against a stand-in for the page and plotly.js.
      const html = String(data["text/html"]);
      const script = /<script type="text\/javascript">([\s\S]*?)<\/script>/.exec(html)![1];
      const calls: { name: string; args: unknown[] }[] = [];
      const element = { style: {}, textContent: "" };
      const Plotly = {
        newPlot: (...args: unknown[]) => {
          calls.push({ name: "newPlot", args });
          return Promise.resolve(element);
        },
        addFrames: (...args: unknown[]) => {
          calls.push({ name: "addFrames", args });
          return Promise.resolve();
        },
      };
      const id = /<div id="([^"]+)"/.exec(html)![1];
      const document = { getElementById: (wanted: string) => (wanted === id ? element : null) };
      vm.runInNewContext(script, { window: { Plotly }, document, setTimeout });
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(
        calls.map((c) => c.name),
        ["newPlot", "addFrames"],
      );
      const layout = JSON.parse(JSON.stringify(calls[0].args[2])) as Figure["layout"];
      assert.equal(stepsOf({ data: [], layout }).length, run.snapshots.length, "the HTML figure lost its slider");
      // Values made in the page's context are re-made here, so that deepEqual compares contents only.
      const added = JSON.parse(JSON.stringify(calls[1].args[1])) as Frame[];
      assert.equal(added.length, run.snapshots.length, "the HTML figure lost its frames");
      assert.deepEqual(
        added.map((f) => f.name),
        run.snapshots.map((s) => String(s.epoch)),
      );
    } finally {
      if (saved === undefined) delete process.env.NNCOURSE_PLOTLY;
      else process.env.NNCOURSE_PLOTLY = saved;
    }
  });
});
