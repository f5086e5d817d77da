import { describe, expect, it } from 'vitest';
import { startApprover } from '../../emulator/speculos/approver.js';
import { waitHome } from '../../emulator/speculos/flows.js';
import { ScreenEventClock } from '../../emulator/speculos/screen-events.js';
import { deviceForSuite } from './fixture.js';

/**
 * The review timings a benchmark subtracts as the user's time (emulator/speculos/approver.ts):
 * with Speculos's event stream, a review counts from when its title was drawn to just before the
 * confirming release, and the device's reply comes after that release.
 */
describe('review timings from the Speculos event stream', () => {
  const dev = deviceForSuite();

  it('times a review from its first drawn page to the confirming release, inside the request', async () => {
    await waitHome(dev.screen);
    const clock = await ScreenEventClock.open(dev.speculos.baseUrl);
    const approver = startApprover(dev.screen, ['Verify key'], { clock });
    try {
      const sent = performance.now();
      const key = await dev.app.getPublicKey({ kind: 'identity', account: 0 }, { display: true });
      const replied = performance.now();
      expect(key).toHaveLength(33);
      // the approver records the review once its walk returned, which may be after the reply
      for (let i = 0; i < 50 && approver.timings.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(approver.timings).toHaveLength(1);
      const [timing] = approver.timings;
      expect(timing?.title).toBe('Verify key');
      // drawn after the request left, confirmed before the reply came back
      expect(timing!.shownAt).toBeGreaterThan(sent);
      expect(timing!.confirmedAt).toBeGreaterThan(timing!.shownAt);
      expect(timing!.confirmedAt).toBeLessThan(replied);
      // the stream saw the title: the start is the drawing, not the approver's later poll
      expect(clock.firstShown('Verify key', sent)).toBe(timing!.shownAt);
      expect(approver.reviews[0]?.at(-1)).toContain('Approve');
    } finally {
      await approver.stop();
      await clock.close();
    }
  });
});
