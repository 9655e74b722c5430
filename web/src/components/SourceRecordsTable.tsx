import { Table } from '@trussworks/react-uswds';
import { evidenceValue, formatDateTime, recordAnchor, sourceRef } from '../format';
import type { SourceRecord } from '../types';

/** Every source record linked to the person, with the rule that linked it and the evidence. */
export function SourceRecordsTable({ records }: { records: SourceRecord[] }) {
  return (
    <section aria-labelledby="records-heading" className="margin-top-5">
      <h2 id="records-heading">Source records</h2>
      <p className="text-base-darker">
        Each record below was linked to this person by a deterministic rule; the evidence is what the rule
        matched on.
      </p>
      <Table caption={`${records.length} source records linked to this person`} bordered fullWidth scrollable>
        <thead>
          <tr>
            <th scope="col">Record</th>
            <th scope="col">Type</th>
            <th scope="col">Version</th>
            <th scope="col">File and line</th>
            <th scope="col">Ingested</th>
            <th scope="col">Link rule</th>
            <th scope="col">Evidence</th>
          </tr>
        </thead>
        <tbody>
          {records.map((record) => (
            <tr
              key={`${sourceRef(record)}-${record.version}`}
              id={recordAnchor(record)}
              tabIndex={-1}
              data-testid="source-record-row"
            >
              <th scope="row">
                <code>{sourceRef(record)}</code>
              </th>
              <td>{record.recordType}</td>
              <td>{record.version}</td>
              <td>
                {record.fileName}:{record.lineNumber}
              </td>
              <td>
                <time dateTime={record.ingestedAt}>{formatDateTime(record.ingestedAt)}</time>
              </td>
              <td>
                <code data-testid="link-rule">{record.link.rule}</code>
                <span className="display-block font-body-3xs text-base-dark">
                  linked {formatDateTime(record.link.linkedAt)}
                  {record.link.linkedBy ? ` by ${record.link.linkedBy}` : ''}
                </span>
              </td>
              <td>
                {Object.keys(record.link.evidence).length ? (
                  <dl className="passage-evidence" data-testid="link-evidence">
                    {Object.entries(record.link.evidence).map(([key, value]) => (
                      <div key={key}>
                        <dt>{key}:</dt> <dd>{evidenceValue(value)}</dd>
                      </div>
                    ))}
                  </dl>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </Table>
    </section>
  );
}
