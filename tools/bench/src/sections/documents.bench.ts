import { builtinStepTypes } from '@weft/step-types';
import {
  StepTypeRegistry,
  documentFromReading,
  readDocumentForTransfer,
  validateWorkflowDocument,
  type DocumentReading,
} from '@weft/core';
import { hostileDocuments } from '../../../../libs/core/src/testing/hostile-documents';
import { measureRepeated } from '../repeat';
import type { BenchOptions, GoalResult, RegressionCheck, SectionResult } from '../report.types';
import { round } from '../stats';

const KIB = 1024;
const MIB = 1024 * KIB;
/** Growth is judged for shapes that take at least this long at the large size. */
const JUDGED_FROM_MS = 100;

interface Row {
  readonly shape: string;
  readonly format: string;
  /** Worker time: text → value, issues and positions, at the large size. */
  readonly readMs: number;
  /** Event-loop time: the reading crossing the boundary, then validation, at the large size. */
  readonly mainMs: number;
  /** µs per KiB of the whole (read + main) at the large size ÷ the same at the small size. */
  readonly growth: number;
}

/**
 * Section 7: hostile documents. Each shape of `hostileDocuments` (flat mappings, long lists, long
 * strings, many steps, many errors) at two sizes: the server's worker-thread part (reading the
 * text) and its event-loop part (receiving the reading and validating it) timed apart.
 */
export async function documentsBench(options: BenchOptions): Promise<SectionResult> {
  const [small, large] = options.quick ? [64 * KIB, 512 * KIB] : [128 * KIB, MIB];
  const stepTypes = new StepTypeRegistry(builtinStepTypes());
  // Slow documents: 3 runs (1 with --quick); fast ones repeat within the budget, so their medians are steady too.
  const repeat = { runs: options.quick ? 1 : 3, budgetMs: options.quick ? 200 : 1000 };
  const validate = { rootDir: options.scratch, stepTypes };

  const timeBoth = async (text: string, format: 'yaml' | 'json') => {
    let reading: DocumentReading | undefined;
    const readMs = await measureRepeated(() => (reading = readDocumentForTransfer(text, format)), repeat);
    const mainMs = await measureRepeated(
      () => validateWorkflowDocument(documentFromReading(text, structuredClone(reading!)), validate),
      repeat,
    );
    return { readMs, mainMs };
  };

  const smallDocs = hostileDocuments(small);
  const rows: Row[] = [];
  for (const [i, doc] of hostileDocuments(large).entries()) {
    const big = await timeBoth(doc.text, doc.format);
    const little = await timeBoth(smallDocs[i].text, doc.format);
    const perKib = (t: { readMs: number; mainMs: number }, length: number) => ((t.readMs + t.mainMs) * 1000) / (length / KIB);
    const growth = perKib(big, doc.text.length) / perKib(little, smallDocs[i].text.length);
    rows.push({ shape: doc.shape, format: doc.format, readMs: big.readMs, mainMs: big.mainMs, growth });
    options.log(`  ${doc.shape}: read ${round(big.readMs)} ms, event loop ${round(big.mainMs)} ms, growth ${round(growth)} ×`);
  }

  const label = large >= MIB ? '1 MiB' : `${large / KIB} KiB`;
  const worstMain = rows.reduce((a, b) => (b.mainMs > a.mainMs ? b : a));
  // Shapes read in a few milliseconds are shown, not judged: fixed costs and V8's handling of
  // strings near 1 MiB (a step in the yaml package's own time) outweigh any growth there.
  const judged = rows.filter((row) => row.readMs + row.mainMs >= JUDGED_FROM_MS);
  const worstGrowth = judged.reduce((a, b) => (b.growth > a.growth ? b : a));
  const goals: GoalResult[] = [
    {
      goal: `no ${label} body holds the event loop more than 1 s (the server reads documents on a worker thread)`,
      measured: `${round(worstMain.mainMs)} ms at most (${worstMain.shape})`,
      pass: large < MIB ? null : worstMain.mainMs <= 1000,
    },
    {
      goal: `parsing is linear whatever the shape (cost per KiB at ${label} ≤ 2 × at ${small / KIB} KiB, shapes taking ≥ ${JUDGED_FROM_MS} ms)`,
      measured: `${round(worstGrowth.growth)} × at most (${worstGrowth.shape})`,
      pass: worstGrowth.growth <= 2,
    },
  ];
  // A quadratic shape shows as ×8 for 8 times the size; ×4 leaves room for noise.
  const checks: RegressionCheck[] = judged.map((row) => ({ check: `parse cost per KiB of '${row.shape}', ${label} vs ${small / KIB} KiB`, ratio: row.growth, limit: 4 }));
  return {
    title: '7. Hostile documents',
    method:
      `Each shape of libs/core/src/testing/hostile-documents.ts generated at about ${label} and at ${small / KIB} KiB. ` +
      '"Read" is `readDocumentForTransfer` (YAML/JSON text → value, issues, positions), what the server runs on its document-reader ' +
      'worker thread; "event loop" is what the server then does on its main thread: take the reading across the boundary ' +
      '(`structuredClone`, which also counts the worker\'s serializing) and validate it (`validateWorkflowDocument`, against the built-in step types). ' +
      'Growth = cost per KiB at the large size ÷ at the small one (1 for linear work, 8 for quadratic), judged for the shapes that take ' +
      `at least ${JUDGED_FROM_MS} ms (the long strings take milliseconds, and the yaml package itself has a step near 1 MiB for them, linear beyond). Median of 3 runs (1 with --quick), more for documents read in milliseconds.`,
    tables: [
      {
        headers: ['shape', 'format', `read, on the worker (ms, ${label})`, `event loop (ms, ${label})`, 'µs / KiB', 'growth ×'],
        rows: rows.map((r) => [r.shape, r.format, round(r.readMs), round(r.mainMs), round(((r.readMs + r.mainMs) * 1000) / (large / KIB)), round(r.growth)]),
      },
    ],
    goals,
    checks,
  };
}
