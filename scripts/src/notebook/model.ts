/**
 * The nbformat 4 notebook model (https://nbformat.readthedocs.io/en/latest/format_description.html).
 * Fields we do not know about are kept as they are: notebooks carry metadata from
 * Jupyter, VS Code and nbgrader, and every tool must write them back untouched.
 */

/** nbformat stores text either as one string or as a list of lines (each ending with "\n" but the last). */
export type MultilineString = string | string[];

export type JsonObject = Record<string, unknown>;

export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

export interface DisplayDataOutput {
  output_type: "display_data";
  data: JsonObject;
  metadata: JsonObject;
}

export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: JsonObject;
  metadata: JsonObject;
}

export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

interface CellBase {
  /** Required from nbformat 4.5 on; absent in older notebooks. */
  id?: string;
  source: MultilineString;
  metadata: JsonObject;
  [extra: string]: unknown;
}

export interface CodeCell extends CellBase {
  cell_type: "code";
  execution_count: number | null;
  outputs: Output[];
}

export interface MarkdownCell extends CellBase {
  cell_type: "markdown";
  attachments?: JsonObject;
}

export interface RawCell extends CellBase {
  cell_type: "raw";
  attachments?: JsonObject;
}

export type Cell = CodeCell | MarkdownCell | RawCell;

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject;
  cells: Cell[];
  [extra: string]: unknown;
}
