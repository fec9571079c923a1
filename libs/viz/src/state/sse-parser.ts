/** One Server-Sent Event. */
export interface SseMessage {
  /** The `event:` field, `message` when absent. */
  readonly event: string;
  readonly data: string;
  readonly id: string | null;
}

/**
 * An incremental `text/event-stream` parser (the WHATWG rules that matter here: `event`, `data`,
 * `id`, comments, CRLF/LF/CR line ends, multi-line data). Feed it chunks; it returns the complete
 * messages and keeps the unfinished tail.
 */
export class SseParser {
  #buffer = '';
  #event = '';
  #data: string[] = [];
  #id: string | null = null;

  push(chunk: string): SseMessage[] {
    this.#buffer += chunk;
    const out: SseMessage[] = [];
    for (;;) {
      const m = /\r\n|\r|\n/.exec(this.#buffer);
      if (!m) break;
      // A lone trailing CR may be the first half of CRLF: wait for more input.
      if (m[0] === '\r' && m.index === this.#buffer.length - 1) break;
      const lineText = this.#buffer.slice(0, m.index);
      this.#buffer = this.#buffer.slice(m.index + m[0].length);
      const msg = this.#line(lineText);
      if (msg) out.push(msg);
    }
    return out;
  }

  #line(text: string): SseMessage | null {
    if (text === '') {
      if (this.#data.length === 0) {
        this.#event = '';
        return null;
      }
      const msg = { event: this.#event || 'message', data: this.#data.join('\n'), id: this.#id };
      this.#event = '';
      this.#data = [];
      return msg;
    }
    if (text.startsWith(':')) return null;
    const colon = text.indexOf(':');
    const field = colon < 0 ? text : text.slice(0, colon);
    let value = colon < 0 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') this.#event = value;
    else if (field === 'data') this.#data.push(value);
    else if (field === 'id') this.#id = value;
    return null;
  }
}
