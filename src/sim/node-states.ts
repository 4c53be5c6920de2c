/** Accelerator state of one (node, model) cell. */
export const GPU_NONE = 0;
export const GPU_LOADING = 1;
export const GPU_RESIDENT = 2;

/** Default wait of a load for memory before its node drains (ms). */
export const DRAIN_AFTER_MS = 30_000;

export const REACH_OK = 0;
export const REACH_DOWN = 1;
export const REACH_UNSERVABLE = 2;
