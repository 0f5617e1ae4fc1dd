/**
 * Light and dark themes. The user's choice ("system", "light" or "dark") is remembered in
 * localStorage; "system" follows the operating system's `prefers-color-scheme`.
 *
 * The RESOLVED theme is always written to `<html data-theme="light|dark">` (styles.css swaps its
 * colour variables on it; the charts observe the attribute to recolour) and to the root's
 * `color-scheme` (native controls, scrollbars and form widgets follow).
 */
import { useCallback, useEffect, useState } from 'react';

export type ThemePref = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_PREFS: readonly ThemePref[] = ['system', 'light', 'dark'];
const KEY = 'spr.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';

function isPref(x: unknown): x is ThemePref {
  return x === 'system' || x === 'light' || x === 'dark';
}

/** The remembered choice; "system" when none is stored (or storage is disabled). */
export function readThemePref(): ThemePref {
  try {
    const v = localStorage.getItem(KEY);
    return isPref(v) ? v : 'system';
  } catch {
    return 'system';
  }
}

function saveThemePref(p: ThemePref): void {
  try {
    if (p === 'system') localStorage.removeItem(KEY);
    else localStorage.setItem(KEY, p);
  } catch {
    // Storage disabled: the choice lasts for this page only.
  }
}

/** Whether the operating system asks for dark (false where matchMedia is unavailable). */
export function systemPrefersDark(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function'
    ? window.matchMedia(DARK_QUERY).matches
    : false;
}

/** The theme a choice means: "system" → the OS preference. Example: `resolveTheme('system', true)` → 'dark'. */
export function resolveTheme(pref: ThemePref, systemDark: boolean): Theme {
  return pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;
}

/** Writes the resolved theme on <html> (data-theme and color-scheme). */
export function applyTheme(theme: Theme): void {
  const root = document.documentElement;
  root.dataset.theme = theme;
  root.style.colorScheme = theme;
}

/** Applies the remembered choice before the first render, so the page does not flash light. */
export function initTheme(): void {
  applyTheme(resolveTheme(readThemePref(), systemPrefersDark()));
}

/**
 * The theme choice as React state: applies the resolved theme on every change, and follows the
 * operating system live while the choice is "system".
 */
export function useTheme(): { pref: ThemePref; theme: Theme; setPref: (p: ThemePref) => void } {
  const [pref, setPrefState] = useState<ThemePref>(readThemePref);
  const [systemDark, setSystemDark] = useState(systemPrefersDark);

  useEffect(() => {
    if (typeof window.matchMedia !== 'function') return;
    const mq = window.matchMedia(DARK_QUERY);
    const onChange = () => setSystemDark(mq.matches);
    onChange();
    mq.addEventListener('change', onChange);
    return () => mq.removeEventListener('change', onChange);
  }, []);

  const theme = resolveTheme(pref, systemDark);
  useEffect(() => applyTheme(theme), [theme]);

  const setPref = useCallback((p: ThemePref) => {
    saveThemePref(p);
    setPrefState(p);
  }, []);
  return { pref, theme, setPref };
}
