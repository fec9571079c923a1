import { attemptsStarted, heartbeatMs, takeoverWindow } from './takeover-window';

describe('takeoverWindow', () => {
  it('expects a dead owner on this machine to be noticed within one heartbeat', () => {
    expect(heartbeatMs(3000)).toBe(1000);
    expect(takeoverWindow(3000, 'this machine')).toEqual({ fromMs: 0, toMs: 1000 });
  });

  it('expects a dead owner elsewhere to lose its run one heartbeat either side of the lease', () => {
    expect(takeoverWindow(3000, 'another machine')).toEqual({ fromMs: 2000, toMs: 4000 });
    expect(takeoverWindow(1000, 'another machine')).toEqual({ fromMs: 667, toMs: 1333 });
  });

  it('beats at least every millisecond', () => {
    expect(heartbeatMs(2)).toBe(1);
  });
});

describe('attemptsStarted', () => {
  it('counts the marker lines of one run only', () => {
    const markers = 'r1 100\nr2 200\nr1 300\n';
    expect(attemptsStarted(markers, 'r1')).toBe(2);
    expect(attemptsStarted(markers, 'r2')).toBe(1);
    expect(attemptsStarted(markers, 'r')).toBe(0);
    expect(attemptsStarted('', 'r1')).toBe(0);
  });
});
