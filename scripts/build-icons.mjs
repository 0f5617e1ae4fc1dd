// @ts-check
/**
 * Draws the app icon (a rising three-bar chart on a rounded teal square, the workstation's
 * accent) and writes it in the formats electron-builder takes: resources/icons/icon.png
 * (512×512, Linux), icon.ico (Windows; PNG entries 16–256) and icon.icns (macOS; PNG entries).
 * Deterministic and dependency-free (zlib for PNG): `node scripts/build-icons.mjs`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const OUT = fileURLToPath(new URL('../resources/icons/', import.meta.url));

const CRC = new Uint32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(td));
  return Buffer.concat([len, td, crc]);
}

/** RGBA pixel of the icon at (x, y) in a size×size image (4× supersampled edges). */
function pixel(x, y, size) {
  const s = size;
  let r = 0,
    g = 0,
    b = 0,
    a = 0;
  for (let sy = 0; sy < 4; sy++)
    for (let sx = 0; sx < 4; sx++) {
      const u = (x + (sx + 0.5) / 4) / s;
      const v = (y + (sy + 0.5) / 4) / s;
      const rad = 0.18;
      const dx = Math.max(rad - u, 0, u - (1 - rad));
      const dy = Math.max(rad - v, 0, v - (1 - rad));
      if (dx * dx + dy * dy > rad * rad) continue;
      let c = [13, 148, 136]; // teal square
      const bars = [
        [0.2, 0.36, 0.58],
        [0.42, 0.58, 0.42],
        [0.64, 0.8, 0.24],
      ];
      for (const [x0, x1, top] of bars)
        if (u >= x0 && u <= x1 && v >= top && v <= 0.8) c = [255, 255, 255];
      r += c[0];
      g += c[1];
      b += c[2];
      a += 255;
    }
  return [r / 16, g / 16, b / 16, a / 16].map((t) => Math.round(t));
}

function png(size) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const p = pixel(x, y, size);
      for (let k = 0; k < 4; k++) raw[y * (size * 4 + 1) + 1 + x * 4 + k] = p[k];
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr.set([8, 6, 0, 0, 0], 8);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function ico(sizes) {
  const imgs = sizes.map(png);
  const head = Buffer.alloc(6 + 16 * sizes.length);
  head.writeUInt16LE(0, 0);
  head.writeUInt16LE(1, 2);
  head.writeUInt16LE(sizes.length, 4);
  let offset = head.length;
  sizes.forEach((s, i) => {
    const e = 6 + 16 * i;
    head[e] = s >= 256 ? 0 : s;
    head[e + 1] = s >= 256 ? 0 : s;
    head.writeUInt16LE(1, e + 4);
    head.writeUInt16LE(32, e + 6);
    head.writeUInt32LE(imgs[i].length, e + 8);
    head.writeUInt32LE(offset, e + 12);
    offset += imgs[i].length;
  });
  return Buffer.concat([head, ...imgs]);
}

function icns(entries) {
  const parts = entries.map(([type, size]) => {
    const data = png(size);
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

mkdirSync(OUT, { recursive: true });
writeFileSync(join(OUT, 'icon.png'), png(512));
writeFileSync(join(OUT, 'icon.ico'), ico([16, 32, 48, 64, 128, 256]));
writeFileSync(
  join(OUT, 'icon.icns'),
  icns([
    ['icp4', 16],
    ['icp5', 32],
    ['icp6', 64],
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
  ]),
);
console.log(`icons written to ${OUT}`);
