import { test } from "node:test";
import assert from "node:assert/strict";
import {
  McCullochPittsUnit,
  McCullochPittsNet,
  allInputCombinations,
  mcpAnd,
  mcpAndNot,
  mcpIdentity,
  mcpNot,
  mcpOr,
  mcpXorNet,
} from "../../lib/neurons/mcculloch-pitts";

const outputs = (f: (x: number[]) => number, n: number) => allInputCombinations(n).map(f);

test("the classic units compute their logic functions", () => {
  assert.deepEqual(
    outputs((x) => mcpIdentity().fire(x), 1),
    [0, 1],
  );
  assert.deepEqual(
    outputs((x) => mcpAnd().fire(x), 2),
    [0, 0, 0, 1],
  );
  assert.deepEqual(
    outputs((x) => mcpOr().fire(x), 2),
    [0, 1, 1, 1],
  );
  assert.deepEqual(
    outputs((x) => mcpNot().fire(x), 1),
    [1, 0],
  );
  assert.deepEqual(
    outputs((x) => mcpAndNot().fire(x), 2),
    [0, 0, 1, 0],
  );
  assert.deepEqual(
    outputs((x) => mcpAnd(3).fire(x), 3),
    [0, 0, 0, 0, 0, 0, 0, 1],
  );
});

test("inhibition is absolute: one inhibitory input vetoes any excitation", () => {
  const unit = new McCullochPittsUnit({ excitatory: [3, 3, 0], inhibitory: [false, false, true], threshold: 2 });
  assert.equal(unit.fire([1, 1, 0]), 1);
  assert.equal(unit.fire([1, 1, 1]), 0);
  assert.equal(unit.excitation([1, 1, 1]), 6);
});

test("truth tables count up in binary", () => {
  assert.deepEqual(allInputCombinations(2), [
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]);
  assert.deepEqual(
    mcpAnd()
      .truthTable()
      .map((r) => r.output),
    [0, 0, 0, 1],
  );
});

test("a net of three units computes XOR", () => {
  const net = mcpXorNet();
  assert.deepEqual(
    outputs((x) => net.output(x), 2),
    [0, 1, 1, 0],
  );
  assert.deepEqual(net.run([1, 0]), { A: 1, B: 0, "A and not B": 1, "B and not A": 0, "A xor B": 1 });
});

test("bad input is rejected with a message that says what to do", () => {
  assert.throws(() => mcpAnd().fire([1, 2]), /input 1 is 2.*use 0 or 1/);
  assert.throws(() => mcpAnd().fire([1]), /takes 2 inputs but got 1/);
  assert.throws(() => new McCullochPittsUnit({ excitatory: [0.5], threshold: 1 }), /whole number/);
  assert.throws(() => new McCullochPittsUnit({ excitatory: [1], inhibitory: [true, false], threshold: 1 }), /one entry per input/);
  assert.throws(() => new McCullochPittsUnit({ excitatory: [1], threshold: -1 }), /threshold/);
  assert.throws(
    () => new McCullochPittsNet(["A"], [{ name: "n", unit: mcpAnd(), from: ["A", "Z"] }]),
    /listens to "Z", which is not an input or an earlier node/,
  );
});

test("the classic units carry the names tables show, and a unit without inhibition lists none", () => {
  assert.deepEqual(
    [mcpIdentity(), mcpAnd(), mcpOr(), mcpNot(), mcpAndNot()].map((u) => u.name),
    ["identity", "AND", "OR", "NOT", "A AND NOT B"],
  );
  assert.deepEqual(mcpAnd(3).inhibitory, [false, false, false]);
  assert.throws(
    () => new McCullochPittsUnit({ excitatory: [1], threshold: 1 }).fire([0, 1, 1]),
    /unit "unit" takes 1 inputs but got 3: \[0, 1, 1\]/,
  );
});

test("synapse counts and thresholds are whole numbers ≥ 0; zero is allowed", () => {
  assert.throws(() => new McCullochPittsUnit({ excitatory: [1, -1], threshold: 1 }), /input 1 has -1 excitatory synapses/);
  assert.throws(() => new McCullochPittsUnit({ excitatory: [1], threshold: 0.5 }), /threshold must be a whole number ≥ 0, got 0.5/);
  // threshold 0 with no synapses: fires at rest, whatever the input
  const always = new McCullochPittsUnit({ excitatory: [0, 0], threshold: 0 });
  assert.deepEqual(
    always.truthTable().map((r) => r.output),
    [1, 1, 1, 1],
  );
});

test("truth tables exist for 0 to 16 inputs", () => {
  assert.deepEqual(allInputCombinations(0), [[]], "one row, no inputs");
  assert.deepEqual(allInputCombinations(1), [[0], [1]]);
  const sixteen = allInputCombinations(16);
  assert.equal(sixteen.length, 2 ** 16);
  assert.deepEqual(sixteen.at(-1), Array(16).fill(1));
  for (const n of [-1, 17, 1.5]) {
    assert.throws(
      () => allInputCombinations(n),
      new RegExp(`allInputCombinations\\(${n}\\): use a whole number of inputs between 0 and 16`),
    );
  }
});

test("a net's wiring and inputs are checked: names, arities, signals known so far, bits", () => {
  const notA = { name: "not A", unit: mcpNot(), from: ["A"] };
  assert.throws(() => new McCullochPittsNet(["A", "A"], [notA]), /the input name "A" is used twice/);
  assert.throws(() => new McCullochPittsNet(["A"], [notA, { ...notA }]), /the name "not A" is used twice/);
  assert.throws(
    () => new McCullochPittsNet(["A"], [{ name: "n", unit: mcpAnd(), from: ["A"] }]),
    /node "n" listens to 1 signals but its unit takes 2/,
  );
  assert.throws(
    () => new McCullochPittsNet(["A", "B"], [{ name: "n", unit: mcpAnd(), from: ["A", "m"] }]),
    /listens to "m", which is not an input or an earlier node\. Known so far: A, B\./,
  );
  const net = new McCullochPittsNet(["A"], [notA]);
  assert.deepEqual(net.run([1]), { A: 1, "not A": 0 });
  assert.throws(() => net.run([1, 0]), /net takes 1 inputs \(A\) but got 2/);
  assert.throws(() => mcpXorNet().run([1]), /net takes 2 inputs \(A, B\) but got 1/);
  assert.throws(() => net.run([2]), /input "A" is 2; use 0 or 1/);
  assert.throws(() => new McCullochPittsNet(["A"], []).output([1]), /has no nodes, so it has no output/);
});
