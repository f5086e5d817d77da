import { build } from 'esbuild';

/**
 * `entry` bundled for a page as a browser would get it (esbuild, platform browser, so packages'
 * browser builds): one script that publishes the entry's exports as `globalName`.
 */
export async function bundleForPage(entry: string, globalName: string, define: Record<string, string> = {}): Promise<string> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'iife',
    globalName,
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    define,
  });
  const text = out.outputFiles[0]?.text;
  if (text === undefined) throw new Error(`esbuild produced no bundle for ${entry}`);
  return text;
}
