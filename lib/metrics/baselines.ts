/**
 * Linear baselines: logistic regression (two classes) and softmax regression (k
 * classes), trained by batch gradient descent on the cross-entropy.
 *
 * Both are a network with no hidden layer:
 *
 *   logistic:  p = σ(x · w + b),          C = −mean[y ln p + (1 − y) ln(1 − p)]
 *   softmax:   p = softmax(x · W + b),    C = −mean Σ_j y_j ln p_j
 *
 * so they are built on `Network` and share its backprop. Their decision boundaries are
 * straight lines (hyperplanes), which is the point of comparing them with a network that
 * has hidden layers: on moons, circles and spirals the line is not enough.
 */
import type { SeedOrRandom } from "../data/random";
import type { History } from "../nn/history";
import { Network } from "../nn/network";
import { accuracy } from "./scores";

export interface LinearFitOptions {
  /** Passes over the data; each is one gradient step on all samples (default 500). */
  epochs?: number;
  /** η (default 0.5). */
  learningRate?: number;
  /** L2 penalty λ (default 0). */
  l2?: number;
}

abstract class LinearClassifier {
  readonly net: Network;
  protected constructor(net: Network) {
    this.net = net;
  }

  /** Batch gradient descent: every epoch is one step on the gradient over all samples. */
  fit(X: readonly (readonly number[])[], y: readonly number[], options: LinearFitOptions = {}): History {
    const { epochs = 500, learningRate = 0.5, l2 = 0 } = options;
    return this.net.train(X, y, { epochs, learningRate, l2, batchSize: X.length, shuffle: false });
  }

  /** Predicted classes. */
  predict(X: readonly (readonly number[])[]): number[] {
    return this.net.predictClasses(X);
  }

  /** Accuracy on (X, y). */
  score(X: readonly (readonly number[])[], y: readonly number[]): number {
    return accuracy(y, this.predict(X));
  }

  /** The weight matrix (features × outputs) as nested arrays. */
  get weights(): number[][] {
    return this.net.weights[0].toArray();
  }

  /** The bias of each output. */
  get bias(): number[] {
    return Array.from(this.net.biases[0].data);
  }
}

/** Two-class logistic regression: P(y = 1 | x) = σ(x · w + b). */
export class LogisticRegression extends LinearClassifier {
  constructor(features: number, options: { seed?: SeedOrRandom } = {}) {
    super(new Network([features, 1], ["sigmoid"], { loss: "binary-cross-entropy", init: "zeros", seed: options.seed }));
  }

  /** P(y = 1 | x) for every sample. */
  predictProba(X: readonly (readonly number[])[]): number[] {
    return Array.from(this.net.predict(X).data);
  }
}

/** k-class softmax (multinomial logistic) regression: P(y = j | x) = softmax(x · W + b)_j. */
export class SoftmaxRegression extends LinearClassifier {
  constructor(features: number, classes: number, options: { seed?: SeedOrRandom } = {}) {
    super(new Network([features, classes], ["softmax"], { loss: "categorical-cross-entropy", init: "zeros", seed: options.seed }));
  }

  /** The class probabilities of every sample (rows sum to 1). */
  predictProba(X: readonly (readonly number[])[]): number[][] {
    return this.net.predict(X).toArray();
  }
}
