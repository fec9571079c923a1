import type { ValueTransformer } from 'typeorm';

/** A `bigint` column of epoch milliseconds as a number (PostgreSQL's driver returns bigint as text). */
export const EPOCH_MS: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
};
