/**
 * Reading `--shard K/N`, and K from the job runner when it is left out (`--shard /N`).
 *
 * K counts from 1 on the command line (see shard.ts). The job runners count their own way:
 *   - Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX to 0 … completions-1: K = index + 1.
 *   - Slurm job arrays set SLURM_ARRAY_TASK_ID to whatever `--array` lists, often 1-N but
 *     as often 0-(N-1). SLURM_ARRAY_TASK_MIN, _MAX and _STEP say which, so K is the task's
 *     place in the array: (id - min) / step + 1, and the array must hold exactly N tasks.
 * Guessing is never safe here: a shard that reads the wrong K grades another shard's
 * share (graded twice, harmless) while its own is graded by nobody (students missing
 * from the merged gradebook). So every value that does not fit is an error that says
 * how to make it fit, and a K given on the command line that disagrees with the job
 * runner's is one too: it is the copy-pasted `--shard 1/4` that makes every task of an
 * array grade shard 1.
 */
import { UsageError } from "../errors";
import { formatShard, type Shard } from "./shard";

export interface ShardChoice extends Shard {
  /** Where K came from, for the run's log. */
  from: string;
}

type Env = Readonly<Record<string, string | undefined>>;

const SEE_HELP = "see `course grade --help`";
const HELP = `${SEE_HELP}.`;

export function parseShardOption(text: string, env: Env): ShardChoice {
  const match = /^(\d*)\/(\d+)$/.exec(text.trim());
  if (match === null) {
    const lone = /^\d+$/.test(text.trim());
    throw new UsageError(
      `--shard takes K/N (this is shard K of N), got "${text}".`,
      lone
        ? `write --shard K/${text.trim()} for shard K of ${text.trim()}, or --shard /${text.trim()} to read K from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX) or a Slurm array (SLURM_ARRAY_TASK_ID); ${HELP}`
        : `e.g. --shard 2/4, or --shard /4 to read K from a Kubernetes Indexed Job or a Slurm array; ${HELP}`,
    );
  }
  const count = Number(match[2]);
  if (count < 1) throw new UsageError(`--shard ${text}: the number of shards must be at least 1.`, HELP);
  const fromRunner = shardFromEnvironment(env, count);
  if (match[1] === "") {
    if (fromRunner === undefined) {
      throw new UsageError(
        `--shard /${count} leaves out which shard this is, and neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set.`,
        `run it as one task of an Indexed Job or a job array, or name the shard: --shard 1/${count} … --shard ${count}/${count}.`,
      );
    }
    return fromRunner;
  }
  const index = Number(match[1]);
  if (index < 1 || index > count) {
    throw new UsageError(
      `--shard ${text}: shards count from 1 to ${count}, so ${index} is out of range.`,
      index === 0
        ? `the first shard is --shard 1/${count}; a job runner's index that counts from 0 is read for you with --shard /${count} (${SEE_HELP}).`
        : `use a shard from 1/${count} to ${count}/${count}, or raise N (${SEE_HELP}).`,
    );
  }
  if (fromRunner !== undefined && fromRunner.index !== index) {
    throw new UsageError(
      `--shard ${text} names shard ${index}, but ${fromRunner.from} says this task is shard ${formatShard(fromRunner)}.`,
      `leave K out (--shard /${count}) so that every task grades its own shard; to name shards yourself inside a job array, unset JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID first.`,
    );
  }
  return { index, count, from: fromRunner?.from ?? "the command line" };
}

/** The shard the job runner's environment names, checked against `count`; undefined when none is set. */
export function shardFromEnvironment(env: Env, count: number): ShardChoice | undefined {
  const kubernetes = fromKubernetes(env, count);
  const slurm = fromSlurm(env, count);
  if (kubernetes !== undefined && slurm !== undefined && kubernetes.index !== slurm.index) {
    throw new UsageError(
      `${kubernetes.from} and ${slurm.from} name different shards (${formatShard(kubernetes)} and ${formatShard(slurm)}).`,
      "run the grader under one job runner, or name the shard yourself with --shard K/N after unsetting both.",
    );
  }
  return kubernetes ?? slurm;
}

function fromKubernetes(env: Env, count: number): ShardChoice | undefined {
  const value = env.JOB_COMPLETION_INDEX;
  if (value === undefined || value === "") return undefined;
  const index = wholeNumber("JOB_COMPLETION_INDEX", value);
  if (index >= count) {
    throw new UsageError(
      `JOB_COMPLETION_INDEX=${index}, so this Indexed Job has at least ${index + 1} completions, but --shard asks for ${count} shard(s).`,
      `make them agree: completions: ${count} in the Job, or --shard /${index + 1} or more.`,
    );
  }
  return { index: index + 1, count, from: `JOB_COMPLETION_INDEX=${index} (Kubernetes Indexed Job, counted from 0)` };
}

function fromSlurm(env: Env, count: number): ShardChoice | undefined {
  const value = env.SLURM_ARRAY_TASK_ID;
  if (value === undefined || value === "") return undefined;
  const id = wholeNumber("SLURM_ARRAY_TASK_ID", value);
  const minText = env.SLURM_ARRAY_TASK_MIN;
  const maxText = env.SLURM_ARRAY_TASK_MAX;
  if (minText === undefined || maxText === undefined) {
    throw new UsageError(
      `SLURM_ARRAY_TASK_ID=${id} is set without SLURM_ARRAY_TASK_MIN and SLURM_ARRAY_TASK_MAX, so whether the array counts from 0 or from 1 is unknown.`,
      `name the shard yourself: --shard $SLURM_ARRAY_TASK_ID/${count} for --array=1-${count}, --shard $((SLURM_ARRAY_TASK_ID + 1))/${count} for --array=0-${count - 1}.`,
    );
  }
  const min = wholeNumber("SLURM_ARRAY_TASK_MIN", minText);
  const max = wholeNumber("SLURM_ARRAY_TASK_MAX", maxText);
  const step = env.SLURM_ARRAY_TASK_STEP === undefined ? 1 : wholeNumber("SLURM_ARRAY_TASK_STEP", env.SLURM_ARRAY_TASK_STEP);
  const tasks = env.SLURM_ARRAY_TASK_COUNT === undefined ? undefined : wholeNumber("SLURM_ARRAY_TASK_COUNT", env.SLURM_ARRAY_TASK_COUNT);
  const array = `--array=${min}-${max}${step === 1 ? "" : `:${step}`}`;
  const evenlySpaced = step >= 1 && max >= min && (max - min) % step === 0;
  const span = evenlySpaced ? (max - min) / step + 1 : undefined;
  if (span === undefined || (tasks !== undefined && tasks !== span)) {
    throw new UsageError(
      `this Slurm array (SLURM_ARRAY_TASK_MIN=${min}, _MAX=${max}, _STEP=${step}${tasks === undefined ? "" : `, _COUNT=${tasks}`}) is not an evenly spaced range of task ids, so a task's id does not say which shard it is.`,
      `submit the array as --array=1-${count}.`,
    );
  }
  if (span !== count) {
    throw new UsageError(
      `the Slurm array has ${span} task(s) (${array}), but --shard asks for ${count} shard(s).`,
      `make them agree: --array=1-${count}, or --shard /${span}.`,
    );
  }
  if (id < min || id > max || (id - min) % step !== 0) {
    throw new UsageError(
      `SLURM_ARRAY_TASK_ID=${id} is not one of the array's task ids (${array}).`,
      "run the grader as a task of that array.",
    );
  }
  const index = (id - min) / step + 1;
  return { index, count, from: `SLURM_ARRAY_TASK_ID=${id} (Slurm array ${array}, task ${index} of ${count})` };
}

function wholeNumber(name: string, value: string): number {
  if (!/^\d+$/.test(value.trim()))
    throw new UsageError(`${name} is "${value}", not a whole number.`, `unset ${name}, or fix the job that sets it.`);
  return Number(value.trim());
}
