/**
 * The keys of a WAI-ARIA tab strip (shared/Tabs.tsx): Left/Right move to the previous/next tab,
 * wrapping at the ends; Home/End go to the first/last.
 *
 * Example: `nextTabIndex('ArrowLeft', 0, 4)` → 3; `nextTabIndex('Enter', 1, 4)` → null.
 */
export function nextTabIndex(key: string, index: number, count: number): number | null {
  if (count === 0) return null;
  switch (key) {
    case 'ArrowRight':
      return (index + 1) % count;
    case 'ArrowLeft':
      return (index - 1 + count) % count;
    case 'Home':
      return 0;
    case 'End':
      return count - 1;
    default:
      return null;
  }
}
