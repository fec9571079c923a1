import type { IncomingMessage, ServerResponse } from 'node:http';

/** Options of an {@link SseStream}. */
export interface SseStreamOptions {
  /** A `: heartbeat` comment this often, in ms. */
  readonly heartbeatMs: number;
  /** The reconnect delay sent first as `retry:`, in ms. */
  readonly retryMs: number;
}

/**
 * A `text/event-stream` response written by hand (Nest's `@Sse()` cannot send comments, `retry:`
 * or a 204): the headers and the `retry:` hint at once, then messages with `id:` (when the event has
 * a number), `event:` and one `data:` line of JSON, a `: heartbeat` comment every `heartbeatMs`,
 * and the end. `onClose` runs once when the response is over, whoever ended it.
 */
export class SseStream {
  readonly #response: ServerResponse;
  readonly #heartbeat: NodeJS.Timeout;
  #open = true;

  constructor(request: IncomingMessage, response: ServerResponse, options: SseStreamOptions, onClose: () => void) {
    this.#response = response;
    request.socket.setTimeout(0);
    request.socket.setNoDelay(true);
    request.socket.setKeepAlive(true);
    response.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    response.write(`retry: ${options.retryMs}\n\n`);
    this.#heartbeat = setInterval(() => this.#write(': heartbeat\n\n'), options.heartbeatMs);
    response.once('close', () => {
      this.#stop();
      onClose();
    });
  }

  /** Sends one event: `id:` its sequence number (left out when null), `event:` its type, `data:` it as JSON. */
  send(seq: number | null, type: string, data: unknown): void {
    this.#write(`${seq === null ? '' : `id: ${seq}\n`}event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Ends the response (after what was written). */
  end(): void {
    if (!this.#open) return;
    this.#stop();
    this.#response.end();
  }

  #write(text: string): void {
    if (this.#open) this.#response.write(text);
  }

  #stop(): void {
    this.#open = false;
    clearInterval(this.#heartbeat);
  }
}
