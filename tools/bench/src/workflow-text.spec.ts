import { makefile, shellSleepFields, sleepCommand, workflowYaml } from './workflow-text';
import { seedDemoDag } from './sleep-dags';

describe('workflow text', () => {
  it('writes a workflow whose steps sleep like the Makefile recipes', () => {
    const yaml = workflowYaml(seedDemoDag(), shellSleepFields(100));
    expect(yaml).toContain('maxParallel: 4\nsteps:\n  - id: fetch_user_data\n    type: "shell"\n    run: "sleep 0.2"\n');
    expect(yaml).toContain('    needs: [fetch_user_data, fetch_product_data, fetch_inventory_data]\n');
  });

  it('writes a Makefile with one phony target per step and all on the leaves', () => {
    const text = makefile(seedDemoDag(), 100);
    expect(text).toContain('all: generate_report\n');
    expect(text).toContain('generate_report: fetch_user_data fetch_product_data fetch_inventory_data\n\tsleep 0.2\n');
    expect(text).toContain('.PHONY: all fetch_user_data');
  });

  it('writes sleep durations in seconds', () => {
    expect(sleepCommand(250)).toBe('sleep 0.25');
    expect(sleepCommand(1000)).toBe('sleep 1');
  });
});
