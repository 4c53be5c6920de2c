/** One parsed CSV record with the 1-based line it starts on. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Splits CSV text into records (RFC 4180: comma separator, double-quoted fields with `""` escapes,
 * CRLF or LF line ends). Blank lines are skipped. Returns `{ error }` with the line of an unterminated
 * quote instead of throwing, so callers can name their own file. Empty text → no records. A leading
 * byte-order mark (spreadsheets write one) is not part of the first field.
 */
export function parseCsv(text: string): { records: CsvRecord[] } | { error: string; line: number } {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const endRecord = () => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0] === '')) records.push({ line: recordLine, fields });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field === '') {
      const start = line;
      i++;
      for (;;) {
        if (i >= text.length) return { error: 'unterminated quoted field', line: start };
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      endRecord();
      if (ch === '\r' && text[i + 1] === '\n') i++;
      line++;
      recordLine = line;
    } else {
      field += ch;
    }
    i++;
  }
  if (field !== '' || fields.length > 0) endRecord();
  return { records };
}
