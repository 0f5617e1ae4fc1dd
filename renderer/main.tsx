import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { captureToken } from './shared/api';
import { initTheme } from './shared/theme';
import { App } from './App';
import './styles.css';

// First thing: take the API token out of the address bar (see api.ts).
captureToken();
// Then the theme, before the first paint, so a dark-theme user never sees a light flash.
initTheme();

// The CSP forbids eval: keep zod (used by the contract schemas) off its `new Function` fast path.
z.config({ jitless: true });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
