// Public surface of @weft/queue: the dispatcher a server sends attempts with, the worker that runs them.
export { QueueDispatcher, DEFAULT_BUNDLE_LIMIT, DEFAULT_LOST_AFTER_MS, MAX_JOB_BYTES, type QueueDispatcherOptions } from './queue-dispatcher';
export { WeftWorker, type WeftWorkerOptions } from './weft-worker';
export { listWorkers } from './worker-registry';
export {
  DEFAULT_PREFIX,
  QueueUrlError,
  connectRedis,
  jobIdOf,
  parseQueueUrl,
  queueNameOf,
  type WorkerInfo,
  type WorkerStatus,
} from './queue-protocol';
export { BundleError, BundleTooLargeError, formatBytes, packFolder, unpackBundle, type FolderBundle } from './bundle';
