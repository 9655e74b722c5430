import { Accordion, Table } from '@trussworks/react-uswds';
import { formatDateTime, recordAnchor, sourceRef } from '../format';
import type { IdentityEvent } from '../identity-types';
import { ruleWords } from '../match-words';
import type { SourceRecord } from '../types';
import { LinkEvidence } from './LinkEvidence';

const linkAnchor = (record: SourceRecord): string => `link-${recordAnchor(record)}`;

/** Every source record linked to the person, with the rule that linked it and, on demand, the evidence. */
export function SourceRecordsTable({
  records,
  events,
}: {
  records: SourceRecord[];
  /** The person's merges and splits, to say who moved a record and why. */
  events?: IdentityEvent[];
}) {
  const onPage = new Set(records.map(sourceRef));
  return (
    <section aria-labelledby="records-heading" className="margin-top-5">
      <h2 id="records-heading">Source records</h2>
      <p className="text-base-darker">
        Each record below is linked to this person by the entity-resolution engine, a reviewer’s decision, or
        a merge or split. Open “How this record was linked” under the table for the rule and its evidence.
      </p>
      {records.length === 0 ? (
        <p data-testid="no-source-records">No source record is linked to this person now.</p>
      ) : (
        <>
          <Table
            caption={`${records.length} source records linked to this person`}
            bordered
            fullWidth
            scrollable
          >
            <thead>
              <tr>
                <th scope="col">Record</th>
                <th scope="col">Type</th>
                <th scope="col">Version</th>
                <th scope="col">File and line</th>
                <th scope="col">Ingested</th>
                <th scope="col">How it was linked</th>
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
                    {ruleWords(record.link.rule)}
                    <span className="display-block font-body-3xs text-base-dark">
                      <code data-testid="link-rule">{record.link.rule}</code>,{' '}
                      {formatDateTime(record.link.linkedAt)}
                      {record.link.linkedBy ? ` by ${record.link.linkedBy}` : ''}
                    </span>
                  </td>
                </tr>
              ))}
            </tbody>
          </Table>
          <div className="margin-top-2" data-testid="link-disclosures">
            <Accordion
              bordered
              multiselectable
              items={records.map((record) => ({
                id: linkAnchor(record),
                headingLevel: 'h3',
                expanded: false,
                title: `How this record was linked: ${sourceRef(record)}`,
                content: <LinkEvidence record={record} events={events} onPage={onPage} />,
              }))}
            />
          </div>
        </>
      )}
    </section>
  );
}
