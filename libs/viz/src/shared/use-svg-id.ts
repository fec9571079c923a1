import { useId } from 'react';

/** A per-instance id safe inside `url(#…)` references. */
export function useSvgId(prefix: string): string {
  return `${prefix}-${useId().replace(/[^A-Za-z0-9_-]/g, '')}`;
}
