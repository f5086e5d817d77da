import { SpeculosError } from './errors.js';

/** A text the app drew, and when its event reached this process (performance.now()). */
export interface TimedScreenText {
  text: string;
  at: number;
}

/**
 * Speculos's event stream (`GET /events?stream=true`, server-sent events): every text the app
 * draws is pushed as it is drawn, so the time it arrives here is when the screen showed it, to
 * within the stream's latency, instead of the next poll of the current screen. A benchmark reads
 * from it when a review appeared.
 */
export class ScreenEventClock {
  private readonly seen: TimedScreenText[] = [];
  private readonly abort = new AbortController();
  private readonly done: Promise<void>;

  private constructor(body: ReadableStream<Uint8Array>) {
    this.done = this.read(body);
  }

  /** Subscribes to the stream of the Speculos at `baseUrl`; resolves once the stream is open. */
  static async open(baseUrl: string): Promise<ScreenEventClock> {
    const controller = new AbortController();
    let res: Response;
    try {
      res = await fetch(`${baseUrl.replace(/\/$/, '')}/events?stream=true`, { signal: controller.signal });
    } catch (err) {
      throw new SpeculosError('HTTP_ERROR', `GET /events?stream=true failed: ${(err as Error).message}`);
    }
    if (!res.ok || res.body === null) {
      throw new SpeculosError('HTTP_ERROR', `GET /events?stream=true: HTTP ${res.status}`);
    }
    const clock = new ScreenEventClock(res.body);
    clock.abort.signal.addEventListener('abort', () => controller.abort());
    return clock;
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of body) {
        const at = performance.now();
        buffered += decoder.decode(chunk, { stream: true });
        // one event per "data: {json}\n\n" (the server-sent events format)
        for (let end = buffered.indexOf('\n\n'); end >= 0; end = buffered.indexOf('\n\n')) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          for (const line of block.split('\n')) {
            if (!line.startsWith('data:')) continue;
            const event = JSON.parse(line.slice(5)) as { text?: unknown };
            if (typeof event.text === 'string' && event.text.length > 0) this.seen.push({ text: event.text, at });
          }
        }
      }
    } catch {
      // aborted by close(), or Speculos stopped: what arrived stays readable
    }
  }

  /** When `text` was first drawn after `since` (performance.now()), or undefined if it was not. */
  firstShown(text: string, since: number): number | undefined {
    return this.seen.find((e) => e.at > since && e.text === text)?.at;
  }

  async close(): Promise<void> {
    this.abort.abort();
    await this.done;
  }
}
