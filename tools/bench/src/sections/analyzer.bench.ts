import { DependencyGraphAnalyzer, StepTypeRegistry, parseWorkflow } from '@weft/core';
import { benchWorkflow } from '../bench-workflow';
import { measureRepeated } from '../repeat';
import { randomDag } from '../random-dag';
import type { BenchOptions, GoalResult, RegressionCheck, SectionResult } from '../report.types';
import { SleepStepType } from '../sleep.step-type';
import { round, thousands } from '../stats';
import { sleepFields, workflowJson, workflowYaml } from '../workflow-text';

interface Row {
  readonly steps: number;
  readonly edges: number;
  readonly levels: number;
  readonly parseMs: number;
  readonly jsonParseMs: number;
  readonly analysisMs: number;
}

const perStepUs = (ms: number, steps: number): number => (ms * 1000) / steps;

/**
 * Section 1: `parseWorkflow` (YAML text → validated workflow) and `DependencyGraphAnalyzer.analyze`
 * (graph, cycles, levels, critical path, plan), timed apart on seeded random DAGs.
 */
export async function analyzerBench(options: BenchOptions): Promise<SectionResult> {
  const sizes = options.quick ? [100, 1_000, 10_000] : [100, 1_000, 10_000, 100_000];
  const registry = new StepTypeRegistry([new SleepStepType()]);
  const analyzer = new DependencyGraphAnalyzer();
  const rows: Row[] = [];
  for (const steps of sizes) {
    const dag = randomDag({ steps, seed: 42 });
    const workflow = benchWorkflow(dag, 0);
    let analysis: ReturnType<DependencyGraphAnalyzer['analyze']> | undefined;
    const analysisMs = await measureRepeated(() => (analysis = analyzer.analyze(workflow)), { runs: options.runs, budgetMs: options.quick ? 200 : 1000 });
    const { edges, levels } = { edges: analysis!.plan.edges.length, levels: analysis!.levels.length };
    analysis = undefined;
    const parse = async (text: string, fileName: string): Promise<number> => {
      let parsed: ReturnType<typeof parseWorkflow> | undefined;
      const ms = await measureRepeated(() => (parsed = parseWorkflow(text, { fileName, rootDir: options.scratch, stepTypes: registry })), {
        runs: options.runs,
        budgetMs: options.quick ? 300 : 1500,
      });
      if (!parsed?.ok) throw new Error(`the generated ${fileName} does not parse: ${JSON.stringify(parsed?.issues.slice(0, 3))}`);
      if (parsed.workflow.steps.length !== steps) throw new Error(`parsed ${parsed.workflow.steps.length} steps, expected ${steps}`);
      return ms;
    };
    const parseMs = await parse(workflowYaml(dag, sleepFields(0)), `${dag.name}.yaml`);
    const jsonParseMs = await parse(workflowJson(dag, sleepFields(0)), `${dag.name}.json`);
    rows.push({ steps, edges, levels, parseMs, jsonParseMs, analysisMs });
    options.log(`  ${thousands(steps)} steps: parse ${round(parseMs)} ms (JSON ${round(jsonParseMs)} ms), analysis ${round(analysisMs)} ms`);
  }

  const at = (steps: number) => rows.find((r) => r.steps === steps)!;
  const largest = rows[rows.length - 1];
  const growth = (pick: (r: Row) => number) => perStepUs(pick(largest), largest.steps) / perStepUs(pick(at(1_000)), 1_000);
  const analysisGrowth = growth((r) => r.analysisMs);
  const parseGrowth = growth((r) => r.parseMs);
  const goals: GoalResult[] = [
    { goal: 'analysis of 100 steps < 1 ms', measured: `${round(at(100).analysisMs)} ms`, pass: at(100).analysisMs < 1 },
    { goal: 'analysis of 10,000 steps < 20 ms', measured: `${round(at(10_000).analysisMs)} ms`, pass: at(10_000).analysisMs < 20 },
    {
      goal: `analysis grows linearly (per-step cost at ${thousands(largest.steps)} ≤ 2 × at 1,000)`,
      measured: `${round(analysisGrowth)} ×`,
      pass: analysisGrowth <= 2,
    },
    {
      goal: `parse + validate grows linearly (per-step cost at ${thousands(largest.steps)} ≤ 2 × at 1,000)`,
      measured: `${round(parseGrowth)} ×`,
      pass: parseGrowth <= 2,
    },
  ];
  // A quadratic step shows as ×10 per decade of steps; ×5 leaves room for GC and cache noise.
  const checks: RegressionCheck[] = [
    { check: `analysis per-step cost, ${thousands(largest.steps)} vs 1,000 steps`, ratio: analysisGrowth, limit: 5 },
    { check: `parse per-step cost, ${thousands(largest.steps)} vs 1,000 steps`, ratio: parseGrowth, limit: 5 },
  ];
  return {
    title: '1. Analyzer: parse + validate, and analysis',
    method:
      'Seeded random DAGs (seed 42; each step needs 0–3 of the 50 steps declared before it). Parse + validate = ' +
      '`parseWorkflow` on the generated YAML text (and on the same workflow as JSON, for comparison); analysis = `DependencyGraphAnalyzer.analyze` (graph, cycle ' +
      'check, levels, critical path, plan) on the already-built workflow. Median of at least 5 runs after a warm-up run (more for sub-millisecond work), garbage collected before each series.',
    tables: [
      {
        headers: ['steps', 'edges', 'levels', 'parse + validate YAML (ms)', 'µs / step', 'same as JSON (ms)', 'analysis (ms)', 'µs / step'],
        rows: rows.map((r) => [
          thousands(r.steps),
          thousands(r.edges),
          thousands(r.levels),
          round(r.parseMs),
          round(perStepUs(r.parseMs, r.steps)),
          round(r.jsonParseMs),
          round(r.analysisMs),
          round(perStepUs(r.analysisMs, r.steps)),
        ]),
      },
    ],
    goals,
    checks,
  };
}
