/**
 * The one tab strip of the renderer, following the WAI-ARIA tabs pattern
 * (https://www.w3.org/WAI/ARIA/apg/patterns/tabs/): a `tablist` of `tab` buttons and one
 * `tabpanel` for the selected tab.
 *
 * Keyboard: Tab enters the strip on the selected tab only (roving tabindex); Left/Right move to the
 * previous/next tab (wrapping), Home/End to the first/last, and the tab reached is activated at
 * once ("automatic activation": every panel here is already computed, so showing it is cheap).
 */
import { useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { nextTabIndex } from './tabKeys';

export interface TabItem {
  id: string;
  /** What the tab shows (text, optionally with a count badge). */
  label: ReactNode;
  /** Default `tab-<id>`: the e2e suites find tabs by it. */
  testId?: string;
  /** Extra class on the tab button (e.g. "tab-extra"). */
  className?: string;
}

export function Tabs({
  tabs,
  active,
  onChange,
  label,
  className = 'tabs',
  panelClassName = 'tab-body',
  panelTestId,
  children,
}: {
  tabs: TabItem[];
  /** The selected tab's id (must be one of `tabs`). */
  active: string;
  onChange: (id: string) => void;
  /** Accessible name of the strip, e.g. "Result views". */
  label: string;
  className?: string;
  panelClassName?: string;
  panelTestId?: string;
  /** The selected tab's content. */
  children: ReactNode;
}) {
  const base = useId();
  const buttons = useRef(new Map<string, HTMLButtonElement>());
  const tabId = (id: string) => `${base}-tab-${id}`;
  const panelId = `${base}-panel`;

  const onKeyDown = (e: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const next = nextTabIndex(e.key, index, tabs.length);
    if (next === null) return;
    e.preventDefault();
    const t = tabs[next];
    if (!t) return;
    onChange(t.id);
    // Focus follows the selection; the button exists already (every tab is always rendered).
    buttons.current.get(t.id)?.focus();
  };

  return (
    <>
      <div className={className} role="tablist" aria-label={label}>
        {tabs.map((t, i) => {
          const on = t.id === active;
          return (
            <button
              key={t.id}
              ref={(el) => {
                if (el) buttons.current.set(t.id, el);
                else buttons.current.delete(t.id);
              }}
              type="button"
              role="tab"
              id={tabId(t.id)}
              aria-selected={on}
              aria-controls={panelId}
              tabIndex={on ? 0 : -1}
              className={`tab ${t.className ?? ''} ${on ? 'active' : ''}`}
              data-testid={t.testId ?? `tab-${t.id}`}
              onClick={() => onChange(t.id)}
              onKeyDown={(e) => onKeyDown(e, i)}
            >
              {t.label}
            </button>
          );
        })}
      </div>
      <div
        className={panelClassName}
        role="tabpanel"
        id={panelId}
        aria-labelledby={tabId(active)}
        data-testid={panelTestId}
        // The panel itself is focusable so keyboard users reach its content right after the strip
        // even when it holds no focusable element (APG recommendation).
        tabIndex={0}
      >
        {children}
      </div>
    </>
  );
}
