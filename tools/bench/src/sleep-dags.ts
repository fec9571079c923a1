import type { BenchDag, BenchStep } from './bench-dag.types';
import { randomDag } from './random-dag';

const step = (id: string, needs: readonly string[] = [], units = 1): BenchStep => ({ id, needs, units });
const range = (count: number, make: (i: number) => BenchStep): BenchStep[] => Array.from({ length: count }, (_, i) => make(i + 1));

/** 8 steps one after the other: nothing can run in parallel; measures pure per-step overhead. */
export function chainDag(length = 8): BenchDag {
  return {
    name: 'chain',
    description: `${length} steps in a chain`,
    maxParallel: 4,
    steps: range(length, (i) => step(`c${i}`, i > 1 ? [`c${i - 1}`] : [])),
  };
}

/** Diamonds stacked: top → (left, right) → bottom, the bottom being the next top; sides take 2 units. */
export function diamondsDag(count = 3): BenchDag {
  const steps: BenchStep[] = [step('t0')];
  for (let i = 1; i <= count; i++) {
    steps.push(step(`l${i}`, [`t${i - 1}`], 2), step(`r${i}`, [`t${i - 1}`], 2), step(`t${i}`, [`l${i}`, `r${i}`]));
  }
  return { name: 'diamonds', description: `${count} stacked diamonds, sides 2 units`, maxParallel: 4, steps };
}

/** One step fans out to `width` steps that fan back in: the slots stay full in the middle. */
export function fanOutDag(width = 16): BenchDag {
  const middle = range(width, (i) => step(`m${i}`, ['split']));
  return {
    name: 'wide-fan-out',
    description: `1 → ${width} → 1, maxParallel 4`,
    maxParallel: 4,
    steps: [step('split'), ...middle, step('join', middle.map((s) => s.id))],
  };
}

/**
 * Many short independent steps declared before one long chain: a FIFO queue or levels start the
 * short steps first and leave the chain for last; critical-path-first starts the chain at once.
 * Step counts alone show the chain is critical, so it works without duration estimates.
 */
export function unbalancedDag(): BenchDag {
  return {
    name: 'unbalanced',
    description: '8 independent steps declared before a 4-step chain',
    maxParallel: 4,
    steps: [...range(8, (i) => step(`s${i}`)), ...range(4, (i) => step(`c${i}`, i > 1 ? [`c${i - 1}`] : []))],
  };
}

/**
 * Four 3-step chains of short steps and one 2-step branch of long steps (3 units each): counted in
 * steps the short chains look critical, in time the long branch is. Critical-path-first needs
 * duration estimates (history) to start the long branch first.
 */
export function unbalancedDurationsDag(): BenchDag {
  const chains = ['b', 'c', 'd', 'e'].flatMap((name) => range(3, (i) => step(`${name}${i}`, i > 1 ? [`${name}${i - 1}`] : [])));
  return {
    name: 'unbalanced-durations',
    description: 'four 3-step chains of 1 unit and a 2-step branch of 3-unit steps',
    maxParallel: 4,
    steps: [...chains, step('a1', [], 3), step('a2', ['a1'], 3)],
  };
}

/** The seed demo (examples/report): three fetches at once, then the report; every step 2 units. */
export function seedDemoDag(): BenchDag {
  const fetches = ['fetch_user_data', 'fetch_product_data', 'fetch_inventory_data'].map((id) => step(id, [], 2));
  return {
    name: 'seed-demo',
    description: 'examples/report: 3 fetches, then generate_report (2 units each)',
    maxParallel: 4,
    steps: [...fetches, step('generate_report', fetches.map((s) => s.id), 2)],
  };
}

/** A seeded random DAG of 30 steps of 1 to 3 units: no hand-made structure. */
export function randomSleepDag(): BenchDag {
  return { ...randomDag({ steps: 30, seed: 7, maxNeeds: 2, window: 8, units: [1, 3] }), name: 'random-30', description: 'seeded random DAG, 30 steps of 1–3 units' };
}

/** Every sleep DAG of sections 4 to 6, in table order. */
export function sleepDags(): BenchDag[] {
  return [chainDag(), diamondsDag(), fanOutDag(), unbalancedDag(), unbalancedDurationsDag(), seedDemoDag(), randomSleepDag()];
}
