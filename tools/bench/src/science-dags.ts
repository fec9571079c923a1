import type { BenchDag, BenchStep } from './bench-dag.types';

/** Mulberry32: a tiny seeded PRNG, so a generated workflow is the same on every machine. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shortest and longest step, in ms: the range real pipelines' traces span, scaled to a bench. */
export const MIN_STEP_MS = 10;
export const MAX_STEP_MS = 2000;

/**
 * A log-normal duration around `medianMs` (Box–Muller), clipped to [MIN_STEP_MS, MAX_STEP_MS]:
 * most tasks of a kind near the median, a long tail of slow ones, as in published traces.
 */
function duration(rnd: () => number, medianMs: number, sigma = 0.8): number {
  const u = Math.max(rnd(), 1e-9);
  const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  return Math.round(Math.min(MAX_STEP_MS, Math.max(MIN_STEP_MS, medianMs * Math.exp(sigma * z))));
}

class Builder {
  readonly steps: BenchStep[] = [];
  constructor(readonly rnd: () => number) {}
  add(id: string, medianMs: number, needs: readonly string[] = [], sigma?: number): string {
    this.steps.push({ id, needs: [...needs], units: duration(this.rnd, medianMs, sigma) });
    return id;
  }
}

/**
 * A Montage-like mosaic of `tiles` images on a grid `width` wide: each image reprojected
 * (mProject, a fan-out), the difference of every pair of neighbours fitted (mDiffFit, two parents
 * each), the fits concatenated and a background model made (fan-in), each image's background
 * corrected (mBackground: the model and its own projection), then a table, the co-add, a shrink
 * and a preview, one after the other (a long serial tail). About 4 × tiles steps.
 */
export function mosaic(tiles: number, seed: number, maxParallel = 4): BenchDag {
  const b = new Builder(mulberry32(seed));
  const width = Math.max(2, Math.round(Math.sqrt(tiles)));
  const projected = Array.from({ length: tiles }, (_, i) => b.add(`project_${i}`, 60));
  const fits: string[] = [];
  for (let i = 0; i < tiles; i++) {
    if ((i + 1) % width !== 0 && i + 1 < tiles) fits.push(b.add(`diff_${i}_${i + 1}`, 15, [projected[i]!, projected[i + 1]!], 0.6));
    if (i + width < tiles) fits.push(b.add(`diff_${i}_${i + width}`, 15, [projected[i]!, projected[i + width]!], 0.6));
  }
  const concat = b.add('concat_fits', 120, fits, 0.3);
  const model = b.add('background_model', 400, [concat], 0.3);
  const corrected = projected.map((p, i) => b.add(`background_${i}`, 20, [model, p], 0.6));
  const table = b.add('image_table', 100, corrected, 0.3);
  const added = b.add('coadd', 1500, [table], 0.2);
  const shrunk = b.add('shrink', 200, [added], 0.3);
  b.add('preview', 150, [shrunk], 0.3);
  return { name: `mosaic-${b.steps.length}`, description: `Montage-like mosaic of ${tiles} images`, maxParallel, steps: b.steps };
}

/**
 * A 1000Genomes-like variant analysis over `chromosomes`: per chromosome, `chunks` parallel
 * reads of individuals (fan-out) merged into one (fan-in), a sifting of the same chromosome beside
 * them, then for each of `populations` a mutation-overlap and a frequency step needing both.
 * chromosomes × (chunks + 2 + 2 × populations) steps.
 */
export function genome(chromosomes: number, chunks: number, populations: number, seed: number, maxParallel = 4): BenchDag {
  const b = new Builder(mulberry32(seed));
  for (let c = 1; c <= chromosomes; c++) {
    const reads = Array.from({ length: chunks }, (_, j) => b.add(`individuals_c${c}_${j}`, 40));
    const merged = b.add(`merge_c${c}`, 150, reads, 0.4);
    const sifted = b.add(`sifting_c${c}`, 40, [], 0.5);
    for (let p = 0; p < populations; p++) {
      b.add(`overlap_c${c}_p${p}`, 20, [merged, sifted]);
      b.add(`frequency_c${c}_p${p}`, 30, [merged, sifted]);
    }
  }
  return { name: `genome-${b.steps.length}`, description: `1000Genomes-like analysis of ${chromosomes} chromosomes`, maxParallel, steps: b.steps };
}

/**
 * An Epigenomics-like sequencing pipeline: each of `lanes` lanes split (fan-out) into `chunks`
 * chunks, each a chain of four short steps (filter, convert, to binary, map), merged per lane
 * (fan-in), then one global merge, an index and a pile-up. lanes × (4 × chunks + 2) + 3 steps.
 */
export function sequencing(lanes: number, chunks: number, seed: number, maxParallel = 4): BenchDag {
  const b = new Builder(mulberry32(seed));
  const laneMerges: string[] = [];
  for (let l = 0; l < lanes; l++) {
    const split = b.add(`split_l${l}`, 60, [], 0.4);
    const mapped: string[] = [];
    for (let k = 0; k < chunks; k++) {
      const filtered = b.add(`filter_l${l}_${k}`, 12, [split], 0.5);
      const sanger = b.add(`sol2sanger_l${l}_${k}`, 10, [filtered], 0.4);
      const bfq = b.add(`fast2bfq_l${l}_${k}`, 15, [sanger], 0.5);
      mapped.push(b.add(`map_l${l}_${k}`, 60, [bfq], 0.9));
    }
    laneMerges.push(b.add(`map_merge_l${l}`, 80, mapped, 0.4));
  }
  const merged = b.add('merge_all', 300, laneMerges, 0.3);
  const index = b.add('index', 200, [merged], 0.3);
  b.add('pileup', 600, [index], 0.3);
  return { name: `sequencing-${b.steps.length}`, description: `Epigenomics-like pipeline of ${lanes} lanes`, maxParallel, steps: b.steps };
}

/** The bench's instances, 100 to 500 steps each. */
export function scienceDags(): BenchDag[] {
  return [mosaic(25, 1), mosaic(110, 2), genome(8, 8, 3, 3), genome(16, 12, 5, 4), sequencing(4, 6, 5), sequencing(8, 12, 6)];
}
