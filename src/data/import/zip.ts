/**
 * How much an XLSX workbook (a ZIP archive) expands to, measured before exceljs loads it.
 *
 * exceljs inflates every part of a workbook into memory and builds a cell object per cell: about
 * 15 bytes of heap per byte of sheet XML (a 5 MB workbook of numbers holds 63 MB of XML and
 * needs ~1 GB). Numbers compress well, so the file's size says little — and a crafted archive
 * ("zip bomb") can expand a few kilobytes into gigabytes while declaring small sizes. So the
 * parts are inflated here, streaming, counting the bytes produced and stopping as soon as the
 * budget is passed: the declared sizes are not trusted, and memory stays one chunk per part.
 * Runs in Node and Chromium (DecompressionStream 'deflate-raw', a web standard).
 */

/** One member of the archive: where its data starts, how it is stored, how much it claims. */
interface Entry {
  method: number;
  dataStart: number;
  compressedSize: number;
  declaredSize: number;
}

const u16 = (b: Uint8Array, i: number) => (b[i] as number) | ((b[i + 1] as number) << 8);
const u32 = (b: Uint8Array, i: number) => (u16(b, i) + u16(b, i + 2) * 0x10000) >>> 0;
// 2^53 bounds every real offset; a larger one is simply out of range below.
const u64 = (b: Uint8Array, i: number) => u32(b, i) + u32(b, i + 4) * 0x1_0000_0000;

/** Reads the central directory; null when the bytes are not a well-formed ZIP archive. */
function entries(b: Uint8Array): Entry[] | null {
  // End of central directory: the last 22+ bytes, after a comment of up to 65,535 bytes.
  let eocd = -1;
  for (let i = b.length - 22; i >= 0 && i >= b.length - 22 - 0xffff; i--)
    if (u32(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) return null;
  let count = u16(b, eocd + 10);
  let at = u32(b, eocd + 16);
  if ((count === 0xffff || at === 0xffffffff) && eocd >= 20 && u32(b, eocd - 20) === 0x07064b50) {
    const z = u64(b, eocd - 12); // ZIP64 end-of-central-directory record
    if (z + 56 > b.length || u32(b, z) !== 0x06064b50) return null;
    count = u64(b, z + 32);
    at = u64(b, z + 48);
  }
  const out: Entry[] = [];
  for (let k = 0; k < count; k++) {
    if (at + 46 > b.length || u32(b, at) !== 0x02014b50) return null;
    const method = u16(b, at + 10);
    let compressedSize = u32(b, at + 20);
    let declaredSize = u32(b, at + 24);
    const nameLen = u16(b, at + 28);
    const extraLen = u16(b, at + 30);
    const commentLen = u16(b, at + 32);
    let local = u32(b, at + 42);
    // ZIP64 extra field: the 64-bit values of the fields set to 0xFFFFFFFF, in this order.
    for (let e = at + 46 + nameLen; e + 4 <= at + 46 + nameLen + extraLen;) {
      const tag = u16(b, e);
      const len = u16(b, e + 2);
      if (tag === 0x0001) {
        let p = e + 4;
        if (declaredSize === 0xffffffff) {
          declaredSize = u64(b, p);
          p += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(b, p);
          p += 8;
        }
        if (local === 0xffffffff) local = u64(b, p);
      }
      e += 4 + len;
    }
    if (local + 30 > b.length || u32(b, local) !== 0x04034b50) return null;
    const dataStart = local + 30 + u16(b, local + 26) + u16(b, local + 28);
    if (dataStart + compressedSize > b.length) return null;
    out.push({ method, dataStart, compressedSize, declaredSize });
    at += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

interface ChunkReader {
  read(): Promise<{ done: boolean; value?: Uint8Array }>;
  cancel(): Promise<void>;
}
interface DecompressionStreamLike {
  writable: { getWriter(): { write(c: Uint8Array): Promise<void>; close(): Promise<void> } };
  readable: { getReader(): ChunkReader };
}
type DecompressionStreamCtor = new (format: string) => DecompressionStreamLike;
// A web standard in Node ≥ 18 and every browser, but not in the ES library typings.
const DS = (globalThis as unknown as { DecompressionStream?: DecompressionStreamCtor })
  .DecompressionStream;

/** Bytes a raw-deflate stream inflates to, stopping once past `budget`; null if corrupt. */
async function inflatedSize(data: Uint8Array, budget: number, Ctor: DecompressionStreamCtor) {
  const ds = new Ctor('deflate-raw');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  // Errors surface on the reading side; the writing side's promise is only kept from going unhandled.
  const writing = writer
    .write(data)
    .then(() => writer.close())
    .catch(() => undefined);
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      n += value?.byteLength ?? 0;
      if (n > budget) {
        await reader.cancel();
        break;
      }
    }
  } catch {
    return null;
  }
  await writing;
  return n;
}

/** What expandedSize found. */
export type Expansion =
  | { ok: true; bytes: number }
  | { ok: false; over: true; bytes: number }
  | { ok: false; over: false };

/**
 * Total size of the archive's members once inflated, up to `budget`: `over` when it is larger
 * (bytes = what was counted before stopping, > budget). `{ok: false, over: false}` when the ZIP
 * structure cannot be read or this runtime has no DecompressionStream: the caller lets its ZIP
 * reader decide. Members are counted by inflating them, not by what they declare.
 * Example: an archive whose one member is 1 GB of zeros, budget 64 MiB → {ok: false, over: true}.
 */
export async function expandedSize(bytes: Uint8Array, budget: number): Promise<Expansion> {
  const list = entries(bytes);
  if (list === null || !DS) return { ok: false, over: false };
  let total = 0;
  for (const e of list) {
    // Declared sizes cannot prove a member small, but an honest large one is refused at once.
    if (total + e.declaredSize > budget)
      return { ok: false, over: true, bytes: total + e.declaredSize };
    const data = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
    let n: number | null;
    if (e.method === 0) n = data.byteLength;
    else if (e.method === 8) n = await inflatedSize(data, budget - total, DS);
    else return { ok: false, over: false };
    if (n === null) return { ok: false, over: false };
    total += n;
    if (total > budget) return { ok: false, over: true, bytes: total };
  }
  return { ok: true, bytes: total };
}
