import { operations, type OperationDef } from '../../contract/operations';
import { strictDecode } from './url';

/** One operation of the contract as an HTTP route. */
export interface Route {
  name: string;
  def: OperationDef;
  regex: RegExp;
  params: string[];
}

const ROUTES: Route[] = Object.entries(operations).map(([name, d]) => {
  const def = d as OperationDef;
  const params: string[] = [];
  const pattern = def.path
    .split(/(\{\w+\})/)
    .map((part) => {
      const m = /^\{(\w+)\}$/.exec(part);
      if (!m) return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      params.push(m[1] as string);
      return '([^/]+)';
    })
    .join('');
  return { name, def, regex: new RegExp(`^${pattern}$`), params };
});
// Literal segments must win over parameters (/api/runs/compare vs /api/runs/{run_id}).
ROUTES.sort((a, b) => a.params.length - b.params.length);

/** What a path and method resolve to. */
export type RouteMatch =
  | { kind: 'found'; route: Route; params: Map<string, string> }
  | { kind: 'not_found' }
  | { kind: 'method_not_allowed'; allow: string };

/**
 * Resolves an encoded path (as `parseTarget` returns it) and a method. Path parameters come back
 * decoded; the caller has already checked that every escape of the path decodes.
 */
export function matchRoute(path: string, method: string): RouteMatch {
  const candidates = ROUTES.filter((r) => r.regex.test(path));
  if (candidates.length === 0) return { kind: 'not_found' };
  const route = candidates.find((r) => r.def.method === method);
  if (!route) {
    const allow = [...new Set(candidates.map((r) => r.def.method))].join(', ');
    return { kind: 'method_not_allowed', allow };
  }
  const m = route.regex.exec(path);
  const params = new Map<string, string>();
  route.params.forEach((p, i) => {
    params.set(p, strictDecode(m?.[i + 1] ?? '') ?? '');
  });
  return { kind: 'found', route, params };
}
