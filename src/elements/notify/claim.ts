/**
 * Whether this tab is the one of the site's tabs to announce `key` (a message): the first to ask
 * takes a Web Lock named after it and keeps it a while, so the other tabs asking for the same
 * message find it taken. Without Web Locks every tab announces (the notification `tag` still
 * folds them into one).
 */
export function claim(key: string, holdMs = 30_000): Promise<boolean> {
  const locks = (navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return Promise.resolve(true);
  return new Promise((resolve) => {
    void locks.request(`natter:announce:${key}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? new Promise<void>((r) => setTimeout(r, holdMs)) : undefined;
    }).catch(() => resolve(true));
  });
}

/** A short, quiet chime (Web Audio, no file to fetch); silent where audio is not allowed yet. */
export function chime(): void {
  try {
    const ctx = new AudioContext();
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.06, ctx.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.0001, ctx.currentTime + 0.25);
    osc.connect(gain).connect(ctx.destination);
    osc.onended = () => void ctx.close();
    osc.start();
    osc.stop(ctx.currentTime + 0.25);
  } catch {
    // No audio (blocked before a gesture, or none at all): the notification still shows.
  }
}
