import { SseParser } from './sse-parser';
import { parseRunEvent } from './use-run-events';

describe('SseParser', () => {
  it('parses named events split across chunks, with CRLF and multi-line data', () => {
    const p = new SseParser();
    expect(p.push('event: step.started\r\ndata: {"a":')).toEqual([]);
    expect(p.push('1}\r\n\r\n: keep-alive\n\ndata: x\ndata: y\n\n')).toEqual([
      { event: 'step.started', data: '{"a":1}', id: null },
      { event: 'message', data: 'x\ny', id: null },
    ]);
  });
});

describe('parseRunEvent', () => {
  it('takes the type from the payload, else from the SSE event name, and rejects junk', () => {
    expect(parseRunEvent('{"type":"run.finished"}')?.type).toBe('run.finished');
    expect(parseRunEvent('{"runId":"r"}', 'step.started')?.type).toBe('step.started');
    expect(parseRunEvent('{"runId":"r"}')).toBeNull();
    expect(parseRunEvent('not json')).toBeNull();
  });
});
