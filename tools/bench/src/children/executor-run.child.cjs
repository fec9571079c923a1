// Runs one benchmark DAG with the real executor and an in-memory step type, then prints its wall
// time and memory as JSON. Plain CommonJS on the built @weft/core, so nothing but the engine adds
// to the process's RSS. Usage: node executor-run.child.cjs DAG.json
'use strict';
const { readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { performance } = require('node:perf_hooks');
const { setImmediate } = require('node:timers');
const { StepTypeRegistry, executeWorkflow, z } = require('@weft/core');

const dag = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const baselineRssBytes = process.resourceUsage().maxRSS * 1024;

const sleepStep = {
  name: 'sleep',
  description: 'in-memory: ends on the next turn of the event loop',
  configSchema: z.strictObject({ ms: z.number() }),
  run: () => new Promise((resolve) => setImmediate(() => resolve({ ok: true, outputs: {} }))),
};

// The workflow bench-workflow.ts's benchWorkflow(dag, 0) makes, built here from the small DAG:
// handing this child the workflow as JSON instead costs ~9 MB of peak RSS that is not the engine's.
const workflow = {
  name: dag.name,
  maxParallel: dag.maxParallel,
  pools: {},
  env: {},
  failFast: false,
  rootDir: tmpdir(),
  steps: dag.steps.map((step, index) => ({
    id: step.id,
    type: 'sleep',
    index,
    needs: step.needs,
    inputs: {},
    retries: 0,
    retryDelayMs: 0,
    continueOnError: false,
    env: {},
    config: { ms: 0 },
  })),
};

/** The same DAG through a bare FIFO ready queue: the floor the executor is compared with. */
function fifo() {
  const remaining = new Map(dag.steps.map((s) => [s.id, s.needs.length]));
  const dependents = new Map(dag.steps.map((s) => [s.id, []]));
  for (const s of dag.steps) for (const need of s.needs) dependents.get(need).push(s.id);
  const ready = dag.steps.filter((s) => s.needs.length === 0).map((s) => s.id);
  let running = 0;
  let finished = 0;
  return new Promise((resolve) => {
    const pump = () => {
      while (running < dag.maxParallel && ready.length) {
        const id = ready.shift();
        running++;
        sleepStep.run().then(() => {
          running--;
          finished++;
          for (const next of dependents.get(id)) {
            remaining.set(next, remaining.get(next) - 1);
            if (remaining.get(next) === 0) ready.push(next);
          }
          if (finished === dag.steps.length) resolve();
          else pump();
        });
      }
    };
    pump();
  });
}

async function main() {
  const start = performance.now();
  const report = await executeWorkflow({ workflow, stepTypes: new StepTypeRegistry([sleepStep]) });
  const wallMs = performance.now() - start;
  const maxRssBytes = process.resourceUsage().maxRSS * 1024;
  const heapUsedBytes = process.memoryUsage().heapUsed;
  const fifoStart = performance.now();
  await fifo();
  const fifoWallMs = performance.now() - fifoStart;
  process.stdout.write(
    JSON.stringify({
      steps: Object.keys(report.steps).length,
      status: report.status,
      wallMs,
      fifoWallMs,
      maxRssBytes,
      baselineRssBytes,
      heapUsedBytes,
    }),
  );
}

main().catch((error) => {
  process.stderr.write(String((error && error.stack) || error));
  process.exit(1);
});
