/**
 * Compressed buckets ("CSR"): `count` buckets of node indexes stored back to back. Bucket `b` holds
 * `items[start[b] .. start[b + 1])`. Built in two passes (count, then fill) so no per-bucket arrays exist.
 */
export interface Buckets {
  readonly start: Int32Array;
  readonly items: Int32Array;
}

/** An empty bucket set with `count` buckets. */
export function emptyBuckets(count: number): Buckets {
  return { start: new Int32Array(count + 1), items: new Int32Array(0) };
}

/**
 * Builds buckets from (bucket, item) pairs given by `each`, which is called twice and must emit the same
 * pairs both times. Items keep their emission order within a bucket.
 */
export function buildBuckets(
  count: number,
  each: (emit: (bucket: number, item: number) => void) => void,
): Buckets {
  const start = new Int32Array(count + 1);
  each((bucket) => {
    start[bucket + 1]!++;
  });
  for (let b = 0; b < count; b++) start[b + 1]! += start[b]!;
  const items = new Int32Array(start[count]!);
  const fill = start.slice(0, count);
  each((bucket, item) => {
    items[fill[bucket]!++] = item;
  });
  return { start, items };
}

/** Buckets whose items come in runs of equal key (e.g. accelerator speed class), with each run's end. */
export interface RunBuckets extends Buckets {
  /** For item k: the end (exclusive) of the run of equal key that holds it, inside its bucket. */
  readonly runEnd: Int32Array;
}

/** Computes `runEnd` for `b` (items already grouped by `key` within each bucket), reusing `into` when it fits. */
export function runEnds(b: Buckets, key: (item: number) => number, into?: Int32Array): Int32Array {
  const total = b.start[b.start.length - 1] ?? 0;
  const out = into && into.length >= total ? into : new Int32Array(total);
  for (let bucket = 0; bucket < b.start.length - 1; bucket++) {
    const lo = b.start[bucket]!;
    const hi = b.start[bucket + 1]!;
    for (let k = hi - 1; k >= lo; k--) {
      out[k] = k + 1 < hi && key(b.items[k + 1]!) === key(b.items[k]!) ? out[k + 1]! : k + 1;
    }
  }
  return out;
}
