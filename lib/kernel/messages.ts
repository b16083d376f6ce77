/**
 * The shapes of Jupyter messages (messaging protocol 5.3) that the course tools send
 * and receive. Only the fields we use are typed; everything else passes through.
 */

export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  /** The header of the request this message answers; `{}` for requests. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  /** Binary buffers after the four JSON parts (unused by tslab, kept for completeness). */
  buffers: Buffer[];
}

/** "aborted" is the protocol's word for a request skipped after an earlier error; tslab said "abort". */
export type ExecuteStatus = "ok" | "error" | "aborted" | "abort";

export interface ExecuteReplyContent {
  status: ExecuteStatus;
  execution_count?: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

export interface StreamContent {
  name: "stdout" | "stderr";
  text: string;
}

export interface DisplayDataContent {
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  transient?: { display_id?: string };
  execution_count?: number | null;
}

export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

export interface ClearOutputContent {
  wait?: boolean;
}

export interface StatusContent {
  execution_state: "busy" | "idle" | "starting";
}

export const PROTOCOL_VERSION = "5.3";
