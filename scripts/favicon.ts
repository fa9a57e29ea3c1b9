/**
 * Writes public/favicon.ico from the same drawing as public/favicon.svg (a yellow star on the portal's red), for
 * browsers and tools that ask for /favicon.ico whatever the page links. Run: npx tsx scripts/favicon.ts
 */
import fs from "node:fs";
import { deflateSync } from "node:zlib";

const STAR = [16, 5, 19, 13, 28, 13, 21, 18, 24, 27, 16, 21, 8, 27, 11, 18, 4, 13, 13, 13];
const RED = [0xa5, 0x0e, 0x22];
const YELLOW = [0xff, 0xdd, 0x00];

function inStar(x: number, y: number): boolean {
  let inside = false;
  for (let i = 0, j = STAR.length / 2 - 1; i < STAR.length / 2; j = i++) {
    const [xi, yi, xj, yj] = [STAR[2 * i]!, STAR[2 * i + 1]!, STAR[2 * j]!, STAR[2 * j + 1]!];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

function crc32(bytes: Buffer): number {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1));
  }
  return ~c >>> 0;
}

function chunk(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length, 0);
  head.write(type, 4, "latin1");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), body])), 0);
  return Buffer.concat([head, body, crc]);
}

function png(size: number): Buffer {
  const samples = 4;
  const rows: Buffer[] = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      let hits = 0;
      for (let sy = 0; sy < samples; sy++)
        for (let sx = 0; sx < samples; sx++) if (inStar(((x + (sx + 0.5) / samples) * 32) / size, ((y + (sy + 0.5) / samples) * 32) / size)) hits++;
      const a = hits / samples ** 2;
      for (let ch = 0; ch < 3; ch++) row[1 + x * 3 + ch] = Math.round(RED[ch]! * (1 - a) + YELLOW[ch]! * a);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk("IHDR", header), chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
}

const images = [16, 32, 48].map((size) => ({ size, data: png(size) }));
const dir = Buffer.alloc(6 + 16 * images.length);
dir.writeUInt16LE(0, 0);
dir.writeUInt16LE(1, 2); // icon
dir.writeUInt16LE(images.length, 4);
let offset = dir.length;
images.forEach(({ size, data }, i) => {
  const at = 6 + 16 * i;
  dir.writeUInt8(size, at);
  dir.writeUInt8(size, at + 1);
  dir.writeUInt16LE(1, at + 4); // colour planes
  dir.writeUInt16LE(24, at + 6); // bits per pixel
  dir.writeUInt32LE(data.length, at + 8);
  dir.writeUInt32LE(offset, at + 12);
  offset += data.length;
});
fs.writeFileSync("public/favicon.ico", Buffer.concat([dir, ...images.map((i) => i.data)]));
console.log(`public/favicon.ico: ${offset} bytes`);
