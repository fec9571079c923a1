import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkflowError } from '../errors/workflow.error';
import { WorkflowValidationError } from '../errors/workflow-validation.error';
import { createHash } from 'node:crypto';
import { loadWorkflowFile, type DocumentReadingCache } from './load-workflow-file';
import type { DocumentReading } from './read-document';
import { fakeRegistry } from './testing/fake-step-type';

describe('loadWorkflowFile', () => {
  let dir: string;
  const stepTypes = fakeRegistry();

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-load-'));
    fs.writeFileSync(path.join(dir, 'run.py'), '');
    fs.writeFileSync(path.join(dir, 'report.yml'), 'steps:\n  - { id: a, type: fake, script: ./run.py }\n');
    fs.writeFileSync(
      path.join(dir, 'bad.json'),
      '{\n  "steps": [{ "id": "a", "type": "fake", "timeout": "soon" }]\n}\n',
    );
  });

  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reads a workflow, naming it after the file and resolving scripts beside it', async () => {
    const file = path.join(dir, 'report.yml');
    const workflow = await loadWorkflowFile(path.relative(process.cwd(), file), { stepTypes });
    expect(workflow).toMatchObject({ name: 'report', rootDir: dir, sourcePath: file });
    expect(workflow.steps[0].config).toEqual({ script: './run.py' });
  });

  it('resolves scripts in the given rootDir instead', async () => {
    const other = fs.mkdtempSync(path.join(os.tmpdir(), 'weft-root-'));
    try {
      await expect(
        loadWorkflowFile(path.join(dir, 'report.yml'), { stepTypes, rootDir: other }),
      ).rejects.toThrow(/script not found/);
    } finally {
      fs.rmSync(other, { recursive: true, force: true });
    }
  });

  it('throws a WorkflowValidationError naming the file and every issue', async () => {
    const file = path.join(dir, 'bad.json');
    const error = await loadWorkflowFile(file, { stepTypes }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowValidationError);
    const invalid = error as WorkflowValidationError;
    expect(invalid.file).toBe(file);
    expect(invalid.issues).toEqual([
      expect.objectContaining({ path: 'steps[0].timeout', line: 2, column: 53 }),
    ]);
    expect(invalid.message).toBe(
      `${file} is invalid (1 error):\n  ${file}:2:53 steps[0].timeout: expected a duration like "30s", "2m" or milliseconds, got "soon"`,
    );
  });

  it('says clearly when the file is missing', async () => {
    const file = path.join(dir, 'nope.yml');
    const error = await loadWorkflowFile(file, { stepTypes }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WorkflowError);
    expect((error as Error).message).toBe(`cannot read ${file}: no such file`);
  });

  it('says clearly when the path is a folder', async () => {
    await expect(loadWorkflowFile(dir, { stepTypes })).rejects.toThrow(
      `cannot read ${dir}: it is a folder, not a file`,
    );
  });

  describe('with a cache of readings', () => {
    const mapCache = (): DocumentReadingCache & { entries: Map<string, DocumentReading> } => {
      const entries = new Map<string, DocumentReading>();
      return { entries, get: (key) => entries.get(key), set: (key, reading) => void entries.set(key, reading) };
    };
    const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

    it('keeps the reading of a YAML text under its SHA-256, and uses it for the same text', async () => {
      const readings = mapCache();
      const file = path.join(dir, 'report.yml');
      const first = await loadWorkflowFile(file, { stepTypes, readings });
      const key = sha256(fs.readFileSync(file, 'utf8'));
      expect([...readings.entries.keys()]).toEqual([key]);
      expect(readings.entries.get(key)).toMatchObject({ format: 'yaml', issues: [], positions: expect.any(Object) });

      // A kept reading is what the next load validates: changed here, the change shows.
      const kept = readings.entries.get(key)!;
      readings.entries.set(key, { ...kept, value: { ...(kept.value as object), name: 'from-the-cache' } });
      const second = await loadWorkflowFile(file, { stepTypes, readings });
      expect(first.name).toBe('report');
      expect(second).toMatchObject({ name: 'from-the-cache', steps: first.steps });
    });

    it('still validates a kept reading, and places its errors by the kept positions', async () => {
      const readings = mapCache();
      const file = path.join(dir, 'cached-then-bad.yml');
      fs.writeFileSync(file, 'steps:\n  - id: a\n    type: fake\n    script: ./run.py\n');
      await loadWorkflowFile(file, { stepTypes, readings });
      const [[key, kept]] = [...readings.entries];
      const value = kept.value as { steps: Record<string, unknown>[] };
      readings.entries.set(key!, { ...kept, value: { steps: [{ ...value.steps[0], timeout: 'soon' }] } });
      const error = (await loadWorkflowFile(file, { stepTypes, readings }).catch((caught: unknown) => caught)) as WorkflowValidationError;
      expect(error).toBeInstanceOf(WorkflowValidationError);
      // No such field in the text: the issue is placed at its step (line 2).
      expect(error.issues).toEqual([expect.objectContaining({ path: 'steps[0].timeout', line: 2 })]);
    });

    it('reads afresh when the kept entry is not a usable reading, and keeps nothing for JSON or broken YAML', async () => {
      const readings = mapCache();
      const file = path.join(dir, 'report.yml');
      const key = sha256(fs.readFileSync(file, 'utf8'));
      readings.entries.set(key, { format: 'json', value: { steps: [] }, issues: [] });
      await expect(loadWorkflowFile(file, { stepTypes, readings })).resolves.toMatchObject({ name: 'report' });
      expect(readings.entries.get(key)).toMatchObject({ format: 'yaml', positions: expect.any(Object) });

      const json = mapCache();
      await expect(loadWorkflowFile(path.join(dir, 'bad.json'), { stepTypes, readings: json })).rejects.toThrow(WorkflowValidationError);
      const broken = path.join(dir, 'broken.yml');
      fs.writeFileSync(broken, 'steps: [\n');
      await expect(loadWorkflowFile(broken, { stepTypes, readings: json })).rejects.toThrow(/invalid YAML/);
      expect(json.entries.size).toBe(0);
    });
  });
});
