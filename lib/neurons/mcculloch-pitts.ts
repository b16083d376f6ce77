/**
 * The McCulloch-Pitts unit (1943): the first mathematical neuron.
 *
 * Its inputs and its output are all-or-none: 0 or 1. Each input reaches the unit
 * through synapses that are either excitatory or inhibitory.
 *
 *   - The unit adds up its active excitatory synapses (an input may make several
 *     synapses on the same unit; each one counts).
 *   - It fires (outputs 1) when that count reaches its threshold θ,
 *   - unless any inhibitory input is active: inhibition in the 1943 paper is
 *     absolute, a single active inhibitory synapse silences the unit.
 *
 * There are no learned weights here: the wiring and the threshold are chosen by
 * hand, which is exactly what the perceptron later changes.
 */

export type Bit = 0 | 1;

export interface McCullochPittsOptions {
  /** How many excitatory synapses each input makes on the unit (0 for none). */
  excitatory: readonly number[];
  /** Which inputs are inhibitory; defaults to none. Same length as `excitatory`. */
  inhibitory?: readonly boolean[];
  /** The number of active excitatory synapses needed to fire (a whole number ≥ 0). */
  threshold: number;
  /** A name to use in tables and error messages. */
  name?: string;
}

export class McCullochPittsUnit {
  readonly name: string;
  readonly excitatory: readonly number[];
  readonly inhibitory: readonly boolean[];
  readonly threshold: number;

  constructor({ excitatory, inhibitory, threshold, name = "unit" }: McCullochPittsOptions) {
    const inh = inhibitory ?? excitatory.map(() => false);
    if (inh.length !== excitatory.length) {
      throw new RangeError(
        `McCulloch-Pitts unit "${name}": excitatory has ${excitatory.length} entries but inhibitory has ${inh.length}; give one entry per input to both.`,
      );
    }
    excitatory.forEach((count, i) => {
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(
          `McCulloch-Pitts unit "${name}": input ${i} has ${count} excitatory synapses; use a whole number ≥ 0 (synapses are counted, not weighted).`,
        );
      }
    });
    if (!Number.isInteger(threshold) || threshold < 0) {
      throw new RangeError(`McCulloch-Pitts unit "${name}": threshold must be a whole number ≥ 0, got ${threshold}.`);
    }
    this.name = name;
    this.excitatory = [...excitatory];
    this.inhibitory = [...inh];
    this.threshold = threshold;
  }

  /** How many inputs the unit takes. */
  get arity(): number {
    return this.excitatory.length;
  }

  /** The number of active excitatory synapses for these inputs. */
  excitation(inputs: readonly number[]): number {
    this.checkInputs(inputs);
    return inputs.reduce((sum, x, i) => sum + x * this.excitatory[i], 0);
  }

  /** Whether an active inhibitory input vetoes firing. */
  isInhibited(inputs: readonly number[]): boolean {
    this.checkInputs(inputs);
    return inputs.some((x, i) => x === 1 && this.inhibitory[i]);
  }

  /** The unit's output: 1 when excitation reaches the threshold and nothing inhibits it. */
  fire(inputs: readonly number[]): Bit {
    if (this.isInhibited(inputs)) return 0;
    return this.excitation(inputs) >= this.threshold ? 1 : 0;
  }

  /** Every combination of inputs, in binary counting order, with the output. */
  truthTable(): TruthTableRow[] {
    return allInputCombinations(this.arity).map((inputs) => ({ inputs, output: this.fire(inputs) }));
  }

  private checkInputs(inputs: readonly number[]): void {
    if (inputs.length !== this.arity) {
      throw new RangeError(
        `McCulloch-Pitts unit "${this.name}" takes ${this.arity} inputs but got ${inputs.length}: [${inputs.join(", ")}].`,
      );
    }
    inputs.forEach((x, i) => {
      if (x !== 0 && x !== 1) {
        throw new RangeError(`McCulloch-Pitts unit "${this.name}": input ${i} is ${x}, but inputs are all-or-none; use 0 or 1.`);
      }
    });
  }
}

export interface TruthTableRow {
  inputs: Bit[];
  output: Bit;
}

/** All 2^n rows of 0/1 inputs, counting up in binary: [0,0], [0,1], [1,0], [1,1]. */
export function allInputCombinations(n: number): Bit[][] {
  if (!Number.isInteger(n) || n < 0 || n > 16) {
    throw new RangeError(`allInputCombinations(${n}): use a whole number of inputs between 0 and 16.`);
  }
  const rows: Bit[][] = [];
  for (let k = 0; k < 2 ** n; k++) {
    rows.push(Array.from({ length: n }, (_, i) => ((k >> (n - 1 - i)) & 1) as Bit));
  }
  return rows;
}

// The classic circuits. Each is one unit; the comments give the rule it implements.

/** C = A: one input with enough synapses to reach the threshold on its own. */
export function mcpIdentity(): McCullochPittsUnit {
  return new McCullochPittsUnit({ name: "identity", excitatory: [2], threshold: 2 });
}

/** Fires only when all n inputs fire: one synapse each, threshold n. */
export function mcpAnd(n = 2): McCullochPittsUnit {
  return new McCullochPittsUnit({ name: "AND", excitatory: Array(n).fill(1), threshold: n });
}

/** Fires when any input fires: one synapse each, threshold 1. */
export function mcpOr(n = 2): McCullochPittsUnit {
  return new McCullochPittsUnit({ name: "OR", excitatory: Array(n).fill(1), threshold: 1 });
}

/** Fires unless its input fires: threshold 0 (fires at rest), one inhibitory input. */
export function mcpNot(): McCullochPittsUnit {
  return new McCullochPittsUnit({ name: "NOT", excitatory: [0], inhibitory: [true], threshold: 0 });
}

/** A AND NOT B: A excites, B inhibits. */
export function mcpAndNot(): McCullochPittsUnit {
  return new McCullochPittsUnit({ name: "A AND NOT B", excitatory: [1, 0], inhibitory: [false, true], threshold: 1 });
}

/** A node of a McCulloch-Pitts net: a unit and the named signals it listens to. */
export interface McCullochPittsNode {
  name: string;
  unit: McCullochPittsUnit;
  from: readonly string[];
}

/**
 * A feed-forward net of McCulloch-Pitts units. Signals are named: the net's inputs
 * first, then each node's output, in the order the nodes are given. A node may only
 * listen to inputs and to nodes defined before it, so the net has no loops.
 */
export class McCullochPittsNet {
  readonly inputs: readonly string[];
  readonly nodes: readonly McCullochPittsNode[];

  constructor(inputs: readonly string[], nodes: readonly McCullochPittsNode[]) {
    const known = new Set<string>();
    for (const name of inputs) {
      if (known.has(name)) throw new RangeError(`McCulloch-Pitts net: the input name "${name}" is used twice.`);
      known.add(name);
    }
    for (const node of nodes) {
      if (known.has(node.name))
        throw new RangeError(`McCulloch-Pitts net: the name "${node.name}" is used twice; give each node its own name.`);
      if (node.from.length !== node.unit.arity) {
        throw new RangeError(
          `McCulloch-Pitts net: node "${node.name}" listens to ${node.from.length} signals but its unit takes ${node.unit.arity}.`,
        );
      }
      for (const source of node.from) {
        if (!known.has(source)) {
          throw new RangeError(
            `McCulloch-Pitts net: node "${node.name}" listens to "${source}", which is not an input or an earlier node. Known so far: ${[...known].join(", ")}.`,
          );
        }
      }
      known.add(node.name);
    }
    this.inputs = [...inputs];
    this.nodes = [...nodes];
  }

  /** Every signal in the net (inputs and node outputs) for one set of inputs. */
  run(inputs: readonly number[]): Record<string, Bit> {
    if (inputs.length !== this.inputs.length) {
      throw new RangeError(`McCulloch-Pitts net takes ${this.inputs.length} inputs (${this.inputs.join(", ")}) but got ${inputs.length}.`);
    }
    const signals: Record<string, Bit> = {};
    this.inputs.forEach((name, i) => {
      const x = inputs[i];
      if (x !== 0 && x !== 1) throw new RangeError(`McCulloch-Pitts net: input "${name}" is ${x}; use 0 or 1.`);
      signals[name] = x;
    });
    for (const node of this.nodes) {
      signals[node.name] = node.unit.fire(node.from.map((source) => signals[source]));
    }
    return signals;
  }

  /** The output of the last node. */
  output(inputs: readonly number[]): Bit {
    const last = this.nodes[this.nodes.length - 1];
    if (!last) throw new RangeError("McCulloch-Pitts net has no nodes, so it has no output.");
    return this.run(inputs)[last.name];
  }
}

/** XOR from three units: (A AND NOT B) OR (B AND NOT A). One unit alone cannot do it. */
export function mcpXorNet(): McCullochPittsNet {
  return new McCullochPittsNet(
    ["A", "B"],
    [
      { name: "A and not B", unit: mcpAndNot(), from: ["A", "B"] },
      { name: "B and not A", unit: mcpAndNot(), from: ["B", "A"] },
      { name: "A xor B", unit: mcpOr(), from: ["A and not B", "B and not A"] },
    ],
  );
}
