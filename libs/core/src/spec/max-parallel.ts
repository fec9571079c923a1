/**
 * Highest `maxParallel` a run may have, from 1: in a workflow, in a run's override (`weft run
 * --max-parallel`, the server's start-run body) and for each pool. No imports, so that browser code
 * can read it too.
 */
export const MAX_PARALLEL_LIMIT = 8;

/** `maxParallel` when the document does not set it. */
export const DEFAULT_MAX_PARALLEL = 4;
