import { SpeculosError } from './errors.js';

export type ButtonName = 'left' | 'right' | 'both';

/** One piece of screen text as Speculos' OCR reports it on /events. */
export interface ScreenText {
  text: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export type TextMatcher = string | RegExp | ((texts: string[]) => boolean);

export interface WaitOptions {
  timeoutMs?: number;
  pollMs?: number;
}

function matches(texts: string[], matcher: TextMatcher): boolean {
  if (typeof matcher === 'function') {
    return matcher(texts);
  }
  if (typeof matcher === 'string') {
    return texts.some((t) => t.includes(matcher));
  }
  return texts.some((t) => matcher.test(t));
}

function describe(matcher: TextMatcher): string {
  return typeof matcher === 'function' ? 'a custom screen condition' : JSON.stringify(String(matcher));
}

/**
 * Drives a running Speculos through its REST API, as a user would: buttons, and what the screen
 * shows (Speculos' text events: our app draws with its own font whose glyphs Speculos maps back to
 * characters, see device-app/platform/display.c).
 */
export class SpeculosDriver {
  readonly baseUrl: string;

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  private async request(method: string, pathName: string, body?: unknown): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.baseUrl}${pathName}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        body: body === undefined ? null : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
    } catch (err) {
      throw new SpeculosError('HTTP_ERROR', `${method} ${pathName} failed: ${(err as Error).message}`);
    }
    if (!res.ok) {
      throw new SpeculosError('HTTP_ERROR', `${method} ${pathName}: HTTP ${res.status} ${await res.text()}`);
    }
    return res;
  }

  /** Presses and releases a button (Speculos waits ~0.1 s after each, so the app can redraw). */
  async press(button: ButtonName): Promise<void> {
    const res = await this.request('POST', `/button/${button}`, { action: 'press-and-release' });
    await res.arrayBuffer();
  }

  /** Presses (without releasing) or releases a button: lets a caller time what happens on release. */
  async hold(button: ButtonName): Promise<void> {
    const res = await this.request('POST', `/button/${button}`, { action: 'press' });
    await res.arrayBuffer();
  }

  async release(button: ButtonName): Promise<void> {
    const res = await this.request('POST', `/button/${button}`, { action: 'release' });
    await res.arrayBuffer();
  }

  /** Text on the current screen (events since the last full-screen clear), top to bottom. */
  async screen(): Promise<ScreenText[]> {
    const res = await this.request('GET', '/events?currentscreenonly=true');
    const json = (await res.json()) as { events?: ScreenText[] };
    return (json.events ?? []).filter((e) => e.text.length > 0);
  }

  async screenTexts(): Promise<string[]> {
    return (await this.screen()).map((e) => e.text);
  }

  /** Every text event since start or the last clearEvents(). */
  async allTexts(): Promise<string[]> {
    const res = await this.request('GET', '/events');
    const json = (await res.json()) as { events?: ScreenText[] };
    return (json.events ?? []).map((e) => e.text);
  }

  async clearEvents(): Promise<void> {
    const res = await this.request('DELETE', '/events');
    await res.arrayBuffer();
  }

  async screenshot(): Promise<Buffer> {
    const res = await this.request('GET', '/screenshot');
    return Buffer.from(await res.arrayBuffer());
  }

  /**
   * Polls the current screen until it matches; returns its texts. On timeout the error lists
   * what the screen showed last, so a failing test says where the flow went instead.
   */
  async waitForScreen(matcher: TextMatcher, opts: WaitOptions = {}): Promise<string[]> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const last = await this.screenTexts();
      if (matches(last, matcher)) {
        return last;
      }
      if (Date.now() > deadline) {
        throw new SpeculosError(
          'SCREEN_TIMEOUT',
          `screen did not show ${describe(matcher)} within ${timeoutMs} ms; it showed: ${JSON.stringify(last)}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, opts.pollMs ?? 100));
    }
  }

  /**
   * Presses `button` until the screen matches (e.g. walk right through review pages to
   * "Approve"), at most maxPresses times. Waits for each press to change the screen first.
   */
  async pressUntil(button: ButtonName, matcher: TextMatcher, maxPresses = 20, opts: WaitOptions = {}): Promise<string[]> {
    let texts = await this.screenTexts();
    for (let i = 0; i <= maxPresses; i++) {
      if (matches(texts, matcher)) {
        return texts;
      }
      if (i === maxPresses) {
        break;
      }
      const before = JSON.stringify(texts);
      await this.press(button);
      texts = await this.waitForScreen((t) => JSON.stringify(t) !== before && t.length > 0, opts);
    }
    throw new SpeculosError(
      'SCREEN_TIMEOUT',
      `after ${maxPresses} presses of ${button} the screen never showed ${describe(matcher)}; last: ${JSON.stringify(texts)}`,
    );
  }
}
