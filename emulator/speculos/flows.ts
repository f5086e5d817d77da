import type { SpeculosDriver } from './driver.js';

/**
 * Screen flows as a user walks them (device-app/PROTOCOL.md, "Screens"). Each step waits for the
 * screen it expects before pressing, so button presses never race the app's redraw.
 */
/** A screen condition: every one of `words` is a text line on screen. */
export const has =
  (...words: string[]) =>
  (texts: string[]): boolean =>
    words.every((w) => texts.includes(w));

export async function waitHome(screen: SpeculosDriver): Promise<string[]> {
  return await screen.waitForScreen(has('Spark Signer', 'Ready'));
}

/** Home → Settings → toggle "Blind signing" to the wanted state → Back → Home. */
export async function setBlindSigning(screen: SpeculosDriver, enabled: boolean): Promise<void> {
  await waitHome(screen);
  await screen.press('right');
  await screen.waitForScreen(has('Settings'));
  await screen.press('both');
  const texts = await screen.waitForScreen((t) => t.includes('Blind signing') && (t.includes('Enabled') || t.includes('Disabled')));
  if (texts.includes(enabled ? 'Disabled' : 'Enabled')) {
    await screen.press('both');
    await screen.waitForScreen(has('Blind signing', enabled ? 'Enabled' : 'Disabled'));
  }
  await screen.press('right');
  await screen.waitForScreen(has('Back'));
  await screen.press('both');
  // "Back" leaves Settings onto the home menu: its Settings entry (current core) or Home itself.
  const after = await screen.waitForScreen((t) => t.includes('Settings') || (t.includes('Spark Signer') && t.includes('Ready')));
  if (!after.includes('Spark Signer')) {
    await screen.press('left');
    await waitHome(screen);
  }
}

/**
 * Home → "Quit" → both buttons: the app exits, and Speculos with it. The press may lose its reply
 * because the REST server goes down mid-answer; the caller checks the exit itself.
 */
export async function quitApp(screen: SpeculosDriver): Promise<void> {
  await waitHome(screen);
  await screen.pressUntil('right', (t) => t.includes('Quit'));
  await screen.press('both').catch(() => undefined);
}

/**
 * Called with the text of each page a walk shows, while that page is on screen (before the next
 * press): e.g. a golden recorder capturing it (emulator/speculos/goldens.ts).
 */
export type PageHook = (texts: string[]) => Promise<void>;

export interface WalkOptions {
  onPage?: PageHook;
  /**
   * Told when the confirming press is made: the app acts on the release (device-app/platform/
   * main.c), so with this hook the walk holds both buttons and reports the time just before it
   * releases them (performance.now()), for a benchmark to end the user's time there.
   */
  onConfirm?: (at: number) => void;
}

/**
 * Walks a review that starts with `firstTitle` page by page to "Approve" (or on to "Reject") and
 * confirms with both buttons. Returns the text of every page seen, for the caller to check what
 * the user was shown.
 */
export async function review(
  screen: SpeculosDriver,
  firstTitle: string,
  decision: 'approve' | 'reject',
  opts: WalkOptions = {},
): Promise<string[][]> {
  const target = decision === 'approve' ? 'Approve' : 'Reject';
  let texts = await screen.waitForScreen(has(firstTitle));
  await opts.onPage?.(texts);
  const pages: string[][] = [texts];
  for (let i = 0; i < 12 && !texts.includes(target); i++) {
    const before = JSON.stringify(texts);
    await screen.press('right');
    texts = await screen.waitForScreen((t) => t.length > 0 && JSON.stringify(t) !== before);
    await opts.onPage?.(texts);
    pages.push(texts);
  }
  if (!texts.includes(target)) {
    throw new Error(`review never reached "${target}"; pages: ${JSON.stringify(pages)}`);
  }
  if (opts.onConfirm === undefined) {
    await screen.press('both');
  } else {
    await screen.hold('both');
    opts.onConfirm(performance.now());
    await screen.release('both');
  }
  return pages;
}

const NAV_HINTS = new Set(['<', '>']);

/** A page's title: its first text that is not a "<" / ">" navigation hint. */
export function pageTitle(texts: string[]): string {
  return texts.find((t) => !NAV_HINTS.has(t)) ?? '';
}

/** The body text of the page titled `title` (nav hints removed). */
export function pageBody(pages: string[][], title: string): string[] {
  const page = pages.find((p) => p.includes(title));
  if (page === undefined) {
    throw new Error(`no page titled "${title}" among ${JSON.stringify(pages)}`);
  }
  return page.filter((t) => t !== title && !NAV_HINTS.has(t));
}
