#!/usr/bin/env node
// Draws the marketplace icon, media/icon.png (128x128 RGBA), with no image library: shapes are
// sampled 4x4 per pixel for smooth edges, and the PNG is written by hand (signature, IHDR, one
// zlib-deflated IDAT, IEND). Run it again after changing a colour or a shape; the output is
// deterministic, so an unchanged drawing gives a byte-identical file.
//
//   node scripts/make-icon.mjs [--out FILE]
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;

const { values: options } = parseArgs({
  options: { out: { type: 'string', default: join(dirname(fileURLToPath(import.meta.url)), '..', 'media', 'icon.png') } },
});

/** Inside a rectangle with rounded corners (radius r), in pixel coordinates. */
function inRoundRect(x, y, left, top, right, bottom, r) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + r), right - r);
  const cy = Math.min(Math.max(y, top + r), bottom - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

/** Within `half` of the segment from (x1, y1) to (x2, y2): a stroke with round ends. */
function nearSegment(x, y, x1, y1, x2, y2, half) {
  const dx = x2 - x1;
  const dy = y2 - y1;
  const t = Math.max(0, Math.min(1, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)));
  return (x - (x1 + t * dx)) ** 2 + (y - (y1 + t * dy)) ** 2 <= half * half;
}

const BLUE = [15, 108, 189];
const DARK_BLUE = [10, 70, 130];
const WHITE = [255, 255, 255];
const GRID = [200, 220, 240];
const GREEN = [16, 124, 16];

/**
 * The colour at one sample point, or undefined outside the icon (transparent). Layers are tested
 * from the top down: the check mark, the calendar's rings, its header, its day grid, its page, and
 * the rounded blue tile behind it all.
 */
function colourAt(x, y) {
  if (nearSegment(x, y, 62, 88, 76, 102, 6) || nearSegment(x, y, 76, 102, 104, 70, 6)) return GREEN;
  for (const ringX of [46, 82]) if (inRoundRect(x, y, ringX - 4, 22, ringX + 4, 40, 4)) return DARK_BLUE;
  if (inRoundRect(x, y, 26, 30, 102, 50, 6)) return DARK_BLUE;
  if (inRoundRect(x, y, 26, 30, 102, 106, 8)) {
    for (let row = 0; row < 3; row += 1) {
      for (let col = 0; col < 4; col += 1) {
        const left = 34 + col * 16;
        const top = 58 + row * 14;
        if (x >= left && x <= left + 10 && y >= top && y <= top + 8) return GRID;
      }
    }
    return WHITE;
  }
  if (inRoundRect(x, y, 4, 4, 124, 124, 22)) return BLUE;
  return undefined;
}

/** Straight RGBA rows, each prefixed with filter type 0, as IDAT wants them before deflate. */
function rasterise() {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let py = 0; py < SIZE; py += 1) {
    const rowStart = py * (1 + SIZE * 4);
    rows[rowStart] = 0;
    for (let px = 0; px < SIZE; px += 1) {
      const sum = [0, 0, 0];
      let covered = 0;
      for (let sy = 0; sy < SAMPLES; sy += 1) {
        for (let sx = 0; sx < SAMPLES; sx += 1) {
          const colour = colourAt(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          if (!colour) continue;
          covered += 1;
          for (let c = 0; c < 3; c += 1) sum[c] += colour[c];
        }
      }
      const at = rowStart + 1 + px * 4;
      if (covered > 0) for (let c = 0; c < 3; c += 1) rows[at + c] = Math.round(sum[c] / covered);
      rows[at + 3] = Math.round((covered * 255) / (SAMPLES * SAMPLES));
    }
  }
  return rows;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, and the CRC of type and data. */
function chunk(type, data) {
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bits per channel
header[9] = 6; // colour type: RGBA
// Bytes 10-12 (compression, filter, interlace) stay 0: the only methods PNG defines, no interlace.

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rasterise(), { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);
writeFileSync(options.out, png);
console.log(`[icon] ${options.out}: ${SIZE}x${SIZE}, ${png.length} bytes`);
