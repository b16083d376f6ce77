/**
 * Collecting and verifying the grade records a graded kernel emits.
 *
 * Records are taken from the iopub stream as they arrive, not from the notebook's
 * outputs, so that the output cap (a learner printing 100 MB) cannot push them out.
 * Each record is attributed to the cell that was running when it arrived.
 * A record is trusted only when its tag is the HMAC of its body under the run's nonce
 * and its sequence number is the next one: a forged record fails the tag, a dropped
 * or replayed one breaks the sequence.
 */
import { GRADE_MIME, recordTag, type GradeRecord } from "nncourse/dist/grading";
import type { Kernel } from "../kernel/kernel";

export interface CollectedRecord {
  cellIndex: number | undefined;
  record: GradeRecord;
  /** The tag matches the body under the run's nonce. */
  authentic: boolean;
  /** The sequence number is the one expected after the previous authentic record. */
  inSequence: boolean;
}

/**
 * The most records kept from one run. The grader's own cells make a handful per test
 * cell; a kernel can send many more (forged ones among them), and each is kept in the
 * grader's memory: past this many, further records are dropped and the run is flagged.
 */
export const MAX_RECORDS = 2000;
/** The largest record kept, as JSON: a real one is a few hundred bytes. */
export const MAX_RECORD_BYTES = 16 * 1024;

export class RecordCollector {
  readonly records: CollectedRecord[] = [];
  /** Records left out because there were too many or they were too big. */
  dropped = 0;
  private current: number | undefined;
  private expectedSeq = 1;

  constructor(private readonly nonce: string) {}

  attach(kernel: Kernel): () => void {
    return kernel.onAnyIopub((message) => {
      if (message.header.msg_type !== "display_data") return;
      const data = (message.content as { data?: Record<string, unknown> }).data;
      const raw = data?.[GRADE_MIME];
      // Stryker disable next-line ConditionalExpression: equivalent, add() ignores anything that is not an object.
      if (raw !== undefined) this.add(raw);
    });
  }

  cellStarted(index: number): void {
    this.current = index;
  }

  cellEnded(): void {
    this.current = undefined;
  }

  private add(raw: unknown): void {
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return;
    if (this.records.length >= MAX_RECORDS || jsonSize(raw) > MAX_RECORD_BYTES) {
      this.dropped++;
      return;
    }
    const record = raw as GradeRecord;
    let authentic = false;
    try {
      // Stryker disable next-line ConditionalExpression: equivalent, recordTag returns a string, which no other type equals.
      authentic = typeof record.tag === "string" && record.tag === recordTag(this.nonce, record);
    } catch {
      // A record whose tag cannot be computed is not authentic: it stays false.
    }
    const inSequence = authentic && record.seq === this.expectedSeq;
    if (authentic && typeof record.seq === "number") this.expectedSeq = record.seq + 1;
    this.records.push({ cellIndex: this.current, record, authentic, inSequence });
  }

  inCell(index: number): CollectedRecord[] {
    return this.records.filter((r) => r.cellIndex === index);
  }
}

/** The size of a value as JSON, or Infinity for one that does not serialize. */
function jsonSize(value: unknown): number {
  try {
    // Stryker disable next-line OptionalChaining: equivalent for records, objects from parsed JSON, which always serialize.
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return Infinity;
  }
}
