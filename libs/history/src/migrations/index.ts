import { InitialSchema1764150000000 } from './1764150000000-initial-schema.migration';
import { OneRetryInFlight1764700000000 } from './1764700000000-one-retry-in-flight.migration';
import { RunEventLog1764800000000 } from './1764800000000-run-event-log.migration';
import { RunOwnership1764900000000 } from './1764900000000-run-ownership.migration';
import { StepWorker1765000000000 } from './1765000000000-step-worker.migration';

/** Every migration in order. Passed as classes, not a glob, so CJS and ESM hosts find them alike. */
export const HISTORY_MIGRATIONS = [InitialSchema1764150000000, OneRetryInFlight1764700000000, RunEventLog1764800000000, RunOwnership1764900000000, StepWorker1765000000000];
