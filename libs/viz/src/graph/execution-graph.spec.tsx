import { act, fireEvent, render, screen } from '@testing-library/react';
import { ExecutionGraph } from './execution-graph';
import { pipeline200 } from '../fixtures/big-workflows';
import { seedDemoFinished, wideFanOutFinished } from '../fixtures';

const transformOf = (c: HTMLElement) => c.querySelector('svg.weft-graph-canvas')!.getAttribute('data-transform')!.split(',').map(Number);

describe('ExecutionGraph viewport', () => {
  it('has zoom buttons with accessible names and a focusable, described viewport', () => {
    const { container } = render(<ExecutionGraph state={seedDemoFinished.state} now={seedDemoFinished.now} />);
    for (const name of ['Zoom in', 'Zoom out', 'Fit the whole graph']) expect(screen.getByRole('button', { name })).toBeTruthy();
    const viewport = screen.getByRole('group', { name: /Workflow graph of report/ });
    expect(viewport.getAttribute('tabindex')).toBe('0');
    expect(viewport.getAttribute('aria-describedby')).toBeTruthy();
    // small graph: fitted at 1x, no minimap, no search
    expect(transformOf(container)[0]).toBe(1);
    expect(container.querySelector('[data-minimap]')).toBeNull();
    expect(screen.queryByRole('combobox')).toBeNull();
  });

  it('zooms and pans with the keyboard and the buttons, and fits with F and 0', () => {
    const { container } = render(<ExecutionGraph state={seedDemoFinished.state} now={seedDemoFinished.now} />);
    const viewport = screen.getByRole('group', { name: /Workflow graph/ });
    const [k0] = transformOf(container);
    fireEvent.keyDown(viewport, { key: '+' });
    const [k1] = transformOf(container);
    expect(k1).toBeGreaterThan(k0!);
    fireEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    fireEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(transformOf(container)[0]).toBeLessThan(k1!);
    const [, x0] = transformOf(container);
    fireEvent.keyDown(viewport, { key: 'ArrowRight' });
    expect(transformOf(container)[1]).toBeLessThan(x0!);
    fireEvent.keyDown(viewport, { key: 'f' });
    const fitted = transformOf(container);
    expect(fitted[0]).toBeLessThanOrEqual(1);
    fireEvent.keyDown(viewport, { key: '-' });
    expect(transformOf(container)[0]).toBeLessThan(fitted[0]!);
    fireEvent.keyDown(viewport, { key: '0' });
    expect(transformOf(container)).toEqual(fitted);
  });

  it('starts a 200-step graph at a legible zoom with a minimap, folded chains and search', () => {
    const f = pipeline200().finished;
    const { container } = render(<ExecutionGraph state={f.state} now={f.now} />);
    expect(transformOf(container)[0]).toBeGreaterThanOrEqual(0.75);
    expect(container.querySelector('[data-minimap]')).not.toBeNull();
    const chains = container.querySelectorAll('[data-kind="chain"]');
    expect(chains.length).toBeGreaterThan(10);
    expect(container.querySelectorAll('[data-node]').length).toBeLessThan(150);
    // unfold one chain on click
    const before = container.querySelectorAll('[data-node]').length;
    const chain = container.querySelector<SVGGElement>('[data-node="chain:s001_align"]')!;
    expect(chain.getAttribute('aria-expanded')).toBe('false');
    expect(chain.textContent).toContain('6 steps');
    fireEvent.click(chain);
    expect(container.querySelectorAll('[data-node]').length).toBe(before + 5);
    expect(container.querySelector('[data-step="s001_mark_duplicates"]')).not.toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Fold chains again' }));
    expect(container.querySelectorAll('[data-node]').length).toBe(before);
  });

  it('finds a step hidden in a folded chain: unfolds it, centres and highlights it', () => {
    const f = pipeline200().finished;
    const { container } = render(<ExecutionGraph state={f.state} now={f.now} />);
    const box = screen.getByRole('combobox', { name: 'Find a step' });
    fireEvent.change(box, { target: { value: 's005 sort' } });
    expect(screen.getAllByRole('option')[0]!.getAttribute('data-match')).toBe('s005_sort_bam');
    act(() => {
      fireEvent.keyDown(box, { key: 'Enter' });
    });
    const node = container.querySelector('[data-node="s005_sort_bam"]')!;
    expect(node.classList.contains('weft-found')).toBe(true);
    expect(document.activeElement).toBe(node);
  });

  it('draws a foreach step as one node with its item progress, expanding to one cell per item', () => {
    const { container } = render(<ExecutionGraph state={wideFanOutFinished.state} now={wideFanOutFinished.now} />);
    const node = container.querySelector<SVGGElement>('[data-node="score_shards"]')!;
    expect(node.getAttribute('data-kind')).toBe('foreach');
    expect(node.querySelector('[data-progress]')!.getAttribute('data-progress')).toBe('6/6');
    expect(node.getAttribute('aria-expanded')).toBe('false');
    fireEvent.keyDown(node, { key: 'Enter' });
    const open = container.querySelector<SVGGElement>('[data-node="score_shards"]')!;
    expect(open.getAttribute('aria-expanded')).toBe('true');
    expect(open.querySelectorAll('[data-item]')).toHaveLength(6);
  });

  it('words failure reasons under the node, not as raw codes', () => {
    const { container } = render(<ExecutionGraph state={pipeline200().finished.state} now={pipeline200().finished.now} />);
    const failed = container.querySelector('[data-step="s003_qc_report"] .weft-node-detail')!;
    expect(failed.textContent).toBe('failed · non-zero exit');
  });
});
