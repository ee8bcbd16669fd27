// Draws Outbox's icons from the SVG below and writes them to resources/ (run: node scripts/icons.mjs).
// The outputs are committed; test/main/shell/icons.test.ts checks they exist and are well-formed.
//
// The glyph is an outbox tray with what leaves it: an arrow (idle), a double chevron
// (publishing), pause bars (paused) or an exclamation mark (problem). The states differ in
// shape, not only colour, so the macOS template images (black + alpha, tinted by the menu bar)
// tell them apart too.
//   resources/icon.svg, icon.png (1024), icon.ico (16-256), icon.icns (16-1024)  the app icon
//   resources/tray/tray-<state>-light.png  dark glyph for light panels   (+ @2x)
//   resources/tray/tray-<state>-dark.png   light glyph for dark panels   (+ @2x)
//   resources/tray/tray-<state>Template.png  macOS menu bar template     (+ @2x)
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import sharp from 'sharp';

const root = resolve(dirname(new URL(import.meta.url).pathname), '..');
const out = join(root, 'resources');
const STATES = ['idle', 'publishing', 'paused', 'problem'];

// The tray, on a 16×16 grid: an open box whose front edge dips in the middle.
const TRAY = 'M2 8.5v4.75c0 .69.56 1.25 1.25 1.25h9.5c.69 0 1.25-.56 1.25-1.25V8.5M2 8.5h3.25l1 1.75h3.5l1-1.75H14';

/** What leaves the tray in each state: [stroked paths, filled shapes]. */
function mark(state) {
  switch (state) {
    case 'idle':
      return { stroke: ['M8 1.5v6', 'M5.25 4.25 8 1.5l2.75 2.75'], fill: '' };
    case 'publishing':
      return { stroke: ['M5.25 3.5 8 .75l2.75 2.75', 'M5.25 6.75 8 4l2.75 2.75'], fill: '' };
    case 'paused':
      return { stroke: [], fill: '<rect x="5.1" y="1.25" width="2.1" height="5.75" rx=".6"/><rect x="8.8" y="1.25" width="2.1" height="5.75" rx=".6"/>' };
    case 'problem':
      return { stroke: [], fill: '<rect x="6.95" y="0.75" width="2.1" height="4.9" rx="1.05"/><circle cx="8" cy="7" r="1.1"/>' };
    default:
      throw new Error(state);
  }
}

/** The tray glyph as SVG, `color` for the tray and `accent` for the mark. */
function glyph(state, color, accent = color) {
  const m = mark(state);
  const strokes = m.stroke.map((d) => `<path d="${d}"/>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16" width="16" height="16">
  <g fill="none" stroke="${color}" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round"><path d="${TRAY}"/></g>
  <g fill="none" stroke="${accent}" stroke-width="1.5" stroke-linecap="round" stroke-linejoin="round">${strokes}</g>
  <g fill="${accent}">${m.fill}</g>
</svg>`;
}

// The app icon: the idle glyph in white on an indigo-to-sky tile.
const APP_ICON = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1024 1024" width="1024" height="1024">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="#4338ca"/>
      <stop offset="1" stop-color="#0284c7"/>
    </linearGradient>
  </defs>
  <rect x="64" y="64" width="896" height="896" rx="200" fill="url(#tile)"/>
  <g transform="translate(192 176) scale(40)" fill="none" stroke="#ffffff" stroke-width="1.25" stroke-linecap="round" stroke-linejoin="round">
    <path d="${TRAY}"/>
    <path d="M8 1.5v6"/>
    <path d="M5.25 4.25 8 1.5l2.75 2.75"/>
  </g>
</svg>`;

/** Renders an SVG drawn at `drawnAt` px to a `size` px PNG (the density keeps it sharp). */
const png = (svg, size, drawnAt = 16) =>
  sharp(Buffer.from(svg), { density: Math.max(1, (72 * size) / drawnAt) }).resize(size, size).png({ compressionLevel: 9 }).toBuffer();

/** A Windows .ico holding PNG images (Vista and later read PNG entries). */
function ico(images) {
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach(({ size, data }, i) => {
    const at = 6 + 16 * i;
    header.writeUInt8(size >= 256 ? 0 : size, at);
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(data.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += data.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.data)]);
}

/** A macOS .icns holding PNG images, by OSType. */
function icns(chunks) {
  const parts = chunks.map(({ type, data }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([head, data]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4);
  return Buffer.concat([head, ...parts]);
}

async function main() {
  mkdirSync(join(out, 'tray'), { recursive: true });
  writeFileSync(join(out, 'icon.svg'), APP_ICON);
  const appPng = {};
  for (const size of [16, 32, 48, 64, 128, 256, 512, 1024]) appPng[size] = await png(APP_ICON, size, 1024);
  writeFileSync(join(out, 'icon.png'), appPng[1024]);
  writeFileSync(join(out, 'icon.ico'), ico([16, 32, 48, 64, 128, 256].map((size) => ({ size, data: appPng[size] }))));
  writeFileSync(
    join(out, 'icon.icns'),
    icns([
      { type: 'icp4', data: appPng[16] },
      { type: 'icp5', data: appPng[32] },
      { type: 'ic11', data: appPng[32] },
      { type: 'icp6', data: appPng[64] },
      { type: 'ic12', data: appPng[64] },
      { type: 'ic07', data: appPng[128] },
      { type: 'ic08', data: appPng[256] },
      { type: 'ic13', data: appPng[256] },
      { type: 'ic09', data: appPng[512] },
      { type: 'ic14', data: appPng[512] },
      { type: 'ic10', data: appPng[1024] },
    ]),
  );

  // Accents: problem in red, publishing in blue; paused and idle in the glyph colour.
  const variants = {
    light: { color: '#1f2937', accent: { problem: '#dc2626', publishing: '#2563eb' } },
    dark: { color: '#f3f4f6', accent: { problem: '#f87171', publishing: '#60a5fa' } },
  };
  for (const state of STATES) {
    for (const [name, v] of Object.entries(variants)) {
      const svg = glyph(state, v.color, v.accent[state] ?? v.color);
      writeFileSync(join(out, 'tray', `tray-${state}-${name}.png`), await png(svg, 16));
      writeFileSync(join(out, 'tray', `tray-${state}-${name}@2x.png`), await png(svg, 32));
    }
    const template = glyph(state, '#000000');
    writeFileSync(join(out, 'tray', `tray-${state}Template.png`), await png(template, 16));
    writeFileSync(join(out, 'tray', `tray-${state}Template@2x.png`), await png(template, 32));
    writeFileSync(join(out, 'tray', `tray-${state}.svg`), glyph(state, '#1f2937', variants.light.accent[state] ?? '#1f2937'));
  }
  console.log(`Icons written to ${out}`);
}

await main();
