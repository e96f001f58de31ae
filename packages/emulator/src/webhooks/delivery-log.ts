/** Why an attempt failed, as data. `http_status` means the callback answered outside 2xx. */
export type DeliveryFailure = 'timeout' | 'connection' | 'http_status' | 'overflow';

/** What happened to the batch after this attempt. */
export type DeliveryOutcome = 'delivered' | 'retry_scheduled' | 'gave_up';

/** One POST attempt (or one dropped batch) in the delivery log; the ground truth `state()` exposes. */
export interface DeliveryRecord {
  /** Monotonic sequence number of the record. */
  seq: number;
  /** Id of the batch (one webhook body); retries of the same body share it. */
  deliveryId: string;
  appId: string;
  callbackUrl: string;
  /** 1 for the first POST of a batch, 2 for the first retry, ... (0 for a batch dropped before any POST). */
  attempt: number;
  /** Emulated time (ms epoch) at which the attempt started. */
  at: number;
  /** Real wall time the attempt took, in ms. */
  ms: number;
  /** HTTP status the callback answered, or null when there was no answer. */
  status: number | null;
  ok: boolean;
  error?: DeliveryFailure;
  outcome: DeliveryOutcome;
  /** Emulated time of the next attempt when `outcome` is `retry_scheduled`. */
  nextAttemptAt?: number;
  /** Number of updates (messaging items + changes) in the body. */
  eventCount: number;
  /** Distinct webhook fields in the body, e.g. `['messages']`. */
  fields: string[];
  /** Distinct `entry[].id` values (IG account ids) in the body. */
  accountIds: string[];
}

/** A ring buffer of delivery records: memory stays bounded however many webhooks are sent. */
export class DeliveryLog {
  readonly #capacity: number;
  #records: DeliveryRecord[] = [];
  #start = 0;
  #seq = 0;

  constructor(capacity = 1000) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.#capacity = capacity;
  }

  /** Appends a record (assigning its `seq`), evicting the oldest when full. */
  add(record: Omit<DeliveryRecord, 'seq'>): DeliveryRecord {
    const full: DeliveryRecord = { seq: ++this.#seq, ...record };
    if (this.#records.length < this.#capacity) {
      this.#records.push(full);
    } else {
      this.#records[this.#start] = full;
      this.#start = (this.#start + 1) % this.#capacity;
    }
    return full;
  }

  /** Records oldest first (copies). */
  list(): DeliveryRecord[] {
    const ordered = this.#records.slice(this.#start).concat(this.#records.slice(0, this.#start));
    return ordered.map((r) => ({ ...r, fields: [...r.fields], accountIds: [...r.accountIds] }));
  }

  get size(): number {
    return this.#records.length;
  }

  clear(): void {
    this.#records = [];
    this.#start = 0;
  }
}
