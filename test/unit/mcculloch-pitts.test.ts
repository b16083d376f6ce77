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
