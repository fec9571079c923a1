import { useMemo, useState, type KeyboardEvent } from 'react';
import { useSvgId } from '../shared/use-svg-id.js';
import { searchSteps, type SearchCandidate } from './compute/graph-search.js';

export interface GraphSearchBoxProps {
  readonly candidates: readonly SearchCandidate[];
  /** Status of each step, shown beside a match. */
  readonly statusOf?: (id: string) => string;
  /** A match was chosen (Enter, click). */
  readonly onChoose: (id: string) => void;
  /** @default 10 */
  readonly limit?: number;
}

/**
 * "Find a step": a combobox over the step ids (and types). Arrow keys move through the matches,
 * Enter picks (the first match when none is highlighted), Escape clears.
 */
export function GraphSearchBox({ candidates, statusOf, onChoose, limit = 10 }: GraphSearchBoxProps) {
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(-1);
  const [open, setOpen] = useState(false);
  const listId = useSvgId('weft-graph-find');
  const matches = useMemo(() => searchSteps(query, candidates, limit), [query, candidates, limit]);
  const shown = open && query.trim() !== '';
  const choose = (id: string) => {
    onChoose(id);
    setOpen(false);
  };
  const onKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && matches.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a + 1) % matches.length);
    } else if (e.key === 'ArrowUp' && matches.length) {
      e.preventDefault();
      setOpen(true);
      setActive((a) => (a <= 0 ? matches.length - 1 : a - 1));
    } else if (e.key === 'Enter') {
      const m = matches[active >= 0 ? active : 0];
      if (m) {
        e.preventDefault();
        choose(m.id);
      }
    } else if (e.key === 'Escape') {
      setQuery('');
      setActive(-1);
      setOpen(false);
    }
  };
  return (
    <div className="weft-graph-search" style={{ position: 'relative', display: 'inline-block' }}>
      <input
        type="search"
        role="combobox"
        aria-label="Find a step"
        aria-autocomplete="list"
        aria-expanded={shown}
        aria-controls={listId}
        aria-activedescendant={shown && active >= 0 && matches[active] ? `${listId}-${active}` : undefined}
        placeholder="Find a step…"
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setActive(-1);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)}
        onKeyDown={onKey}
        style={{
          font: 'inherit',
          color: 'var(--weft-fg, #1f2933)',
          background: 'var(--weft-bg, #fff)',
          border: '1px solid var(--weft-edge, #9aa5b1)',
          borderRadius: 4,
          padding: '3px 6px',
          width: '14em',
        }}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label="Matching steps"
        hidden={!shown}
        style={{
          position: 'absolute',
          zIndex: 3,
          top: '100%',
          left: 0,
          minWidth: '100%',
          maxHeight: 260,
          overflowY: 'auto',
          margin: '2px 0 0',
          padding: 2,
          listStyle: 'none',
          color: 'var(--weft-fg, #1f2933)',
          background: 'var(--weft-bg, #fff)',
          border: '1px solid var(--weft-edge, #9aa5b1)',
          borderRadius: 4,
          boxShadow: '0 2px 8px rgb(0 0 0 / 0.2)',
        }}
      >
        {matches.length === 0 && (
          <li role="option" aria-selected={false} aria-disabled="true" style={{ padding: '3px 6px' }}>
            No step matches
          </li>
        )}
        {matches.map((m, i) => (
          <li
            key={m.id}
            id={`${listId}-${i}`}
            role="option"
            aria-selected={i === active}
            data-match={m.id}
            // mousedown, not click: the input's blur would close the list first
            onMouseDown={(e) => {
              e.preventDefault();
              choose(m.id);
            }}
            style={{
              padding: '3px 6px',
              cursor: 'pointer',
              whiteSpace: 'nowrap',
              borderRadius: 3,
              background: i === active ? 'var(--weft-surface, #f5f7fa)' : undefined,
              outline: i === active ? '2px solid var(--weft-focus, #7c3aed)' : undefined,
            }}
          >
            {m.id}
            {statusOf && <span style={{ marginLeft: 8 }}>· {statusOf(m.id)}</span>}
          </li>
        ))}
      </ul>
    </div>
  );
}
