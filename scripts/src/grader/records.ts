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

export class RecordCollector {
  readonly records: CollectedRecord[] = [];
  private current: number | undefined;
  private expectedSeq = 1;

  constructor(private readonly nonce: string) {}

  attach(kernel: Kernel): () => void {
    return kernel.onAnyIopub((message) => {
      if (message.header.msg_type !== "display_data") return;
      const data = (message.content as { data?: Record<string, unknown> }).data;
      const raw = data?.[GRADE_MIME];
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
    const record = raw as GradeRecord;
    let authentic = false;
    try {
      authentic = typeof record.tag === "string" && record.tag === recordTag(this.nonce, record);
    } catch {
      authentic = false;
    }
    const inSequence = authentic && record.seq === this.expectedSeq;
    if (authentic && typeof record.seq === "number") this.expectedSeq = record.seq + 1;
    this.records.push({ cellIndex: this.current, record, authentic, inSequence });
  }

  inCell(index: number): CollectedRecord[] {
    return this.records.filter((r) => r.cellIndex === index);
  }
}
