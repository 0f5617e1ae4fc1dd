/**
 * The part of papaparse's API the pure layer uses (src/data/import/table.ts), typed without
 * Node. `@types/papaparse` starts with `/// <reference types="node" />`, which put `process`,
 * `Buffer` and every Node global into the pure layer's compile (issue #12); tsconfig.core.json
 * maps `papaparse` here instead. The Node-side configs still see the full types, and
 * test/unit/layers.test.ts checks this shim against them.
 */
export interface ParseConfig {
  header?: false;
  dynamicTyping?: false;
  skipEmptyLines?: boolean;
  newline?: '\n' | '\r\n' | '\r';
  delimitersToGuess?: string[];
}

export interface ParseError {
  type: 'Quotes' | 'Delimiter' | 'FieldMismatch';
  code: string;
  message: string;
  row?: number | undefined;
}

export interface ParseMeta {
  delimiter: string;
}

export interface ParseResult<T> {
  data: T[];
  errors: ParseError[];
  meta: ParseMeta;
}

declare const Papa: {
  parse<T>(input: string, config: ParseConfig): ParseResult<T>;
};
export default Papa;
