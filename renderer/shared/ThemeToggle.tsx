/** The theme choice in the top bar: System (follows the OS), Light or Dark; remembered. */
import { THEME_PREFS, useTheme, type ThemePref } from './theme';

const LABEL: Record<ThemePref, string> = { system: 'System', light: 'Light', dark: 'Dark' };

export function ThemeToggle() {
  const { pref, theme, setPref } = useTheme();
  return (
    <label className="theme-toggle" title={`Colour theme: ${LABEL[pref]} (showing ${theme})`}>
      <span className="sr-only">Colour theme</span>
      <select
        data-testid="theme-toggle"
        data-theme={theme}
        value={pref}
        onChange={(e) => setPref(e.target.value as ThemePref)}
      >
        {THEME_PREFS.map((p) => (
          <option key={p} value={p}>
            {p === 'system' ? `${LABEL[p]} (${theme})` : LABEL[p]}
          </option>
        ))}
      </select>
    </label>
  );
}
