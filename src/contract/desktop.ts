/**
 * What crosses between the desktop shell (electron/) and the renderer besides engine operations:
 * the File menu's commands, the save request and its answer, and the menu's enabled state. Both
 * sides validate with these schemas — the main process everything the page sends (the page is
 * not trusted to be well-formed), the page every menu command before acting on it.
 */
import { z } from 'zod';
import { IMPORT_FORMATS } from './importFiles';

/** The longest export the shell writes, in characters (a 2,000-asset run's JSON is ~40 MB). */
export const MAX_SAVE_CHARS = 128 * 1024 * 1024;

/** Windows reserves these names with any extension (CON.csv is the console, not a file). */
const RESERVED = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i;

/**
 * A suggested file name: one name, no folder. Characters Windows refuses in a name and control
 * characters are refused (the user picks the folder in the save dialog, never the page).
 */
export const SaveFileName = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[^\\/:*?"<>|\p{Cc}]+$/u,
    'a file name only: no folder and none of \\ / : * ? " < > | or control characters',
  )
  .regex(/^[^.\s]/, 'must not start with a dot or a space')
  .regex(/\.(csv|json)$/i, 'must end in .csv or .json (the shell saves run and order exports only)')
  .refine((n) => !RESERVED.test(n), 'a name Windows reserves (CON, PRN, AUX, NUL, COM1, LPT1…)');

export const SaveRequest = z
  .object({
    name: SaveFileName,
    content: z.string().max(MAX_SAVE_CHARS, `at most ${MAX_SAVE_CHARS} characters`),
  })
  .strict();
export type SaveRequest = z.infer<typeof SaveRequest>;

/** The save dialog's outcome: cancelled, or the file written (the path the user chose). */
export const SaveOutcome = z.discriminatedUnion('saved', [
  z.object({ saved: z.literal(false) }),
  z.object({ saved: z.literal(true), path: z.string(), name: z.string() }),
]);
export type SaveOutcome = z.infer<typeof SaveOutcome>;

export const ShowInFolderRequest = z.object({ path: z.string().min(1).max(4096) }).strict();

/** Which File ▸ Export items apply to what the page shows now. */
export const MenuState = z.object({ exportRun: z.boolean(), exportOrders: z.boolean() }).strict();
export type MenuState = z.infer<typeof MenuState>;

const ImportKindSchema = z.enum(Object.keys(IMPORT_FORMATS) as ['portfolio', 'prices']);

/** A File menu command sent to the page. */
export const MenuCommand = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('import'),
    kind: ImportKindSchema,
    name: z.string().min(1).max(1024),
    bytes: z.instanceof(Uint8Array),
  }),
  z.object({ type: z.literal('export'), what: z.enum(['run', 'orders']) }),
]);
export type MenuCommand = z.infer<typeof MenuCommand>;
