/**
 * Chart colours come from the CSS variables at the top of renderer/styles.css, never from
 * literals, so a chart follows the light and the dark theme like the rest of the page. The
 * shell switches themes by setting `data-theme` on <html>; `useChartTheme` watches that
 * attribute (and the system preference) and hands out a fresh palette when it changes.
 */
import { useEffect, useState } from 'react';

/** The palette one chart is drawn with: resolved CSS colours plus the font of the page. */
export interface ChartTheme {
  /** Text (legend, axis titles). */
  ink: string;
  ink2: string;
  /** Tick labels and secondary marks. */
  muted: string;
  /** Grid lines. */
  line: string;
  line2: string;
  /** Panel background (label halos, tooltip text on dark fills). */
  panel: string;
  accent: string;
  accent2: string;
  pos: string;
  neg: string;
  warn: string;
  /** Font family of the page (`--sans`). */
  font: string;
}

const VARS: Record<keyof ChartTheme, string> = {
  ink: '--ink',
  ink2: '--ink-2',
  muted: '--muted',
  line: '--line',
  line2: '--line-2',
  panel: '--panel',
  accent: '--accent',
  accent2: '--accent-2',
  pos: '--pos',
  neg: '--neg',
  warn: '--warn',
  font: '--sans',
};

/** Reads the palette from the document's computed CSS variables (the theme in force now). */
export function readChartTheme(): ChartTheme {
  const style = getComputedStyle(document.documentElement);
  const out = {} as ChartTheme;
  for (const k of Object.keys(VARS) as (keyof ChartTheme)[]) {
    out[k] = style.getPropertyValue(VARS[k]).trim();
  }
  return out;
}

let probe: CanvasRenderingContext2D | null = null;

/**
 * A CSS colour with an alpha channel, for fills under a line or a band: the canvas parses the
 * colour (hex, rgb(), hsl(), named…) and gives it back as `#rrggbb` or `rgba(…)`, which is
 * rewritten with the new alpha. Example: withAlpha('#1d4ed8', 0.25) → 'rgba(29, 78, 216, 0.25)'.
 * A colour the canvas cannot read is returned unchanged.
 */
export function withAlpha(color: string, alpha: number): string {
  probe ??= document.createElement('canvas').getContext('2d');
  if (!probe || !color) return color;
  // A sentinel first: an invalid colour leaves fillStyle unchanged rather than throwing.
  probe.fillStyle = '#000001';
  probe.fillStyle = color;
  const c = String(probe.fillStyle);
  if (c === '#000001' && color.toLowerCase() !== '#000001') return color;
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(c);
  if (hex) {
    const [r, g, b] = [hex[1], hex[2], hex[3]].map((h) => parseInt(h ?? '0', 16));
    return `rgba(${r}, ${g}, ${b}, ${alpha})`;
  }
  const rgba = /^rgba?\(([^,]+),([^,]+),([^,)]+)/.exec(c);
  if (rgba) return `rgba(${rgba[1]?.trim()}, ${rgba[2]?.trim()}, ${rgba[3]?.trim()}, ${alpha})`;
  return color;
}

/**
 * The palette in force, re-read when `<html data-theme>` (or its class/style) changes or the
 * system switches between light and dark; charts rebuild from it.
 */
export function useChartTheme(): ChartTheme {
  const [theme, setTheme] = useState<ChartTheme>(readChartTheme);
  useEffect(() => {
    const update = () =>
      setTheme((prev) => {
        const next = readChartTheme();
        const same = (Object.keys(next) as (keyof ChartTheme)[]).every((k) => next[k] === prev[k]);
        return same ? prev : next;
      });
    const observer = new MutationObserver(update);
    observer.observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme', 'class', 'style'],
    });
    // "Follows the system": the variables may switch through a media query with no attribute.
    const media = window.matchMedia?.('(prefers-color-scheme: dark)');
    media?.addEventListener('change', update);
    // The stylesheet may have arrived after the first read.
    update();
    return () => {
      observer.disconnect();
      media?.removeEventListener('change', update);
    };
  }, []);
  return theme;
}
