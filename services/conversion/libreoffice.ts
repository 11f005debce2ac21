/**
 * One presentation → PDF conversion with LibreOffice headless (Debian `libreoffice-impress`;
 * docs/media.md "Presentation conversion"). Each run gets a private profile directory
 * (`-env:UserInstallation`), so runs never share LibreOffice's lock or settings, and a timeout
 * that kills the whole process group of a hung converter.
 */
import { run } from '../media/process.ts';

export type ConvertResult = { ok: true; pdf: string } | { ok: false; reason: string };

/** What the queue calls: `input` has its real extension, the PDF goes to `workDir`. */
export type Converter = (input: string, workDir: string, timeoutMs: number) => Promise<ConvertResult>;

export interface LibreOfficeOptions {
  soffice: string; // SOFFICE_PATH
  listDir: (dir: string) => Promise<string[]>;
}

export function libreOffice(o: LibreOfficeOptions): Converter {
  return async (input, workDir, timeoutMs) => {
    const out = `${workDir}/out`;
    const args = [
      `-env:UserInstallation=file://${workDir}/profile`,
      '--headless', '--invisible', '--nologo', '--nodefault', '--norestore', '--nolockcheck',
      '--convert-to', 'pdf', '--outdir', out, input,
    ];
    const r = await run(o.soffice, args, { timeoutMs, env: { HOME: workDir } });
    if (r.missing) return { ok: false, reason: `${o.soffice} is not installed (Debian package libreoffice-impress)` };
    if (r.timedOut) return { ok: false, reason: `the converter did not finish within ${Math.round(timeoutMs / 1000)} s and was killed` };
    const pdf = (await o.listDir(out)).find((f) => f.toLowerCase().endsWith('.pdf'));
    if (r.code === 0 && pdf) return { ok: true, pdf: `${out}/${pdf}` };
    // LibreOffice exits 0 without output for files it cannot load (corrupt, password-protected).
    const said = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter((l) => l && !/^convert /i.test(l) && !/javaldx/i.test(l));
    return { ok: false, reason: (said.join(' ') || `LibreOffice produced no PDF (exit code ${r.code})`).slice(0, 1000) };
  };
}
