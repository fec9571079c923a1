import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { WorkflowError } from '../errors/workflow.error';
import { WorkflowValidationError } from '../errors/workflow-validation.error';
import { loadWorkflowFile } from './load-workflow-file';
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
});
