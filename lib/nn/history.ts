/**
 * What a training run leaves behind: one record per epoch. Network.train writes these,
 * tf's model.fit reports the same fields (epochRecord in tf/callbacks.ts), and the charts
 * and the live display read them, so the shape is declared once, here.
 */

/** The metrics of one epoch: what every trainer reports and every chart reads. */
export interface EpochMetrics {
  epoch: number;
  /** Mean training loss over the epoch's batches (measured as the batches went by). */
  loss: number;
  /** Training accuracy over the epoch's batches, for classification losses. */
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** One line of Network.train's history: the epoch's metrics and how long it took. */
export interface EpochRecord extends EpochMetrics {
  /** Seconds the epoch took. */
  seconds: number;
}

export interface History {
  epochs: EpochRecord[];
  /** The epoch whose weights the network holds at the end (the best one when early stopping restored it). */
  bestEpoch: number;
  stoppedEarly: boolean;
  /** Training samples per second over the whole run. */
  samplesPerSecond: number;
}
