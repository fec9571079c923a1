import { jsonPositions } from './scan-json';
import { lineStartsOf, SourceMap } from './source-map';

describe('SourceMap', () => {
  it('finds the line and column of any offset, at line starts, ends and with CRLF', () => {
    const text = 'ab\ncd\r\n\nx';
    expect([...lineStartsOf(text)]).toEqual([0, 3, 7, 8]);
    const map = new SourceMap(text, () => undefined);
    expect([0, 2, 3, 6, 7, 8, 9].map((offset) => map.at(offset))).toEqual([
      { line: 1, column: 1 },
      { line: 1, column: 3 },
      { line: 2, column: 1 },
      { line: 2, column: 4 },
      { line: 3, column: 1 },
      { line: 4, column: 1 },
      { line: 4, column: 2 },
    ]);
  });

  it('locates a value, its key (unescaped) and the closest ancestor of a missing path, building positions once', () => {
    const text = '{"steps": [{"id": "a", "env": {"K\\u0041": 1}}], "name": "n"}';
    let built = 0;
    const map = new SourceMap(text, () => (built++, jsonPositions(text)));
    expect(built).toBe(0);
    expect(map.locate(['steps', 0, 'id'])).toEqual({ line: 1, column: 19 });
    expect(map.locate(['steps', 0, 'id'], { key: true })).toEqual({ line: 1, column: 13 });
    expect(map.locate(['steps', 0, 'env', 'KA'])).toEqual({ line: 1, column: 43 });
    expect(map.locate(['steps', 0, 'missing', 'deeper'])).toEqual({ line: 1, column: 12 });
    expect(map.locate(['steps', 5])).toEqual({ line: 1, column: 11 });
    expect(map.locate([])).toEqual({ line: 1, column: 1 });
    expect(built).toBe(1);
  });

  it('has no position for a document without positions', () => {
    expect(new SourceMap('', () => undefined).locate(['steps'])).toBeUndefined();
    expect(jsonPositions('{"a": }')).toBeUndefined();
  });
});
