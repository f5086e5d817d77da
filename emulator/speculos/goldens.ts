import fs from 'node:fs';
import path from 'node:path';
import type { SpeculosDriver } from './driver.js';
import { SpeculosError } from './errors.js';
import { pageTitle, type PageHook } from './flows.js';
import { REPO_ROOT } from './paths.js';
import type { SpeculosModel } from './runner.js';
import { bitmapFromPng, bitmapToPng, diffPng, differingPixels, sameBitmap, type ScreenBitmap } from './screen-image.js';

/** Committed golden screenshots: test/device/goldens/<model>/<flow>/<NN>-<title>.png. */
export const GOLDENS_DIR = path.join(REPO_ROOT, 'test', 'device', 'goldens');
/** Where a mismatch leaves the actual screen and a diff picture (gitignored). */
export const GOLDEN_ARTIFACTS_DIR = path.join(REPO_ROOT, 'artifacts', 'goldens');

/** `UPDATE_GOLDENS=1` rewrites the goldens from what the app draws instead of comparing. */
export function updatingGoldens(): boolean {
  return process.env['UPDATE_GOLDENS'] === '1';
}

/** "Blind signing" → "blind-signing": a file-name form of a page title. */
export function titleSlug(title: string): string {
  const slug = title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.length > 0 ? slug : 'untitled';
}

/**
 * The current screen once the framebuffer holds still: two screenshots in a row that are equal.
 * Text events arrive when the app reported a status after drawing, so the picture is normally
 * complete already; the second shot makes a half-drawn screen impossible to record.
 */
export async function stableScreen(screen: SpeculosDriver, attempts = 20): Promise<ScreenBitmap> {
  let last = bitmapFromPng(await screen.screenshot());
  for (let i = 0; i < attempts; i++) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = bitmapFromPng(await screen.screenshot());
    if (sameBitmap(last, next)) {
      return next;
    }
    last = next;
  }
  throw new SpeculosError('SCREEN_TIMEOUT', `the screen kept changing over ${attempts} screenshots`);
}

interface Captured {
  name: string;
  bitmap: ScreenBitmap;
}

/**
 * Records every distinct screen of one flow on one model, in the order they first appear, and
 * compares them with the committed goldens. A screen equal to one already recorded in the flow
 * (the home page after a decision, a page walked back to) is not recorded again, so a flow's
 * walk may capture after every step.
 */
export class GoldenFlowRecorder {
  readonly model: SpeculosModel;
  readonly flow: string;
  private readonly screens: Captured[] = [];
  private readonly goldensDir: string;
  private readonly artifactsDir: string;

  constructor(model: SpeculosModel, flow: string, dirs: { goldens?: string; artifacts?: string } = {}) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(flow)) {
      throw new SpeculosError('GOLDEN_MISMATCH', `flow name "${flow}" must be lowercase letters, digits and dashes`);
    }
    this.model = model;
    this.flow = flow;
    this.goldensDir = dirs.goldens ?? GOLDENS_DIR;
    this.artifactsDir = dirs.artifacts ?? GOLDEN_ARTIFACTS_DIR;
  }

  /** Names recorded so far, e.g. ["01-blind-signing", "02-message-hash", …]. */
  get names(): string[] {
    return this.screens.map((s) => s.name);
  }

  /** Captures the current screen under `title` (the page title, usually the first text line). */
  async capture(screen: SpeculosDriver, title: string): Promise<void> {
    this.add(await stableScreen(screen), title);
  }

  /**
   * A page hook for flows.review and startApprover: each page a walk shows is captured under its
   * title, e.g. `startApprover(screen, titles, { onPage: recorder.pageHook(screen) })`.
   */
  pageHook(screen: SpeculosDriver): PageHook {
    return async (texts) => this.capture(screen, pageTitle(texts));
  }

  add(bitmap: ScreenBitmap, title: string): void {
    if (this.screens.some((s) => sameBitmap(s.bitmap, bitmap))) {
      return;
    }
    const nn = String(this.screens.length + 1).padStart(2, '0');
    this.screens.push({ name: `${nn}-${titleSlug(title)}`, bitmap });
  }

  private goldenDir(): string {
    return path.join(this.goldensDir, this.model, this.flow);
  }

  /**
   * Compares the recorded screens with the goldens (or rewrites them under UPDATE_GOLDENS=1).
   * Fails with one line per difference: a screen that differs (its actual screen and a diff
   * picture are saved under artifacts/goldens/), a golden that is missing, or a golden the flow
   * no longer shows.
   */
  verify(update = updatingGoldens()): void {
    if (this.screens.length === 0) {
      throw new SpeculosError('GOLDEN_MISMATCH', `${this.model}/${this.flow}: no screen was captured`);
    }
    const dir = this.goldenDir();
    const expected = new Set(this.screens.map((s) => `${s.name}.png`));
    const existing = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.png')) : [];
    if (update) {
      fs.mkdirSync(dir, { recursive: true });
      for (const s of this.screens) {
        writeIfChanged(path.join(dir, `${s.name}.png`), bitmapToPng(s.bitmap));
      }
      for (const stale of existing.filter((f) => !expected.has(f))) {
        fs.rmSync(path.join(dir, stale));
      }
      return;
    }
    const problems: string[] = [];
    const artifacts = path.join(this.artifactsDir, this.model, this.flow);
    fs.rmSync(artifacts, { recursive: true, force: true });
    for (const s of this.screens) {
      const goldenPath = path.join(dir, `${s.name}.png`);
      const rel = path.relative(REPO_ROOT, goldenPath);
      const actualPath = path.join(artifacts, `${s.name}.actual.png`);
      if (!fs.existsSync(goldenPath)) {
        fs.mkdirSync(artifacts, { recursive: true });
        fs.writeFileSync(actualPath, bitmapToPng(s.bitmap));
        problems.push(`${rel}: no golden (actual: ${path.relative(REPO_ROOT, actualPath)})`);
        continue;
      }
      const golden = bitmapFromPng(fs.readFileSync(goldenPath));
      if (!sameBitmap(golden, s.bitmap)) {
        const diffPath = path.join(artifacts, `${s.name}.diff.png`);
        fs.mkdirSync(artifacts, { recursive: true });
        fs.writeFileSync(actualPath, bitmapToPng(s.bitmap));
        fs.writeFileSync(diffPath, diffPng(s.bitmap, golden));
        problems.push(
          `${rel}: ${differingPixels(golden, s.bitmap)} pixels differ (actual: ${path.relative(REPO_ROOT, actualPath)}, diff: ${path.relative(REPO_ROOT, diffPath)})`,
        );
      }
    }
    for (const stale of existing.filter((f) => !expected.has(f))) {
      problems.push(`${path.relative(REPO_ROOT, path.join(dir, stale))}: golden of a screen the flow no longer shows`);
    }
    if (problems.length > 0) {
      throw new SpeculosError(
        'GOLDEN_MISMATCH',
        `${this.model}/${this.flow} differs from its goldens (UPDATE_GOLDENS=1 rewrites them after a deliberate change):\n  ${problems.join('\n  ')}`,
      );
    }
  }
}

function writeIfChanged(file: string, bytes: Buffer): void {
  if (fs.existsSync(file) && fs.readFileSync(file).equals(bytes)) {
    return;
  }
  fs.writeFileSync(file, bytes);
}
