/**
 * The owner's reconciliation read: where each pending item's job stands in BullMQ, for the
 * results whose 'completed' event the owner did not see (it was away, Redis restarted, the event
 * stream was trimmed past it).
 */
import type { Queue } from 'bullmq';
import { jobIdOf } from './keys';
import {
  isItemResult,
  isStoredNote,
  type QueueJobData,
  type QueueReturn,
  type StoredNote,
} from './protocol';
import type { BatchItemResult } from '../services/batches/job';
import { CHUNK } from './settings';

export interface JobLookup {
  /** Results of jobs that completed: unbuilt items' results, in the return value. */
  completed: BatchItemResult[];
  /** Jobs that completed with a computed result, stored at its `resultKey`. */
  stored: StoredNote[];
  /** Jobs that failed on every attempt: key and BullMQ's reason. */
  failed: { key: string; reason: string }[];
  /** Keys with no job in Redis (removed by the keep bound, lost with Redis data, never added). */
  missing: string[];
}

/**
 * Looks up the jobs of `keys`, CHUNK at a time. Jobs still waiting, delayed or running are in
 * none of the lists; a job skipped for a cancelled batch neither.
 * Example: after a restart of the owner, `lookUpJobs(queue, ['b:0', 'b:1'])` →
 * `{completed: [], stored: [{key: 'b:0', stored: 'redis', bytes: 302_000}], failed: [],
 * missing: []}` (b:1 running).
 */
export async function lookUpJobs(
  queue: Queue<QueueJobData, QueueReturn>,
  keys: readonly string[],
): Promise<JobLookup> {
  const out: JobLookup = { completed: [], stored: [], failed: [], missing: [] };
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const jobs = await Promise.all(chunk.map((k) => queue.getJob(jobIdOf(k))));
    chunk.forEach((key, j) => {
      const job = jobs[j];
      if (!job) out.missing.push(key);
      else if (isItemResult(job.returnvalue)) out.completed.push(job.returnvalue);
      else if (isStoredNote(job.returnvalue)) out.stored.push(job.returnvalue);
      else if (job.finishedOn && job.returnvalue == null)
        out.failed.push({ key, reason: job.failedReason || 'failed' });
    });
  }
  return out;
}
